package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// The accessible mode asks the same steps as plain prompts and writes the
// same file as the full-screen form (the e2e golden file).
func TestAccessibleNewJobMatchesGolden(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "prof-torch.yaml")
	answers := goldenAnswers(target)
	var out bytes.Buffer
	res, err := RunAccessible(wizard.NewJob(), strings.NewReader(strings.Join(answers, "\n")+"\n"), &out, AccessibleOptions{})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if res.Path != target || res.Submit {
		t.Fatalf("outcome %+v", res)
	}
	got, _ := os.ReadFile(target)
	want, err := os.ReadFile(filepath.Join("..", "wizard", "testdata", "new-disagg-torch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("accessible mode wrote:\n%s\nwant:\n%s\ntranscript:\n%s", got, want, out.String())
	}
	for _, s := range []string{"Step 3/5 · Profiling", "profiling needs a single worker", "srtctl apply -f " + target,
		"ok: prefill: 1 worker(s) × 1 node(s) × 4 GPUs = 4 GPUs per worker, all used by tp-size 4",
		// A screen reader hears the answer an empty line keeps.
		"GPUs per node (Enter: the GPU type's usual count: 4 for gb200, 4 for gb300, 8 for h100)", "Profiler (now torch; Enter keeps it)", "Concurrency (now 256; Enter keeps it)"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("transcript lacks %q", s)
		}
	}
	if strings.Contains(out.String(), "Prefill workers") {
		t.Error("workers were asked while profiling")
	}
}

// goldenAnswers are the prompts' answers that write the golden file to
// target.
func goldenAnswers(target string) []string {
	return []string{
		"prof-torch", "/models/deepseek-r1", "/containers/sglang.sqsh", "2", // job
		"", "", "", // gpu type, mode, gpus per node
		"", "", // nodes
		"",                 // profiler: keep torch
		"", "", "", "", "", // prefill phase
		"", "", "", "", "", // decode phase
		"acct", "batch", "01:00:00",
		"y", target,
	}
}

// After Save the accessible mode offers to submit, as the full-screen
// review does; declining says how to submit later.
func TestAccessibleOffersSubmit(t *testing.T) {
	for _, answer := range []string{"y", "n"} {
		target := filepath.Join(t.TempDir(), "prof-torch.yaml")
		var out bytes.Buffer
		in := strings.Join(append(goldenAnswers(target), answer), "\n") + "\n"
		res, err := RunAccessible(wizard.NewJob(), strings.NewReader(in), &out, AccessibleOptions{SubmitTo: "tc"})
		if err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if res.Submit != (answer == "y") || res.Path != target {
			t.Fatalf("answer %s: outcome %+v", answer, res)
		}
		if !strings.Contains(out.String(), "Submit "+target+" to cluster tc now?") {
			t.Errorf("no offer to submit in:\n%s", out.String())
		}
		if later := strings.Contains(out.String(), "srtctl-tui submit "+target); later == res.Submit {
			t.Errorf("answer %s: 'submit later' hint shown=%v", answer, later)
		}
	}
}

// Input that ends early saves nothing.
func TestAccessibleEOFSavesNothing(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	wz := wizard.NewJob()
	wz.Target = filepath.Join(dir, "x.yaml")
	if _, err := RunAccessible(wz, strings.NewReader("name\n"), &out, AccessibleOptions{SubmitTo: "tc"}); err == nil {
		t.Fatal("no error for input that ended mid-form")
	}
	if _, err := os.Stat(wz.Target); err == nil {
		t.Fatal("a file was written")
	}
}

// The accessible prompts keep the fields' descriptions (huh prints only
// the title).
func TestAccessiblePromptsKeepDescriptions(t *testing.T) {
	target := filepath.Join(t.TempDir(), "prof-torch.yaml")
	var out strings.Builder
	if _, err := RunAccessible(wizard.NewJob(), strings.NewReader(strings.Join(goldenAnswers(target), "\n")+"\n"), &out, AccessibleOptions{}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"Job name · Used for the SLURM job and the log directory.", "Model path · A path, or an alias from the cluster's srtslurm.yaml.",
		"Container · A .sqsh path, or an alias from srtslurm.yaml."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
}

// The accessible review names the srtctl whose rules passed (it said P1's
// for every job), and while profiling the benchmark prompt lists only the
// benchmarks that start a capture (it listed all twelve).
func TestAccessibleTodayReviewAndBenchmarks(t *testing.T) {
	var out strings.Builder
	answers := "acc\n/m\n/c\n" + strings.Repeat("\n", 40)
	RunAccessible(wizard.NewJobFor(jobspec.DialectV2), strings.NewReader(answers), &out, AccessibleOptions{})
	got := out.String()
	if !strings.Contains(got, "Validation: passes srtctl 2.x's rules") {
		t.Errorf("review:\n%s", got)
	}
	_, bench, _ := strings.Cut(got, "Benchmark (the traffic)")
	bench, _, _ = strings.Cut(bench, "Enter a number")
	if !strings.Contains(bench, "1. sa-bench") || strings.Contains(bench, "manual\n") || strings.Contains(bench, "gpqa") {
		t.Errorf("benchmark prompt while profiling:\n%s", bench)
	}
}
