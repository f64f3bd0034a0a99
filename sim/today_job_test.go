package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

func todayTestPlan(t *testing.T, release, yaml string) todayPlan {
	t.Helper()
	doc, err := jobspec.Parse("job.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	p, err := buildTodayPlan(doc, clusterConfig{Release: release, Pace: 4000})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const v1TorchJob = `name: v1-torch
model: {path: /models/m, container: c.sqsh, precision: fp8}
resources: {gpu_type: h100, gpus_per_node: 4, prefill_nodes: 2, decode_nodes: 2, prefill_workers: 2, decode_workers: 2}
benchmark: {type: sa-bench, isl: 1024, osl: 128, concurrencies: [4, 8]}
profiling:
  type: torch
  prefill: {start_step: 0, stop_step: 20}
  decode: {start_step: 5, stop_step: %STOP%}
`

const v2AggNsysJob = `schema: 2
name: v2-agg
model: {path: /models/m, container: c.sqsh, precision: bf16}
resources: {gpu_type: gb200, gpus_per_node: 4}
engine: sglang
roles:
  agg: {nodes: 1, workers: 1}
benchmark: {type: sa-bench, isl: 128, osl: 128, concurrencies: "4x16"}
profiling:
  type: nsys
  aggregated: {start_step: 0, stop_step: 10}
`

func runTodayTest(t *testing.T, release string, plan todayPlan) (todayLayout, string) {
	t.Helper()
	lay := todayLayout{Run: filepath.Join(t.TempDir(), "4242"), ID: "4242", Release: release}
	var sweep bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, err := runToday(ctx, lay, plan, []string{"n1"}, &sweep, time.Now)
	if err != nil || code != 0 {
		t.Fatalf("runToday: code %d, %v\n%s", code, err, sweep.String())
	}
	return lay, sweep.String()
}

func listRel(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestTodayV1DisaggTorchLayout(t *testing.T) {
	plan := todayTestPlan(t, ReleaseV1, strings.Replace(v1TorchJob, "%STOP%", "30", 1))
	lay, sweep := runTodayTest(t, ReleaseV1, plan)
	for _, want := range []string{"Starting infrastructure services (NATS, etcd)", "Started 4 worker processes",
		"Waiting for server health (expecting 4 health entries: 2P + 2D)...",
		"Model is ready. Have 2 prefills and 2 decodes.", "Profiling enabled (type=torch) with benchmark type 'sa-bench'",
		"✓ Sweep completed successfully"} {
		if !strings.Contains(sweep, want) {
			t.Errorf("sweep log lacks %q:\n%s", want, sweep)
		}
	}
	files := listRel(t, lay.Run)
	joined := strings.Join(files, "\n")
	for _, want := range []string{"logs/n1_prefill_w0.out", "logs/n1-1_prefill_w1.out", "logs/n1-2_decode_w0.out",
		"logs/n1-3_decode_w1.out", "logs/benchmark.out",
		"logs/sa-bench_isl_1024_osl_128/results_concurrency_4_gpus_16_ctx_8_gen_8.json",
		"logs/sa-bench_isl_1024_osl_128/results_concurrency_8_gpus_16_ctx_8_gen_8.json"} {
		if !strings.Contains(joined, want) {
			t.Errorf("run dir lacks %s:\n%s", want, joined)
		}
	}
	// Two workers of 4 TP ranks per mode.
	for _, mode := range []string{"prefill", "decode"} {
		traces, _ := filepath.Glob(filepath.Join(lay.profiles(mode), "*-TP-*-"+mode+".trace.json.gz"))
		if len(traces) != 8 {
			t.Errorf("%s: %d traces, want 8: %v", mode, len(traces), traces)
		}
		real, _ := traceSource("", mode)
		for _, tr := range traces {
			if b, _ := os.ReadFile(tr); !bytes.Equal(b, real) {
				t.Errorf("%s is not the built-in real trace", tr)
			}
		}
	}
	bench, _ := os.ReadFile(lay.benchmarkOut())
	for _, want := range []string{"  Prefill workers: 10.0.0.1:7500,10.0.0.2:7501", "  Decode steps: 5 - 30",
		"Starting profiling on http://10.0.1.2:7501 (steps 5-30)", "Profiling results saved to /logs/profiles",
		"Completed benchmark with concurrency: 8"} {
		if !strings.Contains(string(bench), want) {
			t.Errorf("benchmark.out lacks %q:\n%s", want, bench)
		}
	}
}

func TestTodayV2AggNsysLayout(t *testing.T) {
	plan := todayTestPlan(t, ReleaseV2, v2AggNsysJob)
	lay, _ := runTodayTest(t, ReleaseV2, plan)
	files := strings.Join(listRel(t, lay.Run), "\n")
	for _, want := range []string{"logs/workers/n1_agg_w0.out", "logs/workers/n1_frontend_0.out",
		"logs/profiles/agg/n1_agg_w0_profile_gpu0-1-2-3.nsys-rep", "logs/sa-bench_isl_128_osl_128/results_concurrency_16_gpus_4.json"} {
		if !strings.Contains(files, want) {
			t.Errorf("run dir lacks %s:\n%s", want, files)
		}
	}
	if strings.Contains(files, ".qdstrm") {
		t.Errorf("an unfinished report stayed behind:\n%s", files)
	}
}

func TestTodayEmptyDecodeWindowWarns(t *testing.T) {
	plan := todayTestPlan(t, ReleaseV1, strings.Replace(v1TorchJob, "%STOP%", "5", 1))
	lay, _ := runTodayTest(t, ReleaseV1, plan)
	bench, _ := os.ReadFile(lay.benchmarkOut())
	if n := strings.Count(string(bench), "Warning: invalid step range for 10.0.1."); n != 2 {
		t.Errorf("%d invalid-range warnings, want one per decode endpoint:\n%s", n, bench)
	}
	if traces, _ := os.ReadDir(lay.profiles("decode")); len(traces) != 0 {
		t.Errorf("decode has traces from an empty window: %v", traces)
	}
}

func TestRichWrapFoldsALongPath(t *testing.T) {
	path := "/home/user/" + strings.Repeat("outputs/", 12) + "1234/logs"
	lines := richWrap("📁 Logs: "+path, 80)
	if len(lines) < 2 || lines[0] != "📁 Logs:" || strings.Join(lines[1:], "") != path {
		t.Fatalf("wrapped as %q", lines)
	}
	for _, l := range lines {
		if cellWidth(l) > 80 {
			t.Errorf("line wider than 80 cells: %q", l)
		}
	}
}
