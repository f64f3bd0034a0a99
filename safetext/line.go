package safetext

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// MaxLineRunes is how many visible runes of a line Line keeps.
const MaxLineRunes = 4096

// maxSGR bounds a kept colour sequence: a real one is a few bytes, a huge
// one is an attack on the renderer.
const maxSGR = 64

// Line makes one line of untrusted remote text safe to print inside the
// screen. It keeps colours (SGR sequences) and removes every other escape
// sequence: cursor movement, OSC title changes, hyperlinks and clipboard
// writes, DCS, APC, PM, SOS. Other control characters become visible in
// cat -v notation (^G, ^[, M-^[ for C1), bidirectional overrides become
// <U+202E>, tabs become spaces, a "\r" progress line collapses to its last
// segment (what a terminal would finally show), invalid UTF-8 becomes
// U+FFFD, and a line longer than MaxLineRunes is cut with a marker saying
// how much was cut. If any colour was kept, the line ends with a reset so
// colours do not bleed into the next line.
func Line(line string) string { return LineN(line, MaxLineRunes) }

// LineN is Line with the line length limit given (in runes). A cut line,
// marker included, stays within the limit, so Line(Line(s)) == Line(s).
func LineN(line string, maxRunes int) string { return lineN(line, maxRunes, false) }

// cutMarkerRunes bounds the length of cutMarker's text.
const cutMarkerRunes = 32

func lineN(line string, maxRunes int, reserved bool) string {
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if i := strings.LastIndexByte(line, '\r'); i >= 0 {
		line = LastCRSegment(line)
	}
	if plainASCII(line) && len(line) <= maxRunes {
		return line
	}
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "\uFFFD")
	}

	var out strings.Builder
	out.Grow(min(len(line), 4*maxRunes) + 16)
	col, runes := 0, 0
	coloured := false
	var colours sgrColours
	rest := line
	for len(rest) > 0 {
		seq, width, n, newState := ansi.DecodeSequence(rest, ansi.NormalState, nil)
		if n <= 0 {
			n = 1
			seq = rest[:1]
		}
		var piece string // what the screen gets for seq
		pieceWidth := 0
		if newState != ansi.NormalState {
			// An escape sequence that never ends: a terminal would swallow
			// the rest of the line, so show it instead, ESC made visible.
			n = 1
			piece, pieceWidth = caret(rest[0]), 2
		} else {
			switch {
			case isEscapeSequence(seq):
				if isSGR(seq) {
					// Neither concealed nor drawn in the background's colour.
					if sgr := colours.apply(unconcealed(seq)); sgr != "" {
						out.WriteString(sgr)
						coloured = true
					}
				}
				rest = rest[n:]
				continue
			case len(seq) == 1 && seq[0] == '\t':
				pieceWidth = 8 - col%8
				piece = strings.Repeat(" ", pieceWidth)
			case len(seq) == 1 && (seq[0] < 0x20 || seq[0] == 0x7f):
				piece, pieceWidth = caret(seq[0]), 2
			default:
				piece, pieceWidth = visibleCluster(seq, width)
			}
		}
		pieceRunes := utf8.RuneCountInString(piece)
		if runes+pieceRunes > maxRunes {
			if !reserved && maxRunes > 2*cutMarkerRunes {
				// Too long: start again leaving room for the marker.
				return lineN(line, maxRunes-cutMarkerRunes, true)
			}
			out.WriteString(cutMarker(len(rest)))
			break
		}
		out.WriteString(piece)
		col += pieceWidth
		runes += pieceRunes
		rest = rest[n:]
	}
	if coloured {
		out.WriteString("\x1b[m")
	}
	return out.String()
}

