package jobspec

import (
	"strings"
	"testing"
)

// TestPrecheckMarksWhatSrtctlLetsThrough: the stand-in srtctl (and anyone
// who wants srtctl's own verdict) relies on Precheck to tell srtctl's
// load-time errors from ours.
func TestPrecheckMarksWhatSrtctlLetsThrough(t *testing.T) {
	src := strings.Replace(base, "    isl: 1024\n    osl: 128\n    concurrency: 256\n", "    osl: 128\n    concurrency: 256\n", 1)
	src = strings.Replace(src, "decode_workers: 1", "decode_workers: 2", 1)
	src = strings.Replace(src, "    start_step: 0\n    stop_step: 50\nbackend", "    start_step: 60\n    stop_step: 50\nbackend", 1)
	doc, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"resources.decode_workers":   false, // srtctl: single worker only
		"profiling.decode.isl":       true,  // the job fails later
		"profiling.decode.stop_step": true,
	}
	got := map[string]bool{}
	for _, f := range doc.Validate() {
		if f.Severity == Error {
			got[f.Path] = f.Precheck
		}
	}
	for path, pre := range want {
		g, ok := got[path]
		if !ok {
			t.Errorf("no error at %s; findings: %v", path, doc.Validate())
			continue
		}
		if g != pre {
			t.Errorf("%s: Precheck=%v, want %v", path, g, pre)
		}
	}
}
