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
