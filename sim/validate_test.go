package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validJob is sim's own valid P1 job rather than jobspectest.ValidP1Disagg:
// prefill runs at tp-size 2 so the two phases' ranks differ, and it has no
// steps so a test can add them; the name "prof" shows in squeue and logs.
const validJob = `name: "prof"
model:
  path: "/models/m"
  container: "c.sqsh"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  prefill_nodes: 1
  decode_nodes: 1
  prefill_workers: 1
  decode_workers: 1
  gpus_per_node: 4
benchmark:
  type: "manual"
profiling:
  type: "torch"
  prefill:
    isl: 1024
    osl: 128
    concurrency: 24
  decode:
    isl: 1024
    osl: 128
    concurrency: 256
backend:
  sglang_config:
    prefill:
      tp-size: 2
    decode:
      tp-size: 4
`

func writeJob(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadJobChecksWhatSrtctlChecks(t *testing.T) {
	dir := t.TempDir()
	if _, problem := loadJob(writeJob(t, dir, "ok.yaml", validJob)); problem != "" {
		t.Fatalf("valid job rejected: %s", problem)
	}
	rejected := map[string]string{
		"workers.yaml": strings.Replace(validJob, "prefill_workers: 1", "prefill_workers: 2", 1),
		"bench.yaml":   strings.Replace(validJob, `type: "manual"`, `type: "sa-bench"`, 1),
	}
	want := map[string]string{
		"workers.yaml": "Profiling mode requires single worker only. Got prefill_workers=2",
		"bench.yaml":   "Cannot enable profiling with benchmark type 'sa-bench'. Profiling mode is mutually exclusive with benchmarking.",
	}
	for name, body := range rejected {
		_, problem := loadJob(writeJob(t, dir, name, body))
		if problem != want[name] {
			t.Errorf("%s: got %q, want %q", name, problem, want[name])
		}
	}
	// What srtctl lets through reaches the job: missing isl, concurrency,
	// a backwards step window.
	through := []string{
		strings.Replace(validJob, "    isl: 1024\n    osl: 128\n    concurrency: 24\n", "    osl: 128\n    concurrency: 24\n", 1),
		strings.Replace(validJob, "    concurrency: 256\n", "", 1),
		strings.Replace(validJob, "    concurrency: 24\n", "    concurrency: 24\n    start_step: 60\n    stop_step: 10\n", 1),
	}
	for i, body := range through {
		if _, problem := loadJob(writeJob(t, dir, "through.yaml", body)); problem != "" {
			t.Errorf("case %d: srtctl would accept this, the stand-in rejected it: %s", i, problem)
		}
	}
	if _, problem := loadJob(writeJob(t, dir, "bad.yaml", "name: [unclosed\n")); !strings.Contains(problem, "bad.yaml:") {
		t.Errorf("syntax error without position: %q", problem)
	}
}

func TestBuildPlan(t *testing.T) {
	dir := t.TempDir()
	doc, problem := loadJob(writeJob(t, dir, "ok.yaml", validJob))
	if problem != "" {
		t.Fatal(problem)
	}
	plan, tag, nodes, err := buildPlan(doc, doc.Job(), clusterConfig{Pace: 3, Traces: "/tr"})
	if err != nil {
		t.Fatal(err)
	}
	if tag != "1P_1D" || nodes != 2 || plan.Pace != 3 || plan.Traces != "/tr" || !plan.Disaggregated {
		t.Errorf("tag %q nodes %d plan %+v", tag, nodes, plan)
	}
	if len(plan.Phases) != 2 || plan.Phases[0].Ranks != 2 || plan.Phases[1].Ranks != 4 || plan.Phases[1].Node != 1 {
		t.Errorf("phases %+v", plan.Phases)
	}
	agg := strings.Replace(validJob, "  prefill_nodes: 1\n  decode_nodes: 1\n  prefill_workers: 1\n  decode_workers: 1\n", "  agg_nodes: 1\n  agg_workers: 1\n", 1)
	agg = strings.Replace(agg, "    decode:\n      tp-size: 4\n", "", 1)
	doc, problem = loadJob(writeJob(t, dir, "agg.yaml", agg))
	if problem != "" {
		t.Fatal(problem)
	}
	plan, tag, _, _ = buildPlan(doc, doc.Job(), clusterConfig{Pace: 1})
	if tag != "1A" || len(plan.Phases) != 1 || plan.Phases[0].Name != "aggregated" || *plan.Phases[0].Concurrency != 256 || plan.Phases[0].Ranks != 2 {
		t.Errorf("aggregated: tag %q phases %+v", tag, plan.Phases)
	}
}
