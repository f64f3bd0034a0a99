package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestField(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain value unchanged", "RUNNING", "RUNNING"},
		{"OSC 52 and clear screen removed", "RUNNING\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[H", "RUNNING"},
		{"colours removed too", "\x1b[31mFAILED\x1b[0m", "FAILED"},
		{"newline and tab cannot break the row", "node1\nnode2\tx", "node1?node2?x"},
		{"invisible runes removed", "a\u200bb\u2028c\u202ed", "abcd"},
		{"wide runes kept", "日本語", "日本語"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Field(c.in); got != c.want {
				t.Errorf("Field(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// FuzzField: one line, no escape, no control, no invisible rune, and
// cleaning again changes nothing.
func FuzzField(f *testing.F) {
	for _, s := range []string{"RUNNING", "a\x1b]52;c;YQ==\x07b", "\x1b[2J\n\t", "\xff\u200b\u2028", "a\x1b]0;never"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Field(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || dangerousRune(r) {
				t.Fatalf("control %U left in %q (from %q)", r, out, in)
			}
		}
		if strings.ContainsRune(out, '\x1b') {
			t.Fatalf("ESC left in %q", out)
		}
		if again := Field(out); again != out {
			t.Fatalf("not idempotent: %q -> %q", out, again)
		}
	})
}
