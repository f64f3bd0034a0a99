package jobspec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

func TestSaveAtomicBackupModeAndConflict(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "job.yaml")
	orig := "name: \"a\"  # keep me\nresources:\n  gpu_type: gb200\n"
	if err := os.WriteFile(p, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Set("name", "b"); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(p); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "name: \"b\"  # keep me\nresources:\n  gpu_type: gb200\n" {
		t.Errorf("saved %q", got)
	}
	if bak, _ := os.ReadFile(p + ".bak"); string(bak) != orig {
		t.Errorf(".bak holds %q", bak)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	// no temporary files left behind
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	// a second save from the same Doc works (it remembers what it wrote)
	if err := d.Set("name", "c"); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(p); err != nil {
		t.Fatalf("second save: %v", err)
	}
	// someone else edits the file: the next save is refused, file untouched
	other := "name: \"theirs\"\n"
	if err := os.WriteFile(p, []byte(other), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := d.Set("name", "mine"); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(p); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("save over a changed file: %v", err)
	}
	if now, _ := os.ReadFile(p); string(now) != other {
		t.Errorf("refused save still wrote: %q", now)
	}
}

func TestMalformedYAMLGivesPosition(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.yaml")
	src := "name: x\nmodel:\n  path: \"unterminated\n  precision: fp8\n"
	os.WriteFile(p, []byte(src), 0o644)
	_, err := Load(p)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("want *SyntaxError, got %v", err)
	}
	if se.File != p || se.Line < 3 || se.Col < 1 || se.Reason == "" {
		t.Errorf("syntax error %+v", se)
	}
	if !strings.HasPrefix(se.Error(), p+":") {
		t.Errorf("message %q does not start with file:line:col", se.Error())
	}
	for _, bad := range []string{"- a\n- b\n", "a: 1\n---\nb: 2\n", "a: [1, 2\n", "\tname: x\n"} {
		if _, err := Parse("f.yaml", []byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestApplyProfilingChanges(t *testing.T) {
	path := filepath.Join(jobspectest.CorpusDir(t), "p1", "recipies", "gb200-fp4", "1p2d.yaml")
	d, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := d.ApplyProfiling(ProfilingIntent{Type: "torch", Prefill: DefaultPrefillPhase, Decode: DefaultDecodePhase})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]Change{}
	for _, c := range changes {
		byPath[c.Path] = c
	}
	if c := byPath["benchmark.type"]; c.Old != "sa-bench" || c.New != "manual" || !strings.Contains(c.Reason, "mutually exclusive") {
		t.Errorf("benchmark change: %+v", c)
	}
	if c := byPath["resources.decode_workers"]; c.Old != "2" || c.New != "1" {
		t.Errorf("decode_workers change: %+v", c)
	}
	if _, ok := byPath["resources.prefill_workers"]; ok {
		t.Errorf("prefill_workers was already 1 but is reported changed")
	}
	if fs := d.Validate(); HasErrors(fs) {
		t.Errorf("after ApplyProfiling: %v", fs)
	}
	if got := d.Job().ProfiledPhases(); strings.Join(got, ",") != "prefill,decode" {
		t.Errorf("profiled phases %v", got)
	}
	// applying the same intent again changes nothing
	if again, err := d.ApplyProfiling(ProfilingIntent{Type: "torch", Prefill: DefaultPrefillPhase, Decode: DefaultDecodePhase}); err != nil || len(again) != 0 {
		t.Errorf("second apply: %v %v", again, err)
	}
	// type none leaves workers and benchmark alone
	before := d.Job()
	if _, err := d.ApplyProfiling(ProfilingIntent{Type: "none"}); err != nil {
		t.Fatal(err)
	}
	after := d.Job()
	if after.Profiling.Type != "none" || after.Benchmark.Type != before.Benchmark.Type || *after.Resources.DecodeWorkers != *before.Resources.DecodeWorkers {
		t.Errorf("type none changed more than the type")
	}
	if after.ProfiledPhases() != nil {
		t.Errorf("phases with type none: %v", after.ProfiledPhases())
	}
	if _, err := d.ApplyProfiling(ProfilingIntent{Type: "bogus"}); err == nil {
		t.Errorf("bogus type accepted")
	}
}

func TestApplyProfilingAggregated(t *testing.T) {
	d := mustParse(t, strings.Replace(aggBase, "agg_workers: 1", "agg_workers: 3", 1))
	changes, err := d.ApplyProfiling(ProfilingIntent{Type: "nsys", Prefill: DefaultPrefillPhase, Decode: PhaseValues{ISL: 2048, OSL: 64, Concurrency: 32, StartStep: 10, StopStep: 60}})
	if err != nil {
		t.Fatal(err)
	}
	j := d.Job()
	if *j.Resources.AggWorkers != 1 || j.Profiling.Prefill != nil || *j.Profiling.Decode.ISL != 2048 || j.Benchmark.Type != "manual" {
		t.Errorf("aggregated job after apply: %+v %+v (changes %v)", j.Resources, j.Profiling, changes)
	}
	if got := j.ProfiledPhases(); len(got) != 1 || got[0] != PhaseAggregated {
		t.Errorf("phases %v", got)
	}
	if fs := d.Validate(); len(fs) != 0 {
		t.Errorf("findings %v", fs)
	}
}

// Saving through a symbolic link writes the file it points to and keeps
// the link (a dotfiles-style setup, or a recipe linked into a work dir).
func TestSaveThroughSymlinkKeepsTheLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "recipes", "real.yaml")
	os.MkdirAll(filepath.Dir(real), 0o755)
	if err := os.WriteFile(real, []byte(base), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "job.yaml")
	if err := os.Symlink("recipes/real.yaml", link); err != nil {
		t.Fatal(err)
	}
	d, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Set("profiling.decode.concurrency", 128); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(link); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file (%v)", err)
	}
	got, _ := os.ReadFile(real)
	if string(got) != string(d.Bytes()) {
		t.Fatal("the file the link points to was not written")
	}
	if bak, err := os.ReadFile(real + ".bak"); err != nil || string(bak) != base {
		t.Fatalf("no .bak beside the real file: %v", err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640", fi.Mode().Perm())
	}
}
