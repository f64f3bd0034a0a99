package safetext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Label makes a name read from a file (a kernel name, a trace path) safe to
// print: control characters (which could move the cursor or change the
// terminal), the Unicode controls that reorder or hide text, and invalid
// UTF-8 become '?', so what is left of an escape sequence stays visible
// rather than vanishing.
func Label(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || dangerousRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) || dangerousRune(r) {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
