package safetext

import (
	"fmt"
	"strconv"
	"strings"
)

// sgrColours follows the foreground and background colours the SGR
// sequences of one line set, so that a line cannot hide text by drawing
// it in its background's colour (ESC[30;40m, or two truecolours a few
// steps apart): as with concealment (SGR 8), the colour that would make
// the text invisible is dropped and the text shows.
type sgrColours struct{ fg, bg string } // "" is the terminal's default

// sgrGroup is one attribute of an SGR sequence with its arguments
// (38;5;n is one group).
type sgrGroup struct {
	params []string
	sets   byte   // 'f' foreground, 'b' background, 'r' reset both, 0 other
	colour string // the colour set ("" for a default)
}

func sgrGroups(params []string) []sgrGroup {
	var out []sgrGroup
	for i := 0; i < len(params); i++ {
		p := params[i]
		attr, sub, colon := strings.Cut(p, ":")
		attr = strings.TrimLeft(attr, "0")
		if attr == "" {
			out = append(out, sgrGroup{params: []string{p}, sets: 'r'})
			continue
		}
		n, err := strconv.Atoi(attr)
		g := sgrGroup{params: []string{p}}
		switch {
		case err != nil:
		case n >= 30 && n <= 37, n >= 90 && n <= 97:
			g.sets, g.colour = 'f', "i"+strconv.Itoa(basicIndex(n, 30, 90))
		case n >= 40 && n <= 47, n >= 100 && n <= 107:
			g.sets, g.colour = 'b', "i"+strconv.Itoa(basicIndex(n, 40, 100))
		case n == 39:
			g.sets = 'f'
		case n == 49:
			g.sets = 'b'
		case n == 38 || n == 48:
			g.sets = map[bool]byte{true: 'f', false: 'b'}[n == 38]
			var args []string
			if colon {
				args = strings.Split(sub, ":")
			} else {
				end := colourArgsEnd(params, i)
				args = params[i+1 : end]
				g.params = params[i:end]
				i = end - 1
			}
			g.colour = extendedColour(args)
		}
		out = append(out, g)
	}
	return out
}

func basicIndex(n, normal, bright int) int {
	if n >= bright {
		return n - bright + 8
	}
	return n - normal
}

// extendedColour names the colour of 38/48's arguments: 5;n (the 256
// colour palette; its 16..255 part as RGB) or 2;r;g;b (also 2;id;r;g;b in
// the colon form). Unreadable arguments name no colour.
func extendedColour(args []string) string {
	num := func(s string) (int, bool) {
		v, err := strconv.Atoi(s)
		return v, err == nil && v >= 0 && v <= 255
	}
	switch {
	case len(args) == 2 && strings.TrimLeft(args[0], "0") == "5":
		v, ok := num(args[1])
		switch {
		case !ok:
			return ""
		case v < 16:
			return "i" + strconv.Itoa(v)
		case v < 232:
			v -= 16
			level := func(c int) int { return map[bool]int{true: 0, false: 55 + 40*c}[c == 0] }
			return rgbName(level(v/36), level(v/6%6), level(v%6))
		default:
			g := 8 + 10*(v-232)
			return rgbName(g, g, g)
		}
	case len(args) >= 4 && strings.TrimLeft(args[0], "0") == "2":
		rgb := args[len(args)-3:]
		r, ok1 := num(rgb[0])
		g, ok2 := num(rgb[1])
		b, ok3 := num(rgb[2])
		if ok1 && ok2 && ok3 {
			return rgbName(r, g, b)
		}
	}
	return ""
}

func rgbName(r, g, b int) string { return fmt.Sprintf("#%02x%02x%02x", r, g, b) }

// alike: two colours the eye cannot tell apart (the same palette entry,
// or RGB values within a few steps of each other).
func alike(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if a[0] != '#' || b[0] != '#' {
		return a == b
	}
	for i := 1; i < 7; i += 2 {
		x, _ := strconv.ParseUint(a[i:i+2], 16, 8)
		y, _ := strconv.ParseUint(b[i:i+2], 16, 8)
		if d := int(x) - int(y); d > 24 || d < -24 {
			return false
		}
	}
	return true
}

// apply updates the colours for an SGR sequence (ESC [ ... m) and returns
// it without the colours that would draw text in its background's colour
// ("" when nothing is left of it).
func (c *sgrColours) apply(seq string) string {
	if seq == "" {
		return ""
	}
	groups := sgrGroups(strings.Split(seq[2:len(seq)-1], ";"))
	dropped := make([]bool, len(groups))
	state := func() sgrColours {
		s := *c
		for i, g := range groups {
			switch {
			case dropped[i]:
			case g.sets == 'r':
				s = sgrColours{}
			case g.sets == 'f':
				s.fg = g.colour
			case g.sets == 'b':
				s.bg = g.colour
			}
		}
		return s
	}
	// While the two are alike, drop the last colour this sequence sets,
	// the background first: one of them made them alike.
	s, changed := state(), false
	for alike(s.fg, s.bg) {
		drop := -1
		for _, want := range []byte{'b', 'f'} {
			for i := len(groups) - 1; i >= 0 && drop < 0; i-- {
				if !dropped[i] && groups[i].sets == want {
					drop = i
				}
			}
		}
		if drop < 0 {
			break
		}
		dropped[drop], changed = true, true
		s = state()
	}
	*c = s
	if !changed {
		return seq
	}
	var kept []string
	for i, g := range groups {
		if !dropped[i] {
			kept = append(kept, g.params...)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return "\x1b[" + strings.Join(kept, ";") + "m"
}