// LastCRSegment is what a terminal shows after "a\rb\rc": the last segment
// that is not empty. Parsers of progress output match on it too, so that
// they see what Line shows.
func LastCRSegment(line string) string {
	for line != "" {
		i := strings.LastIndexByte(line, '\r')
		if i < 0 {
			return line
		}
		if seg := line[i+1:]; seg != "" {
			return seg
		}
		line = line[:i]
	}
	return line
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isEscapeSequence(seq string) bool {
	return seq != "" && (seq[0] == ansi.ESC || (seq[0] >= 0x80 && seq[0] < 0xa0))
}

// isSGR accepts only ESC [ params m with params made of digits, ';' and ':'.
func isSGR(seq string) bool {
	if len(seq) < 3 || len(seq) > maxSGR || seq[0] != ansi.ESC || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	for i := 2; i < len(seq)-1; i++ {
		c := seq[i]
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// unconcealed is an SGR sequence without its "conceal" attribute (8),
// which would draw the text after it as blanks: a log line must not hide
// part of itself. Colour arguments (38;5;8, 48;2;8;8;8) are not attributes
// and stay. A sequence that was only concealment becomes "" (dropped, not
// turned into ESC[m, which would reset the colours before it).
func unconcealed(seq string) string {
	params := strings.Split(seq[2:len(seq)-1], ";")
	kept := params[:0:0]
	for i := 0; i < len(params); i++ {
		p := params[i]
		attr, _, _ := strings.Cut(p, ":")
		switch strings.TrimLeft(attr, "0") {
		case "8":
			continue
		case "38", "48", "58":
			end := i + 1
			if !strings.Contains(p, ":") {
				end = colourArgsEnd(params, i)
			}
			kept = append(kept, params[i:end]...)
			i = end - 1
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(params) {
		return seq
	}
	if len(kept) == 0 {
		return ""
	}
	return "\x1b[" + strings.Join(kept, ";") + "m"
}

// caret writes a control byte the way cat -v does.
func caret(c byte) string {
	switch {
	case c == 0x7f:
		return "^?"
	case c < 0x20:
		return "^" + string(rune(c+'@'))
	}
	return string(rune(c))
}

// visibleCluster returns a grapheme cluster with the runes a terminal would
// act on (C1 controls, bidirectional controls) made visible, and its width.
func visibleCluster(seq string, width int) (string, int) {
	unsafe := false
	for _, r := range seq {
		if dangerousRune(r) && !(r == 0x200d && emojiJoin(seq)) {
			unsafe = true
			break
		}
	}
	if !unsafe {
		return seq, width
	}
	var b strings.Builder
	w := 0
	for _, r := range seq {
		switch {
		case r < 0x20 || r == 0x7f:
			b.WriteString(caret(byte(r)))
			w += 2
		case r >= 0x80 && r < 0xa0:
			s := "M-" + caret(byte(r-0x80))
			b.WriteString(s)
			w += len(s)
		case dangerousRune(r):
			s := "<U+" + strings.ToUpper(strconv.FormatInt(int64(r), 16)) + ">"
			b.WriteString(s)
			w += len(s)
		default:
			b.WriteRune(r)
			w += ansi.StringWidth(string(r))
		}
	}
	return b.String(), w
}

// dangerousRune: C0/C1 controls hidden inside a cluster, the Unicode
// controls that reorder text on screen ("Trojan Source"), and the runes a
// terminal draws as nothing, so that text can hide between two letters or
// after a line break the terminal does not make (invisibleRune).
func dangerousRune(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return invisibleRune(r)
}

// invisibleRune: zero-width and blank-looking runes (U+200B..U+200D, word
// joiner and invisible operators, BOM, soft hyphen, Mongolian vowel
// separator, combining grapheme joiner, Hangul fillers), the line and
// paragraph separators U+2028/U+2029 (one line to us, a line break to some
// terminals) and the tag characters U+E0000..U+E007F (invisible text).
func invisibleRune(r rune) bool {
	switch {
	case r >= 0x200b && r <= 0x200d, r >= 0x2060 && r <= 0x2064, r == 0xfeff, r == 0x00ad, r == 0x180e, r == 0x034f:
		return true
	case r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r >= 0xe0000 && r <= 0xe007f:
		return true
	}
	return false
}

// emojiJoin reports whether cluster is an emoji ZWJ sequence (a family, a
// profession): there U+200D only joins pictographs into one visible glyph
// and is left alone.
func emojiJoin(cluster string) bool {
	first, _ := utf8.DecodeRuneInString(cluster)
	if first < 0x2600 {
		return false
	}
	for _, r := range cluster {
		if r != 0x200d && r != 0xfe0f && invisibleRune(r) || r < 0x2600 && r != 0x200d && r != 0xfe0f {
			return false
		}
	}
	return true
}

func cutMarker(bytesLeft int) string {
	return " … [" + strconv.Itoa(bytesLeft) + " bytes cut]"
}

// colourArgsEnd is the index just past the arguments of the 38, 48 or 58
// at params[i] in the semicolon form, where 5;n or 2;r;g;b follow as
// separate parameters (the colon form carries them inside params[i]).
func colourArgsEnd(params []string, i int) int {
	n := 0
	if i+1 < len(params) {
		switch strings.TrimLeft(params[i+1], "0") {
		case "5":
			n = 2
		case "2":
			n = 4
		}
	}
	return min(i+1+n, len(params))
}
