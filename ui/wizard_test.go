package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// toProfiling fills the Job step and keeps the Resources defaults.
func toProfiling(t *testing.T, p *pump) {
	t.Helper()
	p.typeText("prof")
	p.key("enter")
	p.typeText("/models/m")
	p.key("enter")
	p.typeText("/c/s.sqsh")
	p.key("enter")
	p.key("enter") // precision
	p.mustSee("Step 2/5 Resources")
	for i := 0; i < 5; i++ { // gpu type, mode, gpus per node, prefill nodes, decode nodes
		p.key("enter")
	}
	p.mustSee("Step 3/5 Profiling", "Profiler")
}

func wizardTitle(p *pump) string { return strings.SplitN(p.view(), "\n", 2)[0] }

func TestWorkersAndBenchmarkNotAskedWhileProfiling(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 80, 24)
	toProfiling(t, p)
	p.mustSee("Workers: 1 prefill, 1 decode (profiling needs a single worker)",
		"Benchmark: manual (profiling and benchmarking are mutually exclusive)")
	p.key("enter")
	if v := p.view(); !strings.Contains(v, "prefill phase") || strings.Contains(v, "Prefill workers") {
		t.Fatalf("after the profiler came something other than the prefill phase:\n%s", v)
	}
	// Back to the profiler, turn it off: workers and benchmark are asked.
	p.key("esc")
	p.mustSee("Step 3/5 Profiling", "Profiler")
	p.key("up")
	p.key("enter")
	p.mustSee("Workers and benchmark", "Prefill workers", "Decode workers")
	p.key("enter")
	p.key("enter")
	p.mustSee("sa-bench", "mmlu", "gpqa")
	if ws.Wizard().V.ProfilingType != "none" {
		t.Fatalf("profiling type %q", ws.Wizard().V.ProfilingType)
	}
}

func TestBenchmarkOptionsFollowProfiling(t *testing.T) {
	v := wizard.NewValues()
	v.ProfilingType = "torch"
	if got := v.AllowedBenchmarkTypes(); len(got) != 1 || got[0] != "manual" {
		t.Fatalf("while profiling the benchmark may be %v", got)
	}
	v.ProfilingType = "none"
	if got := v.AllowedBenchmarkTypes(); len(got) != len(jobspec.BenchmarkTypes) {
		t.Fatalf("profiling off offers %v", got)
	}
}

func TestNumbersMustBePositive(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 80, 24)
	p.typeText("prof")
	p.key("enter")
	p.typeText("/m")
	p.key("enter")
	p.typeText("/c")
	p.key("enter")
	p.key("enter")
	p.key("enter")
	p.key("enter")
	p.key("ctrl+u")
	p.typeText("-2")
	p.key("enter")
	p.mustSee("Step 2/5 Resources", "enter a whole number from 1 to")
	p.key("ctrl+u")
	p.typeText("4")
	p.key("enter")
	p.mustSee("Resources: nodes")
}

func TestStepWindowRules(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 80, 24)
	toProfiling(t, p)
	p.key("enter")
	p.mustSee("prefill phase", "typical windows are 30-100 steps")
	for i := 0; i < 3; i++ {
		p.key("enter")
	}
	p.key("ctrl+u")
	p.typeText("60")
	p.key("enter")
	p.mustSee("⚠ the stop step must be greater than the start step")
	p.key("enter") // stop 50 <= start 60: refused
	p.mustSee("stop step must be greater than the start step (60)")
	if !strings.Contains(wizardTitle(p), "Step 3/5") || !strings.Contains(p.view(), "prefill phase") {
		t.Fatalf("left the phase with stop <= start:\n%s", p.view())
	}
	p.key("ctrl+u")
	p.typeText("260")
	p.mustSee("⚠ 200 steps: longer than the typical 30-100")
	p.key("ctrl+u")
	p.typeText("70")
	p.mustSee("⚠ 10 steps: shorter than the typical 30-100")
	p.key("enter")
	p.mustSee("decode phase")
}

