package jobspec

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

func TestCorpusValidatesClean(t *testing.T) {
	for _, f := range jobspectest.Corpus(t) {
		d, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, fd := range d.Validate() {
			if fd.Severity == Error {
				t.Errorf("%s:%d:%d: unexpected error: %s", f, fd.Line, fd.Col, fd.Message)
			}
		}
	}
}

func TestCorpusSaveUnchangedIsByteIdentical(t *testing.T) {
	tmp := t.TempDir()
	for i, f := range jobspectest.Corpus(t) {
		orig, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		copyPath := filepath.Join(tmp, filepath.Base(f)+"-"+itoa(i))
		if err := os.WriteFile(copyPath, orig, 0o640); err != nil {
			t.Fatal(err)
		}
		d, err := Load(copyPath)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		_ = d.Job()
		_ = d.Validate()
		if err := d.Save(copyPath); err != nil {
			t.Fatalf("%s: save: %v", f, err)
		}
		got, _ := os.ReadFile(copyPath)
		if !bytes.Equal(got, orig) {
			t.Errorf("%s: load+save changed the bytes", f)
		}
	}
}

var currentTopKey = regexp.MustCompile(`(?m)^(dynamo|frontend|base|override_[A-Za-z0-9_]*|zip_override_[A-Za-z0-9_]*|identity|health_check):`)

// currentByFacts says from the raw file whether the issue requires it to be
// detected as current: a key only current srtctl has, a backend.type other
// than sglang, or a steps-only profiling section.
func currentByFacts(t *testing.T, data []byte) bool {
	if currentTopKey.Match(data) {
		return true
	}
	var m struct {
		Backend   struct{ Type string }
		Profiling map[string]any
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Backend.Type != "" && m.Backend.Type != "sglang" {
		return true
	}
	if m.Profiling == nil {
		return false
	}
	hasSteps := false
	for k, v := range m.Profiling {
		if k == "isl" || k == "osl" || k == "concurrency" {
			return false
		}
		if ph, ok := v.(map[string]any); ok {
			for pk := range ph {
				switch pk {
				case "isl", "osl", "concurrency":
					return false
				case "start_step", "stop_step":
					hasSteps = true
				}
			}
		}
	}
	return hasSteps
}

func TestCorpusDialects(t *testing.T) {
	root := jobspectest.CorpusDir(t)
	want := map[string]Dialect{
		"p1/examples/enable-profiling.yaml":      DialectP1,
		"p3/examples/enable-profiling.yaml":      DialectP3,
		"current/examples/enable-profiling.yaml": DialectP3, // a stale P3 example in that repository
	}
	for rel, dia := range want {
		d, err := Load(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Dialect(); got != dia {
			t.Errorf("%s: dialect %s, want %s", rel, got, dia)
		}
	}
	nCurrent := 0
	for _, f := range jobspectest.Corpus(t) {
		rel, _ := filepath.Rel(root, f)
		if !strings.HasPrefix(rel, "current/") {
			continue
		}
		data, _ := os.ReadFile(f)
		if !currentByFacts(t, data) {
			continue
		}
		nCurrent++
		d, err := Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		if det := d.Detect(""); det.Dialect != DialectV1 || det.Assumed && currentTopKey.Match(data) {
			t.Errorf("%s: detected %+v, want v1 (and not assumed when a 1.0.x-only key is there)", rel, det)
		}
	}
	minCurrent := 3 // the current/ recipes in jobspectest's testdata
	if jobspectest.FullCorpus(t) {
		minCurrent = 30
	}
	if nCurrent < minCurrent {
		t.Errorf("only %d current-only files checked", nCurrent)
	}
	nV2 := 0
	for _, f := range jobspectest.Corpus(t) {
		rel, _ := filepath.Rel(root, f)
		if !strings.HasPrefix(rel, "v2/") {
			continue
		}
		nV2++
		d, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if det := d.Detect(""); det.Dialect != DialectV2 || det.Assumed {
			t.Errorf("%s: detected %+v, want v2", rel, det)
		}
	}
	minV2 := 2 // the v2/ files in jobspectest's testdata
	if jobspectest.FullCorpus(t) {
		minV2 = 15
	}
	if nV2 < minV2 {
		t.Errorf("only %d 2.x files checked", nV2)
	}
}
