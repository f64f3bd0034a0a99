package runner

import (
	"os/exec"
	"strings"
	"testing"

	"al.essio.dev/pkg/shellescape"
)

// unquotePOSIX undoes what a POSIX shell does to one word made of single
// quoted parts, double quoted parts without $, ` or \, backslash escapes
// and plain characters, failing on anything else (an unquoted
// metacharacter would be shell syntax).
func unquotePOSIX(w string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '\'':
			j := strings.IndexByte(w[i+1:], '\'')
			if j < 0 {
				return "", false
			}
			b.WriteString(w[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			j := strings.IndexByte(w[i+1:], '"')
			if j < 0 || strings.ContainsAny(w[i+1:i+1+j], "$`\\") {
				return "", false
			}
			b.WriteString(w[i+1 : i+1+j])
			i += j + 1
		case c == '\\':
			if i+1 >= len(w) {
				return "", false
			}
			b.WriteByte(w[i+1])
			i++
		case !plainShellChar(c):
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// plainShellChar: characters no POSIX shell interprets.
func plainShellChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./,:=@%+", c) >= 0
}

func TestShellQuoteWithSh(t *testing.T) {
	values := append(hostile("/nonexistent"), "", "'", "''", "a'b'c", "\\'", "~", "%", "-", "ü")
	argv := append([]string{"printf", `%s\0`}, values...)
	out, err := exec.Command("sh", "-c", shellCommand("/", argv)).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(values) {
		t.Fatalf("%d values arrived, want %d: %q", len(got), len(values), got)
	}
	for i, v := range values {
		if got[i] != v {
			t.Errorf("%q arrived as %q", v, got[i])
		}
	}
}

func TestShellQuoteLeavesPlainWordsAlone(t *testing.T) {
	for in, want := range map[string]string{
		"squeue":       "squeue",
		"-o":           "-o",
		"/a/b-c_d.yml": "/a/b-c_d.yml",
		"%i|%T":        `'%i|%T'`,
		"":             "''",
		"it's":         `'it'"'"'s'`,
		"~/x":          `'~/x'`,
	} {
		if got := shellescape.Quote(in); got != want {
			t.Errorf("shellescape.Quote(%q) = %s, want %s", in, got, want)
		}
	}
	if got := shellCommand("/my dir", []string{"srtctl", "apply", "-f", "a b"}); got != `cd '/my dir' && srtctl apply -f 'a b'` {
		t.Errorf("shellCommand: %s", got)
	}
}

func FuzzShellQuote(f *testing.F) {
	for _, v := range hostile("/x") {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := shellescape.Quote(s)
		back, ok := unquotePOSIX(q)
		if !ok || back != s {
			t.Fatalf("shellescape.Quote(%q) = %q, which a shell reads as %q (ok=%v)", s, q, back, ok)
		}
	})
}
