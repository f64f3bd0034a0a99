package wizard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

func TestEditChangesOnlyWhatTheUserChanged(t *testing.T) {
	path, doc := tempCopy(t, jobspectest.P1ExamplePath(t))
	w := Edit(doc)
	if w.ReadOnly || len(w.Problems) != 0 {
		t.Fatalf("a valid P1 file opened read-only=%v with problems %v", w.ReadOnly, w.Problems)
	}
	w.V.ProfilingType = "nsys"
	w.V.Decode.Concurrency = "128"
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if rm, add := jobspec.ChangedLines(res.Diff); rm != 2 || add != 2 {
		t.Fatalf("diff changes %d/%d lines, want 2/2:\n%s", rm, add, res.Diff)
	}
	for _, want := range []string{`+  type: "nsys"`, "+    concurrency: 128"} {
		if !strings.Contains(res.Diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, res.Diff)
		}
	}
	if len(res.Changes) != 0 {
		t.Errorf("no automatic change expected, got %v", res.Changes)
	}
	if !res.CanSave() {
		t.Fatalf("result does not validate: %v", res.Findings)
	}
	before, _ := os.ReadFile(path)
	if string(before) != string(doc.Bytes()) {
		t.Fatal("Result wrote to the file before Save")
	}
	if err := res.Save(path); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(res.Doc.Bytes()) {
		t.Fatal("saved bytes differ from what the review showed")
	}
}

func TestEditUnchangedIsEmptyDiff(t *testing.T) {
	_, doc := tempCopy(t, jobspectest.P1ExamplePath(t))
	res, err := Edit(doc).Result()
	if err != nil {
		t.Fatal(err)
	}
	if res.Diff != "" || !res.Unchanged() {
		t.Fatalf("untouched edit has a diff:\n%s", res.Diff)
	}
}

func TestEditOfBrokenFileListsProblemsAndFix(t *testing.T) {
	_, doc := tempFile(t, "w2.yaml", jobspectest.BrokenP1)
	w := Edit(doc)
	if len(w.Problems) < 2 {
		t.Fatalf("want the workers and benchmark problems, got %v", w.Problems)
	}
	var fixWorkers, fixBench bool
	for _, c := range w.Fixes {
		fixWorkers = fixWorkers || (c.Path == "resources.decode_workers" && c.New == "1")
		fixBench = fixBench || (c.Path == "benchmark.type" && c.New == "manual")
	}
	if !fixWorkers || !fixBench {
		t.Fatalf("fixes do not set decode_workers 1 and benchmark manual: %v", w.Fixes)
	}
	text := w.problemsText()
	for _, want := range []string{"decode_workers=2", "decode_workers set to 1", "manual"} {
		if !strings.Contains(text, want) {
			t.Errorf("problems note lacks %q:\n%s", want, text)
		}
	}
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if !res.CanSave() {
		t.Fatalf("fixed result still invalid: %v", res.Findings)
	}
	if got, _ := res.Doc.Get("resources.decode_workers"); got != "1" {
		t.Fatalf("decode_workers = %s after the fix", got)
	}
	// Turning profiling off instead keeps the workers and the benchmark.
	w.V.ProfilingType = "none"
	res, err = w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := res.Doc.Get("resources.decode_workers"); got != "2" || !res.CanSave() {
		t.Fatalf("profiling off: decode_workers=%s findings=%v", got, res.Findings)
	}
}

func TestResultRefusesToSaveInvalid(t *testing.T) {
	path, doc := tempFile(t, "w2.yaml", jobspectest.BrokenP1)
	w := Edit(doc)
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	// Inject the forbidden value back, as a buggy caller could.
	if err := res.Doc.Set("resources.decode_workers", 2); err != nil {
		t.Fatal(err)
	}
	res.Findings = res.Doc.Validate()
	if res.CanSave() {
		t.Fatal("a result with decode_workers 2 while profiling can be saved")
	}
	if err := res.Save(path); err == nil {
		t.Fatal("Save wrote an invalid file")
	}
	got, _ := os.ReadFile(path)
	if string(got) != jobspectest.BrokenP1 {
		t.Fatal("the file changed")
	}
}

