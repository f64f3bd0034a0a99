package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestPlain(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"escapes and controls gone, newline and tab kept",
			"ok \x1b[31mred\x1b[0m \x1b]0;title\x07bell\r\nline2\ttab\x00\u202e", "ok red bell\nline2\ttab"},
		{"invalid UTF-8", "bad \xff utf8", "bad \uFFFD utf8"},
		{"progress line keeps every segment", "10%\r50%\r100%", "10%50%100%"},
		{"line and paragraph separators", "a\u2028b\u2029c", "abc"},
		{"isolates", "a\u2066b\u2069c", "abc"},
		{"wide runes kept", "日本語 ✓", "日本語 ✓"},
		{"bidi marks", "a\u200eb\u200fc\u061cd\u202ae", "abcde"},
		{"an escape that never ends keeps the text after it", "a\x1b]0;title never ended\nnext line", "a]0;title never ended\nnext line"},
		{"C1 controls", "a\u009b31mb\u0085c", "a31mbc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Plain(c.in); got != c.want {
				t.Errorf("Plain(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// FuzzPlain: whatever comes in, what goes out is valid UTF-8 with no escape,
// no control character but newline and tab, no bidirectional control, and
// cleaning it again changes nothing.
func FuzzPlain(f *testing.F) {
	for _, s := range []string{
		"plain", "ok \x1b[31mred\x1b[0m\r\n", "\x1b]0;t\x07", "\x1b]52;c;YQ==\x1b\\", "\x1bP1$r\x1b\\",
		"\xff\xfe", "\u009b2J", "\x1b[", "\x1b", "\t\x00\x7f\n", "\u202e\u2066\u2028", "\u200f\u061c", "a\x1b]0;never ends",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Plain(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		for _, r := range out {
			if r != '\n' && r != '\t' && unicode.IsControl(r) {
				t.Fatalf("control %U left in %q (from %q)", r, out, in)
			}
			if r != '\n' && r != '\t' && dangerousRune(r) || r == 0x2028 || r == 0x2029 {
				t.Fatalf("bidi or separator %U left in %q (from %q)", r, out, in)
			}
		}
		if strings.Contains(out, "\x1b") {
			t.Fatalf("ESC left in %q", out)
		}
		if again := Plain(out); again != out {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
	})
}