func TestEscGoesBackAStepAndAsksBeforeLeaving(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 80, 24)
	toProfiling(t, p)
	p.key("esc")
	if !strings.Contains(wizardTitle(p), "Step 2/5") {
		t.Fatalf("esc from profiling went to %q", wizardTitle(p))
	}
	p.key("esc")
	p.key("esc")
	if !strings.Contains(wizardTitle(p), "Step 1/5") {
		t.Fatalf("esc twice more went to %q", wizardTitle(p))
	}
	p.key("esc") // leaving the form with answers: asks
	p.mustSee("Unsaved changes", "Discard them and leave?")
	p.key("n")
	if strings.Contains(p.view(), "Unsaved changes") || p.quit {
		t.Fatal("n did not dismiss the question")
	}
	p.key("ctrl+c")
	p.mustSee("Unsaved changes")
	if p.quit {
		t.Fatal("ctrl+c quit with unsaved answers without asking")
	}
	p.key("y")
	if !p.quit {
		t.Fatal("y did not quit")
	}
}

func TestEveryStepFits80x24(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 80, 24)
	check := func(lastField string) {
		t.Helper()
		v := p.view()
		lines := strings.Split(v, "\n")
		if len(lines) != 24 {
			t.Fatalf("%d rows, want 24:\n%s", len(lines), v)
		}
		for _, l := range lines {
			if w := len([]rune(l)); w > 80 {
				t.Fatalf("row wider than 80 (%d): %q", w, l)
			}
		}
		if !strings.Contains(v, lastField) || !strings.Contains(strings.Join(lines[21:], "\n"), "esc back a step") {
			t.Fatalf("step does not show %q and the footer:\n%s", lastField, v)
		}
	}
	check("Precision")
	toProfiling(t, p)
	check("nsys")
	p.key("enter")
	check("Stop step")
	for i := 0; i < 5; i++ {
		p.key("enter")
	}
	check("Stop step")
	for i := 0; i < 5; i++ {
		p.key("enter")
	}
	check("Time limit")
}

func writeJob(t *testing.T, content string) (string, *jobspec.Doc) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "job.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := jobspec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, doc
}

func TestBrokenFileOpensWithProblemsAndFix(t *testing.T) {
	path, doc := writeJob(t, jobspectest.BrokenP1)
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	p := newPump(t, ws, 100, 30)
	p.mustSee("This file cannot be saved as it is", "decode_workers=2", "Cannot enable profiling with benchmark type 'sa-bench'",
		"decode_workers set to 1", "benchmark.type set to manual")
	p.key("enter")
	for i := 0; i < 4+5; i++ { // job, resources, nodes
		p.key("enter")
	}
	p.mustSee("Profiler", "the file has decode_workers: 2", "the file has sa-bench")
	for i := 0; i < 1+5+5+3; i++ {
		p.key("enter")
	}
	p.mustSee("Step 5/5 Review", "passes srtctl P1's rules", "decode_workers set to 1", "decode_nodes changed from 2 to 1", "+  decode_nodes: 1")
	if got, _ := os.ReadFile(path); string(got) != jobspectest.BrokenP1 {
		t.Fatal("written before Save")
	}
	p.key("s")
	p.mustSee("Saved " + path)
	got, _ := os.ReadFile(path)
	saved, _ := jobspec.Parse(path, got)
	if j := saved.Job(); *j.Resources.DecodeWorkers != 1 || j.Benchmark.Type != "manual" || jobspec.HasErrors(saved.Validate()) {
		t.Fatalf("saved file still broken:\n%s", got)
	}
	rev := p.root.Top().(*ReviewScreen)
	if string(got) != string(rev.Result().Doc.Bytes()) {
		t.Fatal("saved bytes are not what the review showed")
	}
	p.key("enter")
	if !p.quit || !strings.Contains(p.root.ExitMessage, "srtctl apply -f "+path) {
		t.Fatalf("after save: quit=%v message=%q", p.quit, p.root.ExitMessage)
	}
}