func TestNewJobResult(t *testing.T) {
	w := NewJob()
	w.V.Name, w.V.ModelPath, w.V.Container = "prof-torch", "/models/dsr1", "/c/sglang.sqsh"
	w.V.TimeLimit = "02:00:00"
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if !res.CanSave() {
		t.Fatalf("new job invalid: %v\n%s", res.Findings, res.Doc.Bytes())
	}
	// A new file is all the user's: the review lists no change made "for
	// you" (benchmark.type manual is simply part of it).
	if len(res.Changes) != 0 {
		t.Errorf("a new job lists automatic changes: %v", res.Changes)
	}
	if !strings.Contains(string(res.Doc.Bytes()), `type: "manual"`) {
		t.Errorf("benchmark.type manual not written:\n%s", res.Doc.Bytes())
	}
	d, err := jobspec.Parse("x", res.Doc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	j := d.Job()
	if j.Profiling.Type != "torch" || *j.Resources.DecodeWorkers != 1 || j.Slurm.TimeLimit != "02:00:00" {
		t.Fatalf("new job reads back wrong: %+v\n%s", j, res.Doc.Bytes())
	}
	if !strings.Contains(string(res.Doc.Bytes()), `time_limit: "02:00:00"`) {
		t.Errorf("time limit not double-quoted:\n%s", res.Doc.Bytes())
	}
}

func TestOtherDialectsOpenReadOnly(t *testing.T) {
	for _, rel := range []string{"p3/examples/enable-profiling.yaml", "current/examples/enable-profiling.yaml"} {
		_, doc := tempCopy(t, filepath.Join(jobspectest.CorpusDir(t), rel))
		w := Edit(doc)
		if !w.ReadOnly || !strings.Contains(w.Notice, "read-only") {
			t.Errorf("%s: read-only=%v notice=%q", rel, w.ReadOnly, w.Notice)
		}
		if _, err := w.Result(); err == nil {
			t.Errorf("%s: a read-only wizard produced a result", rel)
		}
	}
}

// Switching an existing job between disaggregated and aggregated carries
// the SGLang flags over, so the form can save (srtctl rejects a decode
// section with aggregated resources and the reverse), and the review says so.
func TestEditModeSwitchConvertsTheBackendSections(t *testing.T) {
	path, doc := tempCopy(t, jobspectest.P1ExamplePath(t))
	w := Edit(doc)
	w.V.Mode = ModeAggregated
	w.V.AggNodes, w.V.AggWorkers = "1", "1"
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if !res.CanSave() {
		t.Fatalf("switch to aggregated cannot be saved: %v", res.Findings)
	}
	if want := "-    decode:\n+    aggregated:\n"; !strings.Contains(res.Diff, want) {
		t.Errorf("diff lacks the rename %q:\n%s", want, res.Diff)
	}
	// decode_environment became aggregated_environment, and the comment
	// above it says so.
	out := string(res.Doc.Bytes())
	if strings.Contains(out, "decode_environment:") || strings.Contains(out, "# Decode-specific") ||
		!strings.Contains(out, "# Aggregated-specific environment variables\n  aggregated_environment:\n") {
		t.Errorf("environment not converted:\n%s", out)
	}
	var said []string
	for _, c := range res.Changes {
		said = append(said, ChangeText(c))
	}
	if !strings.Contains(strings.Join(said, "\n"), "sglang_config.decode renamed to aggregated") {
		t.Errorf("the review does not say the flags moved: %v", said)
	}
	if err := res.Save(path); err != nil {
		t.Fatal(err)
	}

	// And back: the saved aggregated job becomes disaggregated again.
	doc2, err := jobspec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	w2 := Edit(doc2)
	if w2.V.Mode != ModeAggregated {
		t.Fatalf("saved file reads back as %s", w2.V.Mode)
	}
	w2.V.Mode = ModeDisaggregated
	w2.V.PrefillNodes, w2.V.DecodeNodes, w2.V.PrefillWorkers, w2.V.DecodeWorkers = "1", "1", "1", "1"
	res2, err := w2.Result()
	if err != nil {
		t.Fatal(err)
	}
	if !res2.CanSave() {
		t.Fatalf("switch back to disaggregated cannot be saved: %v\n%s", res2.Findings, res2.Diff)
	}
	for _, phase := range []string{"prefill", "decode"} {
		if got, _ := res2.Doc.Get("backend.sglang_config." + phase + ".disaggregation_mode"); got != phase {
			t.Errorf("%s: disaggregation_mode = %q", phase, got)
		}
	}
}
