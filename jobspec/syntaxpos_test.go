package jobspec

import (
	"errors"
	"strings"
	"testing"
)

// A broken file is reported at the character that breaks it, with what to
// do, not only at a line (yaml.v3 gives a line, often the next one).
func TestSyntaxErrorsPointAtTheMistake(t *testing.T) {
	for _, c := range []struct {
		src, at, hint string
	}{
		{"name: x\nmodel:\n  path: \"/models/x\n", "3:9", "close the quote"},
		{"name: x\nresources:\n\tgpu_type: gb200\n", "3:1", "replace the tab with spaces"},
		{"name: x\nprofiling:\n  type: torch: nsys\n", "3:9", `quote a value that contains ": "`},
		{"name: [x, y\nmodel: {}\n", "2:1", "list here or above is not closed"},
		{"name: [x, y\n", "1:7", "list here or above is not closed"},
		{"name: x\nslurm:\n  account: a\n partition: b\n", "4:2", "indentation"},
		{"name: x\nresources: *gpus\n", "2:12", "define the anchor"},
		{"name: `x`\n", "1:7", "quote the value"},
	} {
		_, err := Parse("job.yaml", []byte(c.src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *SyntaxError", c.src, err)
			continue
		}
		if !strings.HasPrefix(se.Error(), "job.yaml:"+c.at+": ") || !strings.Contains(se.Reason, c.hint) {
			t.Errorf("%q:\n got %s\nwant job.yaml:%s: ... %s ...", c.src, se, c.at, c.hint)
		}
	}
}

// The second parser only places the error: a file yaml.v3 reads is valid
// even where goccy/go-yaml would object (duplicate keys: PyYAML keeps the
// last, as srtctl does).
func TestSecondParserDoesNotRejectValidFiles(t *testing.T) {
	if _, err := Parse("job.yaml", []byte("name: a\nname: b\n")); err != nil {
		t.Fatalf("duplicate keys rejected: %v", err)
	}
}

// A character YAML does not allow (a control character, U+FFFE) or a byte
// that is not UTF-8 was reported at 1:1 ("control characters are not
// allowed": yaml.v3's reader gives no position); it is reported where it
// is, as PyYAML (which refuses the same characters) would.
func TestUnreadableCharactersAreLocated(t *testing.T) {
	for _, c := range []struct {
		src, want string
		line, col int
	}{
		{"name: x\nmodel:\n  path: \"a\ab\"\n", "U+0007", 3, 11},
		{"name: é\x7f\n", "U+007F", 1, 8},
		{"name: x\n# \u0080 in a comment\n", "U+0080", 2, 3},
		{"a: \"\ufffe\"\n", "U+FFFE", 1, 5},
		{"a: 1\nb: \xff\xfe x\n", "byte 0xFF is not UTF-8", 2, 4},
	} {
		_, err := Parse("u.yaml", []byte(c.src))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, c.want) || se.Line != c.line || se.Col != c.col {
			t.Errorf("%q: %v, want %q at %d:%d", c.src, err, c.want, c.line, c.col)
		}
	}
	// The same through DecodeYAML (the cluster configuration).
	if _, err := DecodeYAML("c.yaml", []byte("clusters:\n  - name: \"a\x01\"\n")); err == nil || !strings.Contains(err.Error(), "c.yaml:2:13") {
		t.Errorf("config: %v", err)
	}
}