func TestReviewRefusesInvalidResult(t *testing.T) {
	path, doc := writeJob(t, jobspectest.BrokenP1)
	wz := wizard.Edit(doc)
	res, err := wz.Result()
	if err != nil {
		t.Fatal(err)
	}
	// An injected forbidden value must not get through Save.
	if err := res.Doc.Set("resources.decode_workers", 2); err != nil {
		t.Fatal(err)
	}
	res.Findings = res.Doc.Validate()
	p := newPump(t, NewReviewScreen(&Context{Styles: NewStyles(true), NoColor: true}, wz, res), 100, 30)
	p.mustSee("cannot be saved until fixed", "Save (fix errors first)", "Profiling mode requires single worker only")
	p.key("s")
	p.mustSee("cannot save: the job breaks srtctl's rules")
	if got, _ := os.ReadFile(path); string(got) != jobspectest.BrokenP1 {
		t.Fatal("an invalid result was written")
	}
}

func TestOtherDialectOpensReadOnly(t *testing.T) {
	p3 := `name: "p3"
model: {path: "/m", container: "/c", precision: "fp8"}
resources: {gpu_type: "gb200", prefill_nodes: 1, decode_nodes: 1, prefill_workers: 1, decode_workers: 1}
profiling:
  type: "torch"
  isl: 1024
  osl: 128
  concurrency: 8
  prefill: {start_step: 0, stop_step: 50}
  decode: {start_step: 0, stop_step: 50}
`
	_, doc := writeJob(t, p3)
	scr := OpenJob(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	if _, ok := scr.(*ReadOnlyScreen); !ok {
		t.Fatalf("a P3 file opened as %T", scr)
	}
	p := newPump(t, scr, 100, 30)
	p.mustSee("Opened read-only", "P3", "isl/osl/concurrency at the top of profiling")
}

// A line wider than the screen is folded, not cut: the review shows every
// byte Save writes, and no row is wider than the screen.
func TestReviewFoldsLongLines(t *testing.T) {
	long := strings.Repeat("x", 150) + "-END"
	src := strings.Replace(string(jobspectest.P1Example(t)), `name: "gb200-fp8-profiling"`, `name: "gb200-fp8-profiling"  # `+long, 1)
	_, doc := writeJob(t, src)
	wz := wizard.Edit(doc)
	wz.V.Name = "renamed"
	res, err := wz.Result()
	if err != nil {
		t.Fatal(err)
	}
	const width = 80
	p := newPump(t, NewReviewScreen(&Context{Styles: NewStyles(true), NoColor: true}, wz, res), width, 60)
	p.mustSee("Changes to", "-END", "Step 5/5 Review")
	view := p.view()
	var joined strings.Builder
	for _, row := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(row); w > width {
			t.Errorf("row %d wide: %q", w, row)
		}
		if strings.HasPrefix(row, foldMark) {
			joined.WriteString(strings.TrimPrefix(row, foldMark))
		} else if strings.Contains(row, "xxx") {
			joined.WriteString(strings.TrimRight(row, " "))
		}
	}
	if !strings.Contains(joined.String(), long) {
		t.Fatalf("the long comment does not read back whole from the folded rows:\n%s", view)
	}
}

