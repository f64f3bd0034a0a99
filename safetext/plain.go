package safetext

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Plain makes text that came from the cluster safe to print on a terminal,
// for messages (ssh's, srtctl's) rather than log panes: every escape
// sequence and every control character but newline and tab is removed, and
// so are the Unicode controls that reorder or hide text (bidi overrides,
// isolates and marks; line and paragraph separators; zero-width and other
// invisible runes). Carriage returns go
// too (a progress line's \r would overwrite what came before), and invalid
// UTF-8 is replaced. An escape sequence that never ends loses only its ESC:
// the text after it stays, instead of vanishing as on a terminal.
func Plain(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var out strings.Builder
	out.Grow(len(s))
	for rest := s; len(rest) > 0; {
		seq, _, n, state := ansi.DecodeSequence(rest, ansi.NormalState, nil)
		if n <= 0 {
			n, seq = 1, rest[:1]
		}
		switch {
		case state != ansi.NormalState:
			n = 1 // drop the ESC; what followed it is shown as text
		case isEscapeSequence(seq):
		default:
			for _, r := range seq {
				if r == '\n' || r == '\t' || !dangerousRune(r) {
					out.WriteRune(r)
				}
			}
		}
		rest = rest[n:]
	}
	return out.String()
}
