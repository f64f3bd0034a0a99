package e2e

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// walkJobStep keeps or types the Job step's answers; typed[i] == "" keeps
// the field's value.
func (p *pane) walkJobAndResources(name, model, container string, precisionDown int) {
	p.t.Helper()
	p.waitFor(focused("Job name"))
	p.text(name)
	p.enterTo("Model path")
	p.text(model)
	p.enterTo("Container")
	p.text(container)
	p.enterTo("Precision")
	for i := 0; i < precisionDown; i++ {
		p.keys("Down")
	}
	p.enterTo("GPU type", "Step 2/5")
	p.enterTo("Serving mode")
	p.enterTo("GPUs per node")
	p.enterTo("Prefill nodes")
	p.enterTo("Decode nodes")
	p.enterTo("Profiler", "Step 3/5")
}

// walkPhase presses Enter through a phase, replacing values given in set
// (field title -> new value).
func (p *pane) walkPhase(phase string, set map[string]string, next string, nextAlso ...string) {
	p.t.Helper()
	fields := []string{"Input length (isl)", "Output length (osl)", "Concurrency", "Start step", "Stop step"}
	p.waitFor(focused(fields[0]), phase+" phase")
	for i, f := range fields {
		if v, ok := set[f]; ok {
			p.keys("C-u")
			p.text(v)
		}
		if i+1 < len(fields) {
			p.enterTo(fields[i+1], phase+" phase")
		}
	}
	p.enterTo(next, nextAlso...)
}

func (p *pane) walkSlurm(account, partition, limit string) {
	p.t.Helper()
	p.waitFor(focused("Account"), "Step 4/5")
	p.text(account)
	p.enterTo("Partition")
	p.text(partition)
	p.enterTo("Time limit")
	p.text(limit)
	p.keys("Enter")
	p.waitFor("Step 5/5 Review")
}

func goldenPath(name string) string { return filepath.Join(repoRoot, "wizard", "testdata", name) }

