package safetext

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestLabel(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain name unchanged", "void at::native::elementwise_kernel<128, 4>", "void at::native::elementwise_kernel<128, 4>"},
		{"escape sequences stay visible", "evil\x1b]0;title\x07\x1b[2Jname", "evil?]0;title??[2Jname"},
		{"newline and tab too", "a\nb\tc\r", "a?b?c?"},
		{"C1 control", "a\u009bb", "a?b"},
		{"invalid UTF-8, one '?' a byte", "caf\xe9\xff", "caf??"},
		{"wide runes kept", "日本語", "日本語"},
		{"bidi controls and marks", "gemm\u202eevil\u2066x\u200fy\u061cz", "gemm?evil?x?y?z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Label(c.in); got != c.want {
				t.Errorf("Label(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

// FuzzLabel: what goes out is valid UTF-8 without control characters and
// has as many runes as went in (each bad one became one '?').
func FuzzLabel(f *testing.F) {
	for _, s := range []string{"name", "evil\x1b]0;t\x07", "\xff\xfe", "\u009b2J", "a\nb\tc", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Label(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q: %q", in, out)
		}
		for _, r := range out {
			if unicode.IsControl(r) || dangerousRune(r) {
				t.Fatalf("control %U left in %q (from %q)", r, out, in)
			}
		}
		if utf8.RuneCountInString(out) != utf8.RuneCountInString(in) {
			t.Fatalf("%q has %d runes, %q had %d", out, utf8.RuneCountInString(out), in, utf8.RuneCountInString(in))
		}
	})
}