// A number the file already had is held to the form's rule: concurrency 0
// is listed as a problem, and the field does not take it until it is 1 or
// more; a sweep placeholder the file had is kept.
func TestFileNumbersAreCheckedLikeTypedOnes(t *testing.T) {
	src := strings.Replace(string(jobspectest.P1Example(t)), "concurrency: 1", "concurrency: 0", 1)
	_, doc := writeJob(t, src)
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	p := newPump(t, ws, 100, 30)
	p.mustSee("This file cannot be saved as it is", "profiling.prefill.concurrency is 0: it must be 1 or more")
	p.key("enter")
	for i := 0; i < 4+3+2+1; i++ { // job, resources, nodes, profiler
		p.key("enter")
	}
	p.mustSee("prefill phase", "Concurrency:")
	p.key("enter") // isl
	p.key("enter") // osl
	p.key("enter") // concurrency 0: refused
	p.mustSee("enter a whole number from 1 to")
	if ws.Wizard().V.Prefill.Concurrency != "0" {
		t.Fatalf("concurrency %q", ws.Wizard().V.Prefill.Concurrency)
	}
	p.key("backspace")
	p.typeText("4")
	p.key("enter")
	p.mustSee("Start step")
	if got := ws.Wizard().V.Prefill.Concurrency; got != "4" {
		t.Fatalf("concurrency %q after typing 4", got)
	}
}

// A select whose value from the file is not an option cannot show it; it
// says what the file had instead of letting Enter swap it silently.
func TestInvalidSelectValueFromFileIsCalledOut(t *testing.T) {
	src := strings.Replace(string(jobspectest.P1Example(t)), `precision: "fp8"`, `precision: "fp9"`, 1)
	_, doc := writeJob(t, src)
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	p := newPump(t, ws, 100, 30)
	p.mustSee("This file cannot be saved as it is", `(got "fp9")`)
	for i := 0; i < 4; i++ { // problems, name, model, container
		p.key("enter")
	}
	p.mustSee("Precision", `The file has "fp9", which srtctl does not accept: choose one.`)
}

// Resizing mid-form re-lays it: after each new size the view is exactly
// that size, the focused field is still shown, and the answers are kept.
func TestResizeMidFormRelays(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 120, 40)
	toProfiling(t, p)
	p.key("enter")
	p.mustSee("prefill phase", "Input length (isl)")
	for _, size := range [][2]int{{80, 24}, {200, 50}, {90, 30}} {
		p.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		v := p.view()
		lines := strings.Split(v, "\n")
		if len(lines) != size[1] {
			t.Fatalf("%dx%d: %d rows:\n%s", size[0], size[1], len(lines), v)
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Fatalf("%dx%d: row of %d cells: %q", size[0], size[1], w, l)
			}
		}
		if !strings.Contains(v, "Input length (isl)") || !strings.Contains(v, "prefill phase") {
			t.Fatalf("%dx%d: the focused step is gone:\n%s", size[0], size[1], v)
		}
	}
	if ws.Wizard().V.Name != "prof" || ws.Wizard().V.ModelPath != "/models/m" {
		t.Fatalf("answers lost on resize: %+v", ws.Wizard().V)
	}
}

// A problem the form cannot fix by itself (stop <= start) is proposed as a
// value to type, and Continue takes the user straight to that field.
func TestProblemsPageGoesToTheProposedField(t *testing.T) {
	src := strings.Replace(jobspectest.ValidP1Agg, "    concurrency: 64\n", "    concurrency: 64\n    start_step: 60\n    stop_step: 40\n", 1)
	_, doc := writeJob(t, src)
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	p := newPump(t, ws, 100, 30)
	p.mustSee("This file cannot be saved as it is", "type 110 in Stop step", "Go to the field")
	p.key("enter")
	p.mustSee("Step 3/5 Profiling: aggregated job")
	if f := ws.host.Form().GetFocusedField(); f.GetKey() != "profiling.decode.stop_step" {
		t.Fatalf("focus on %q, want the stop step", f.GetKey())
	}
	p.key("ctrl+u")
	p.typeText("110")
	p.key("enter")
	p.mustSee("Step 4/5 SLURM")
	if got := ws.Wizard().V.Decode.StopStep; got != "110" {
		t.Fatalf("stop step %q", got)
	}
}

