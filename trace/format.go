package trace

import (
	"strconv"
	"strings"
)

// FormatDuration shows a duration given in microseconds with three
// significant digits and the unit that suits it: 812 µs, 3.21 ms, 11.6 s.
func FormatDuration(us float64) string {
	switch a := abs(us); {
	case a == 0:
		return "0"
	case a < 1e3:
		return sig3(us) + " µs"
	case a < 1e6:
		return sig3(us/1e3) + " ms"
	default:
		return sig3(us/1e6) + " s"
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// sig3 prints x with three significant digits, in fixed notation.
func sig3(x float64) string {
	prec := 0
	switch a := abs(x); {
	case a < 10:
		prec = 2
	case a < 100:
		prec = 1
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// FormatCount prints n with thousands separators: 49,600.
func FormatCount(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
