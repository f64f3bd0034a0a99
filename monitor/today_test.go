package monitor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/tail"
)

// todayRun is a fake srtctl 1.0.x run directory the test writes into.
type todayRun struct {
	t    *testing.T
	id   string
	dir  string
	logs string
}

func newTodayRun(t *testing.T, id string) *todayRun {
	dir := filepath.Join(t.TempDir(), id)
	r := &todayRun{t: t, id: id, dir: dir, logs: filepath.Join(dir, "logs")}
	for _, d := range []string{r.logs, filepath.Join(r.logs, "profiles", "prefill"), filepath.Join(r.logs, "profiles", "decode")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *todayRun) sweep(lines ...string) {
	for _, l := range lines {
		appendFile(r.t, filepath.Join(r.logs, "sweep_"+r.id+".log"), "2026-12-07 05:00:00 [INFO] "+l+"\n")
	}
}

func (r *todayRun) bench(lines ...string) {
	appendFile(r.t, filepath.Join(r.logs, "benchmark.out"), strings.Join(lines, "\n")+"\n")
}

func (r *todayRun) write(rel, s string) { appendFile(r.t, filepath.Join(r.logs, rel), s) }

const benchStart = `SA-Bench Config: endpoint=http://n1:8000; isl=1024; osl=128; concurrencies=4x16; req_rate=inf

Starting profiling on workers...
  Type: torch
  Output (base): /logs/profiles
  Output (prefill): /logs/profiles/prefill
  Output (decode): /logs/profiles/decode
  Prefill workers: 10.0.0.1:7500,10.0.0.2:7501
  Decode workers: 10.0.1.1:7500
  Prefill steps: 0 - 20
  Decode steps: 10 - %d
Starting profiling on http://10.0.0.1:7500 (steps 0-20)
Starting profiling on http://10.0.0.2:7501 (steps 0-20)`

func TestTodayEngineFollowsStagesLogsAndTracesUntilReady(t *testing.T) {
	r := newTodayRun(t, "81")
	conn := &fakeConn{state: JobState{State: "RUNNING", Node: "n1"}}
	e := New(conn, JobInfo{ID: "81", LogDir: r.dir, Cluster: "test"}, fastOptions(""))
	c := collect(e)
	var logLines = map[string][]string{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go e.Run(ctx)

	r.sweep("Profiling: torch", "Starting infrastructure services (NATS, etcd)")
	c.waitFor(t, "infrastructure", func(c *collector) bool { return c.status.Today.Sweep.Stage == tail.SweepInfra })
	if c.status.Info.Layout != LayoutToday {
		t.Fatalf("layout %v", c.status.Info.Layout)
	}
	r.sweep("Starting backend workers", "Started 3 worker processes")
	// 1.0.x writes the worker logs flat in logs/; they appear late.
	r.write("n1_prefill_w0.out", "[TP0] Load weight begin\n")
	r.write("n2_prefill_w1.out", "[TP0] Load weight begin\n")
	r.write("n3_decode_w0.out", "[TP0] Load weight begin\n")
	c.waitFor(t, "three worker logs", func(c *collector) bool {
		n := 0
		for _, l := range c.status.Today.Logs {
			if l.Kind == tail.LogWorker {
				n++
			}
		}
		return n == 3
	})
	r.sweep("Waiting for workers to be ready...",
		"Model is not ready, waiting for 2 prefills and 1 decodes. Have 1 prefills and 0 decodes.")
	c.waitFor(t, "health counts", func(c *collector) bool {
		return c.status.StageText(time.Now()) == "waiting for health: have 1 of 2 prefills, 0 of 1 decodes"
	})
	r.sweep("Model is ready. Have 2 prefills and 1 decodes.", "Server is healthy - starting benchmark",
		"Profiling enabled (type=torch) with benchmark type 'sa-bench'")
	r.bench(fmt.Sprintf(benchStart, 40), "Starting profiling on http://10.0.1.1:7500 (steps 10-40)", "", "Running benchmark with concurrency: 4")
	c.waitFor(t, "benchmark stage", func(c *collector) bool {
		return strings.HasPrefix(c.status.StageText(time.Now()), "benchmark running: concurrency 4 (1 of 2) · profiling started on 3 of 3 endpoints")
	})
	r.write("n3_decode_w0.out", "Decode batch. #running-req: 4\n")
	// One prefill endpoint's traces only: not ready.
	r.write("profiles/prefill/111-TP-0-prefill.trace.json.gz", "x")
	r.write("profiles/prefill/111-TP-1-prefill.trace.json.gz", "x")
	r.write("profiles/decode/333-TP-0-decode.trace.json.gz", "x")
	c.waitFor(t, "prefill traces seen", func(c *collector) bool {
		tr, prof := c.status.EndpointsTraced(StreamPrefill)
		return tr == 1 && prof == 2
	})
	time.Sleep(100 * time.Millisecond)
	c.mu.Lock()
	if c.status.Outcome != OutcomeRunning {
		t.Fatalf("outcome %v with one prefill endpoint of two traced", c.status.Outcome)
	}
	c.mu.Unlock()
	r.write("profiles/prefill/222-TP-0-prefill.trace.json.gz", "x")
	if err := os.MkdirAll(filepath.Join(r.logs, "sa-bench_isl_1024_osl_128"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.write("sa-bench_isl_1024_osl_128/results_concurrency_4_gpus_12_ctx_8_gen_4.json",
		`{"max_concurrency": 4, "output_throughput": 423.96, "mean_ttft_ms": 153.0, "mean_tpot_ms": 8.68}`)
	c.waitFor(t, "traces ready and a result", func(c *collector) bool {
		return c.status.Outcome == OutcomeTracesReady && len(c.status.Today.Bench) == 1
	})
	c.mu.Lock()
	if got := BenchText(c.status.Today.Bench[0]); got != "concurrency 4: 424.0 tok/s output, TTFT 153.0 ms, TPOT 8.68 ms" {
		t.Errorf("bench %q", got)
	}
	if got := c.status.TodayTracesText(StreamPrefill); got != "2 of 2 endpoints traced, 3 files, 3 B" {
		t.Errorf("prefill traces %q", got)
	}
	for _, ev := range c.events {
		if l, ok := ev.(LogEvent); ok {
			logLines[l.Log.Name] = append(logLines[l.Log.Name], l.Lines...)
		}
	}
	c.mu.Unlock()
	if got := logLines["n3_decode_w0.out"]; len(got) != 2 || got[1] != "Decode batch. #running-req: 4" {
		t.Errorf("decode worker lines %q", got)
	}
	r.sweep("Benchmark completed successfully")
	appendFile(t, filepath.Join(r.logs, "sweep_81.log"), "✓ Sweep completed successfully\n")
	conn.mu.Lock()
	conn.state = JobState{State: "COMPLETED", Ended: true, ExitCode: "0:0"}
	conn.mu.Unlock()
	c.waitFor(t, "the end", func(c *collector) bool { return c.status.Ended })
	// A run that ended by itself is usually fetched afterwards: the
	// engine still reports the fetch.
	local := filepath.Join(t.TempDir(), "fetched")
	if err := e.Fetch(ctx, local); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "the fetch", func(c *collector) bool { return c.status.Fetch.Finished })
	if b, err := os.ReadFile(filepath.Join(local, "prefill", "222-TP-0-prefill.trace.json.gz")); err != nil || string(b) != "x" {
		t.Errorf("fetched tree: %q %v", b, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.status.Today.Sweep.Stage != tail.SweepDone || c.status.Outcome != OutcomeTracesReady || c.status.ExitCode() != ExitTracesReady {
		t.Errorf("end: stage %v outcome %v", c.status.Today.Sweep.Stage, c.status.Outcome)
	}
}

func TestTodayEmptyDecodeWindowSaysWhyAndFails(t *testing.T) {
	r := newTodayRun(t, "82")
	conn := &fakeConn{state: JobState{State: "RUNNING", Node: "n1"}}
	e := New(conn, JobInfo{ID: "82", LogDir: r.dir}, fastOptions(""))
	var out strings.Builder
	p := NewPlain(&out)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go e.Run(ctx)
	r.sweep("Profiling: torch", "Server is healthy - starting benchmark")
	r.bench(fmt.Sprintf(benchStart, 10), "Warning: invalid step range for 10.0.1.1:7500: start=10 stop=10, skipping")
	code := p.Run(ctx, e.Events())
	if code != ExitFailed {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	want := "decode: no trace: Warning: invalid step range for 10.0.1.1:7500: start=10 stop=10, skipping"
	if !strings.Contains(p.Status.Reason, want) || !strings.Contains(out.String(), "== FAILED: "+want) {
		t.Errorf("reason %q\n%s", p.Status.Reason, out.String())
	}
	if !strings.Contains(out.String(), "benchmark | Warning: invalid step range") {
		t.Errorf("benchmark.out lines are not shown:\n%s", out.String())
	}
}

// A lost connection resumes every log, the workers' included, from its
// offset: no line lost, none repeated.
func TestTodayEngineResumesLogsAfterConnectionLoss(t *testing.T) {
	r := newTodayRun(t, "83")
	if err := os.MkdirAll(filepath.Join(r.logs, "workers"), 0o755); err != nil {
		t.Fatal(err)
	}
	conn := &fakeConn{state: JobState{State: "RUNNING", Node: "n1"}}
	e := New(conn, JobInfo{ID: "83", LogDir: r.dir}, fastOptions(""))
	c := collect(e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go e.Run(ctx)
	lines := func(name string) []string {
		var got []string
		for _, ev := range c.events {
			if l, ok := ev.(LogEvent); ok && l.Log.Name == name {
				got = append(got, l.Lines...)
			}
		}
		return got
	}
	var want []string
	for i := 0; i < 60; i++ {
		l := fmt.Sprintf("decode line %d", i)
		want = append(want, l)
		r.write("workers/n1_agg_w0.out", l+"\n")
		if i == 20 {
			c.waitFor(t, "the first lines", func(c *collector) bool { return len(lines("workers/n1_agg_w0.out")) == 21 })
			conn.setBroken(true)
		}
		if i == 40 {
			c.waitFor(t, "the loss", func(c *collector) bool { return c.status.Conn.Lost })
			conn.setBroken(false)
		}
	}
	c.waitFor(t, "every line once", func(c *collector) bool { return len(lines("workers/n1_agg_w0.out")) >= 60 })
	c.mu.Lock()
	defer c.mu.Unlock()
	if got := lines("workers/n1_agg_w0.out"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines after the reconnect:\n%s", strings.Join(got, "\n"))
	}
}

func TestRunStageReadsTheEndOfTheSweepLog(t *testing.T) {
	r := newTodayRun(t, "84")
	r.sweep("Profiling: torch", "Server is healthy - starting benchmark")
	r.bench("Running benchmark with concurrency: 4")
	if got := RunStage(tail.OSFS{}, "84", r.dir); got != "benchmark running: concurrency 4" {
		t.Errorf("running: %q", got)
	}
	appendFile(t, filepath.Join(r.logs, "sweep_84.log"), "✓ Sweep completed successfully\n")
	if got := RunStage(tail.OSFS{}, "84", r.dir); got != "done" {
		t.Errorf("done: %q", got)
	}
	if got := RunStage(tail.OSFS{}, "85", r.dir); got != "" {
		t.Errorf("no sweep log: %q", got)
	}
}

// A P1 job and a run serving a manual benchmark keep their GPUs after the
// traces; any other today's run ends by itself after the benchmark.
func TestHoldsGPUs(t *testing.T) {
	var p1 Status
	p1.Info.Layout = LayoutP1
	var bench, serving Status
	bench.Info.Layout, serving.Info.Layout = LayoutToday, LayoutToday
	bench.Today.Sweep.Stage = tail.SweepBenchmark
	serving.Today.Sweep.Stage = tail.SweepServing
	if !p1.HoldsGPUs() || bench.HoldsGPUs() || !serving.HoldsGPUs() {
		t.Errorf("P1 %v, benchmark %v, serving %v; want true, false, true", p1.HoldsGPUs(), bench.HoldsGPUs(), serving.HoldsGPUs())
	}
}

// A today's run followed after it ended: its traces, found by the engine's
// last read, are whole; it is ready, not "ended before every profiled
// endpoint had its trace".
func TestTodayEndedRunReadyAfterTheLastRead(t *testing.T) {
	var s Status
	s.Apply(JobInfoEvent{Info: JobInfo{ID: "7", Layout: LayoutToday, Profiling: "torch"}})
	tr := tail.NewSweepTracker(nil)
	for _, l := range []string{"Starting profiling on workers...", "  Output (agg): /logs/profiles/agg",
		"Starting profiling on http://10.0.0.1:7500 (steps 0-10)"} {
		tr.FeedBenchmark(l)
	}
	tr.FeedSweep("2026-12-07 05:00:00 [INFO] Profiling: torch")
	tr.FeedSweep("✓ Sweep completed successfully")
	s.Apply(StageEvent{Sweep: *tr.State()})
	s.Apply(SlurmEvent{Job: JobState{State: "COMPLETED", Ended: true}})
	s.Apply(TracesEvent{Stream: StreamAggregated, Traces: []Trace{{Path: "/o/7/logs/profiles/agg/a.trace.json.gz", Size: 9, Endpoint: "10.0.0.1:7500"}}})
	if s.Outcome != OutcomeRunning {
		t.Fatalf("before the last read: %v (%s)", s.Outcome, s.Reason)
	}
	s.Apply(EndEvent{Reason: "job 7 left the queue"})
	if s.Outcome != OutcomeTracesReady {
		t.Fatalf("after the last read: %v (%s), want traces ready", s.Outcome, s.Reason)
	}
}