// A stop step not after the start step is said once (the field's error),
// not also by the note under it.
func TestStopBeforeStartSaidOnce(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 100, 40)
	toProfiling(t, p)
	p.key("enter") // torch
	for i := 0; i < 3; i++ {
		p.key("enter") // isl, osl, concurrency
	}
	p.key("ctrl+u")
	p.typeText("60")
	p.key("enter")
	p.key("ctrl+u")
	p.typeText("40")
	p.key("enter")
	if n := strings.Count(p.view(), "must be greater than the start step"); n != 1 {
		t.Fatalf("said %d times:\n%s", n, p.view())
	}
}

// Enter on the form's last field opens the review, and the footer says so;
// elsewhere it says next (huh calls it "submit", which it is not).
func TestFooterSaysEnterReviewOnTheLastFieldOnly(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 100, 30)
	footer := func() string { v := p.view(); return v[strings.LastIndex(v, "esc back a step"):] }
	if f := footer(); !strings.Contains(f, "enter next") || strings.Contains(f, "review") || strings.Contains(f, "submit") {
		t.Fatalf("first field's footer: %q", f)
	}
	ws.rebuildAtLast()
	p.send(nil)
	for i := 0; i < 2; i++ { // account, partition
		p.key("enter")
	}
	p.mustSee("Time limit")
	if f := footer(); !strings.Contains(f, "enter review") || strings.Contains(f, "submit") {
		t.Fatalf("last field's footer: %q", f)
	}
}

// Editing a file, changing the GPU type to one whose nodes usually have
// another count says so under GPUs per node (the file's number is kept:
// it may be right for this cluster).
func TestEditGPUTypeChangeSaysTheUsualGPUsPerNode(t *testing.T) {
	_, doc := writeJob(t, string(jobspectest.P1Example(t))) // gb200, 4 per node
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	p := newPump(t, ws, 120, 40)
	for i := 0; i < 30 && !strings.Contains(p.view(), "GPUs per node"); i++ {
		p.key("enter")
	}
	p.mustSee("GPUs per node")
	const hint = "GPUs per node (h100 nodes usually have 8): 4"
	if strings.Contains(p.view(), "usually have") {
		t.Fatalf("a hint before the type changed:\n%s", p.view())
	}
	ws.Wizard().V.GPUType = "h100" // as the GPU type select does
	p.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	p.mustSee(hint)
	if got := ws.Wizard().V.GPUsPerNode; got != "4" {
		t.Errorf("GPUs per node changed to %q by itself", got)
	}
	ws.Wizard().V.GPUType = "gb300" // 4 per node, like the file
	p.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	if strings.Contains(p.view(), "usually have") {
		t.Errorf("a hint though gb300 nodes have 4:\n%s", p.view())
	}
}

// At 80x24 the benchmark step of a 2.x nsys job shows its whole note: the
// list is as tall as the three benchmarks offered (it kept the height of
// all eleven, and the note's first line scrolled off). And nsys, unlike
// nsys-time, is not asked a time window.
func TestTodayBenchmarkStepFits80x24(t *testing.T) {
	wz := wizard.NewJobFor(jobspec.DialectV2)
	wz.V.Name, wz.V.ModelPath, wz.V.Container = "p", "/m", "/c"
	wz.T.Profiling = "nsys"
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wz)
	p := newPump(t, ws, 80, 24)
	for i := 0; i < 40 && !strings.Contains(p.view(), "Benchmark (the traffic)"); i++ {
		if strings.Contains(p.view(), "Delay (s)") {
			t.Fatalf("nsys is asked nsys-time's window:\n%s", p.view())
		}
		p.key("enter")
	}
	v := p.view()
	if got := strings.Join(strings.Fields(v), " "); !strings.Contains(got, "While profiling, only benchmarks that send profiling traffic are offered") {
		t.Fatalf("the note's start is off screen:\n%s", v)
	}
	if strings.Contains(v, "gsm8k") {
		t.Errorf("a benchmark that sends no profiling traffic is offered:\n%s", v)
	}
}