// (a) A new disaggregated torch job typed from scratch is the golden file
// and passes `srtctl-tui validate`.
func TestNewDisaggregatedTorchJob(t *testing.T) {
	dir := t.TempDir()
	p := startPane(t, dir, "new")
	// No cluster's srtctl is known: new asks, newest first; P1 is third.
	p.waitFor("Which srtctl is this job for?", "> srtctl 2.x")
	p.keys("Down", "Down")
	p.waitFor("> srtctl P1")
	p.keys("Enter")
	p.walkJobAndResources("prof-torch", "/models/deepseek-r1", "/containers/sglang.sqsh", 1)
	p.waitFor("profiling needs a single worker", "mutually exclusive")
	p.enterTo("Input length (isl)", "prefill phase")
	p.walkPhase("prefill", nil, "Input length (isl)", "decode phase")
	p.walkPhase("decode", nil, "Account", "Step 4/5")
	p.walkSlurm("acct", "batch", "01:00:00")
	// A new file is all the user's answers: nothing is listed as changed
	// for them (benchmark.type manual is part of the file).
	if s := p.waitFor("passes srtctl P1's rules", "The new file:"); strings.Contains(s, "set to manual") {
		t.Errorf("a new file's review lists changes made for the user:\n%s", s)
	}
	if _, err := os.Stat(filepath.Join(dir, "prof-torch.yaml")); err == nil {
		t.Fatal("the file exists before Save")
	}
	p.keys("s")
	p.waitFor("Save as: prof-torch.yaml")
	p.keys("Enter")
	p.waitFor("Saved prof-torch.yaml", "srtctl apply -f prof-torch.yaml")
	p.keys("Enter")
	p.waitFor("EXIT=0", "srtctl apply -f prof-torch.yaml")

	got, err := os.ReadFile(filepath.Join(dir, "prof-torch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	golden := goldenPath("new-disagg-torch.yaml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("saved file differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
	out, err := exec.Command(binary, "validate", filepath.Join(dir, "prof-torch.yaml")).CombinedOutput()
	if err != nil {
		t.Fatalf("srtctl-tui validate: %v\n%s", err, out)
	}
}

// (b) Editing the P1 profiling example to nsys with decode concurrency 128
// changes exactly those two lines.
func TestEditChangesExactlyTwoLines(t *testing.T) {
	dir := t.TempDir()
	orig := jobspectest.P1Example(t)
	path := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	p := startPane(t, dir, "edit", "job.yaml")
	p.walkJobAndResources("", "", "", 0)
	p.keys("Down") // torch -> nsys
	p.enterTo("Input length (isl)", "prefill phase")
	p.walkPhase("prefill", nil, "Input length (isl)", "decode phase")
	p.walkPhase("decode", map[string]string{"Concurrency": "128"}, "Account", "Step 4/5")
	p.walkSlurm("", "", "")
	p.waitFor("(-2 +2 lines)", `+  type: "nsys"`)
	p.scrollTo("+    concurrency: 128")
	if cur, _ := os.ReadFile(path); string(cur) != string(orig) {
		t.Fatal("the file changed before Save")
	}
	p.keys("s")
	p.waitFor("Saved job.yaml")
	p.keys("Enter")
	p.waitFor("EXIT=0")

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := strings.Split(string(orig), "\n"), strings.Split(string(got), "\n")
	if len(a) != len(b) {
		t.Fatalf("line count %d -> %d", len(a), len(b))
	}
	var changed []string
	for i := range a {
		if a[i] != b[i] {
			changed = append(changed, a[i]+" => "+b[i])
		}
	}
	want := []string{
		`  type: "torch"  # Options: "none", "torch", "nsys" => ` + `  type: "nsys"  # Options: "none", "torch", "nsys"`,
		"    concurrency: 1 =>     concurrency: 128",
	}
	if strings.Join(changed, "\n") != strings.Join(want, "\n") {
		t.Fatalf("changed lines:\n%s\nwant:\n%s", strings.Join(changed, "\n"), strings.Join(want, "\n"))
	}
}

// twoDecodeWorkers is the shared broken P1 job with a manual benchmark, so
// its one problem is the second decode worker and the fix changes one line.
var twoDecodeWorkers = strings.Replace(jobspectest.BrokenP1, `type: "sa-bench"`, `type: "manual"`, 1)

// (c) A file with decode_workers: 2 and type: torch opens with the problem
// and the fix; it cannot be saved as it is, and the fix sets it to 1 (and
// its nodes to the one each worker had).
func TestBrokenFileIsFixedBeforeSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w2.yaml")
	if err := os.WriteFile(path, []byte(twoDecodeWorkers), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startPane(t, dir, "edit", "w2.yaml")
	p.waitFor("This file cannot be saved as it is", "decode_workers=2", "decode_workers set to 1")
	p.enterTo("Job name", "Step 1/5")
	p.walkJobAndResources("", "", "", 0)
	p.waitFor("the file has decode_workers: 2")
	p.enterTo("Input length (isl)", "prefill phase")
	p.walkPhase("prefill", nil, "Input length (isl)", "decode phase")
	p.walkPhase("decode", nil, "Account", "Step 4/5")
	p.walkSlurm("", "", "")
	// The single decode worker keeps the one node each of the two had.
	p.waitFor("passes srtctl P1's rules", "decode_workers set to 1", "decode_nodes changed from 2 to 1", "(-2 +2 lines)")
	p.scrollTo("+  decode_workers: 1")
	if cur, _ := os.ReadFile(path); string(cur) != twoDecodeWorkers {
		t.Fatal("the file changed before Save")
	}
	p.keys("s")
	p.waitFor("Saved w2.yaml")
	p.keys("Enter")
	p.waitFor("EXIT=0")
	got, _ := os.ReadFile(path)
	want := strings.NewReplacer("decode_workers: 2", "decode_workers: 1", "decode_nodes: 2", "decode_nodes: 1").Replace(twoDecodeWorkers)
	if string(got) != want {
		t.Fatalf("saved:\n%s\nwant:\n%s", got, want)
	}
	out, err := exec.Command(binary, "validate", path).CombinedOutput()
	if err != nil {
		t.Fatalf("validate after the fix: %v\n%s", err, out)
	}
}

// The start screen's New job asks as `new` does when no cluster's srtctl
// is known: newest first, and the answer decides the form.
func TestStartScreenNewJobAsksSrtctl(t *testing.T) {
	p := startPane(t, t.TempDir())
	p.waitFor("> New job")
	p.keys("Enter")
	p.waitFor("Which srtctl is this job for?", "> srtctl 2.x")
	p.keys("Down")
	p.waitFor("> srtctl 1.0.x")
	p.keys("Enter")
	p.waitFor("(srtctl 1.0.x)", "Job name")
}
