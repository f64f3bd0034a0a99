package jobspec

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	goccy "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// locateSyntaxError asks a second parser where a YAML syntax error is.
// yaml.v3 decides that the file is broken (it is the parser the rest of the
// package edits with) but reports only a line, often the one after the
// mistake; goccy/go-yaml's scanner points at the character (the unclosed
// quote, the tab, the stray ':'). ok is false when it finds nothing, and
// for inputs it could choke on (see locatable).
func locateSyntaxError(src []byte) (line, col int, reason string, ok bool) {
	if !locatable(src) {
		return 0, 0, "", false
	}
	defer func() {
		if recover() != nil {
			ok = false // a position is a nicety; never crash for one
		}
	}()
	_, err := parser.ParseBytes(src, 0, parser.AllowDuplicateMapKey())
	var se *goccy.SyntaxError
	if !errors.As(err, &se) || se.Token == nil || se.Token.Position == nil || se.Token.Position.Line < 1 {
		return 0, 0, "", false
	}
	reason = se.Message
	if strings.Contains(reason, "'\t'") {
		reason = "a tab cannot start a token here"
	}
	return se.Token.Position.Line, max(se.Token.Position.Column, 1), reason, true
}

const (
	maxLocateSize = 64 << 10
	// maxLocateNesting bounds the nesting goccy could see: its memory grows
	// with the square of the depth (4,000 levels: 28 MB; 8,000: 105 MB).
	maxLocateNesting = 4000
)

// locatable reports an input goccy's parser can be given safely: its
// token tree costs far more memory per byte than yaml.v3's (a job file is
// a few KB), and its memory grows with the square of the nesting. The gate
// bounds nesting already; this bound holds however the gate's scan could
// be misled (by a broken file, which is when goccy runs), as every level of
// nesting needs a '[', '{', '-', '?' or a new line.
func locatable(src []byte) bool {
	if len(src) > maxLocateSize {
		return false
	}
	n := 0
	for _, c := range src {
		switch c {
		case '[', '{', '-', '?', '\n':
			n++
		}
	}
	return n <= maxLocateNesting
}

var unknownAnchorRe = regexp.MustCompile(`unknown anchor '(.*)' referenced`)

// locateAlias finds the first use (*name) of an anchor yaml.v3 says is
// unknown; it reports no line for that error.
func locateAlias(src []byte, reason string) (line, col int, ok bool) {
	m := unknownAnchorRe.FindStringSubmatch(reason)
	if m == nil {
		return 0, 0, false
	}
	use := regexp.MustCompile(`\*` + regexp.QuoteMeta(m[1]) + `($|[\s,\]}])`)
	for i, l := range strings.Split(string(src), "\n") {
		if loc := use.FindStringIndex(l); loc != nil {
			return i + 1, utf8.RuneCountInString(l[:loc[0]]) + 1, true
		}
	}
	return 0, 0, false
}

// syntaxHint says what to do about the usual mistakes.
func syntaxHint(reason string) string {
	r := strings.ToLower(reason)
	switch {
	case strings.Contains(r, "unknown anchor"):
		return "define the anchor (&name) before this use, or fix the name"
	case strings.Contains(r, "tab"):
		return "YAML indents with spaces only: replace the tab with spaces"
	case strings.Contains(r, "double-quoted"), strings.Contains(r, "single-quoted"):
		return "close the quote on the same line"
	case strings.Contains(r, "reserved character"):
		return `quote the value ("...")`
	case strings.Contains(r, "']'"), strings.Contains(r, "'}'"):
		return "a [ or { list here or above is not closed: close it, or write it as a block"
	case strings.Contains(r, "mapping value"), strings.Contains(r, "mapping values"):
		return `quote a value that contains ": ", or indent this line like its siblings`
	case strings.Contains(r, "expected key"), strings.Contains(r, "value is not allowed"), strings.Contains(r, "non-map value"), strings.Contains(r, "expected ':'"), strings.Contains(r, "unexpected key name"):
		return "check this line's indentation against the lines above, and that each key ends with ':'"
	}
	return ""
}

// readerErrors are yaml.v3's errors about bytes it cannot read as YAML
// text, which it reports without a position.
var readerErrors = []string{"control characters are not allowed", "UTF-8", "invalid Unicode character"}

// locateUnreadable finds the first character yaml.v3's reader refuses (the
// printable set of YAML 1.1, as PyYAML's too: tab, newlines, U+0020..U+007E,
// U+0085, U+00A0..U+D7FF, U+E000..U+FFFD, U+10000 and up) or invalid
// UTF-8, for the reader errors that carry no position. A file in UTF-16
// is left to the parser.
func locateUnreadable(src []byte, reason string) (line, col int, why string, ok bool) {
	reader := false
	for _, e := range readerErrors {
		reader = reader || strings.Contains(reason, e)
	}
	if !reader || len(src) >= 2 && (src[0] == 0xFE && src[1] == 0xFF || src[0] == 0xFF && src[1] == 0xFE) {
		return 0, 0, "", false
	}
	line, col = 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return line, col, fmt.Sprintf("byte 0x%02X is not UTF-8 text (save the file as UTF-8)", src[i]), true
		case r == '\n':
			line, col = line+1, 1
			i += size
			continue
		case r == '\t' || r == '\r' || r >= 0x20 && r <= 0x7E || r == 0x85 || r >= 0xA0 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000:
		default:
			return line, col, fmt.Sprintf("the character U+%04X is not allowed in YAML (remove it, or write it as \\u%04X inside double quotes)", r, r), true
		}
		col++
		i += size
	}
	return 0, 0, "", false
}
