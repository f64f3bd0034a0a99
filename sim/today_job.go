package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// runTodayJobBody is the batch job of a 1.0.x or 2.x run: the sweep
// orchestrator's lines on stdout (the script sends them to
// logs/sweep_<id>.log), the workers' logs, benchmark.out with the bench
// library's profiling lines, result JSON files and the traces, on a real
// job's schedule divided by the pace. Unlike P1's job it ends by itself
// after the benchmark, except with benchmark.type manual, which serves
// until it is cancelled.
func runTodayJobBody(args []string, stderr io.Writer) int {
	return batchJobMain(ToolTodayJob, "run-dir", "the run's directory, <output base>/<job id>", args, stderr,
		func(runDir, planText string) (func(context.Context) (int, error), error) {
			plan, err := decodeTodayPlan(planText)
			if err != nil {
				return nil, err
			}
			if p, ok, _ := paceFromEnv(); ok {
				plan.Pace = p
			}
			id := os.Getenv("SLURM_JOB_ID")
			if id == "" {
				id = filepath.Base(runDir)
			}
			lay := todayLayout{Run: runDir, ID: id, Release: plan.Release}
			return func(ctx context.Context) (int, error) {
				return runToday(ctx, lay, plan, jobNodes(), os.Stdout, time.Now)
			}, nil
		})
}

// Real-time landmarks of a run (pace 1).
const (
	todayHealthPoll   = 60 * time.Second // "Model is not ready" lines
	todayReadyAfter   = 150 * time.Second
	todayPerConc      = 45 * time.Second // one sa-bench concurrency
	todayWorkerChat   = 5 * time.Second  // a worker's log line while it serves
	todayTraceGrow    = 3 * time.Second
	todayStepDuration = 60 * time.Millisecond // one forward pass under load
)

// todayRun is one run being played.
type todayRun struct {
	ctx   context.Context
	lay   todayLayout
	plan  todayPlan
	sweep io.Writer
	now   func() time.Time
	start time.Time
	nodes []string // one per worker node, in mode order

	mu       sync.Mutex
	serving  bool // workers answer requests: their logs show batches
	workers  []*todayWorker
	traceErr error
	traces   sync.WaitGroup
	chat     sync.WaitGroup
}

type todayWorker struct {
	mode     todayMode
	index    int
	nodes    []string
	log      *os.File
	endpoint string
}

// at sleeps until d (real time) after the start, scaled by the pace.
func (r *todayRun) at(d time.Duration) error {
	return sleepUntil(r.ctx, r.start.Add(scaled(d, r.plan.Pace)))
}

func (r *todayRun) stamp() string { return r.now().Format("2006-01-02 15:04:05") }

func (r *todayRun) info(format string, a ...any) {
	fmt.Fprintf(r.sweep, "%s [INFO] %s\n", r.stamp(), fmt.Sprintf(format, a...))
}

func (r *todayRun) errorf(format string, a ...any) {
	fmt.Fprintf(r.sweep, "%s [ERROR] %s\n", r.stamp(), fmt.Sprintf(format, a...))
}

// runToday plays the run; it returns the job's exit code.
func runToday(ctx context.Context, lay todayLayout, plan todayPlan, slurmNodes []string, sweep io.Writer, now func() time.Time) (int, error) {
	if len(slurmNodes) == 0 {
		slurmNodes = []string{"localhost"}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &todayRun{ctx: ctx, lay: lay, plan: plan, sweep: sweep, now: now, start: now()}
	r.nodes = todayNodes(slurmNodes, plan.nodes())
	if err := os.MkdirAll(lay.nodeDir(), 0o755); err != nil {
		return 1, err
	}
	code, err := r.play()
	r.traces.Wait()
	cancel() // the workers stop with the job
	r.chat.Wait()
	for _, w := range r.workers {
		w.log.Close()
	}
	if err == nil {
		err = r.traceErr
	}
	return code, err
}

func (r *todayRun) play() (int, error) {
	p, lay := r.plan, r.lay
	rule := strings.Repeat("=", 42)
	fmt.Fprintf(r.sweep, "%s\n🚀 srtctl Sweep Orchestrator\n%s\nJob ID: %s\nConfig: %s\nNodes: %d\nContainer: %s\nStart: %s\n%s\n",
		rule, rule, lay.ID, p.Name, p.nodes(), p.Container, r.now().Format("Mon Jan _2 15:04:05 MST 2006"), rule)
	fmt.Fprintf(r.sweep, "Runtime config: %s\nPreparing srtctl environment...\nRunning orchestrator on host (with srun access)...\n",
		filepath.Join(lay.Run, "config.yaml"))
	if err := r.at(2 * time.Second); err != nil {
		return 1, err
	}
	head := r.nodes[0]
	r.info("Loaded config: %s", p.Name)
	r.info("Sweep Orchestrator")
	r.info("Job ID: %s", lay.ID)
	r.info("Run name: %s_%s", p.Name, lay.ID)
	r.info("Config: %s", p.Name)
	r.info("Infra node: %s", head)
	r.info("Head node: %s", head)
	r.info("Worker nodes: %s", strings.Join(r.nodes, ", "))
	if p.Profiling != "none" {
		r.info("Profiling: %s", p.Profiling)
	}
	lock := filepath.Join(lay.Run, "recipe.lock.yaml")
	if err := writeFileAtomic(lock, []byte("# SIMULATED lockfile\nname: "+p.Name+"\n"), 0o644); err != nil {
		return 1, err
	}
	r.info("Wrote lockfile: %s", lock)
	if p.Profiling != "none" {
		for _, m := range p.Modes {
			if err := os.MkdirAll(lay.profiles(m.Name), 0o755); err != nil {
				return 1, err
			}
		}
	}

	if err := r.at(3 * time.Second); err != nil {
		return 1, err
	}
	r.info("Starting infrastructure services (NATS, etcd)")
	if err := r.at(6 * time.Second); err != nil {
		return 1, err
	}
	r.info("NATS is ready")
	r.info("etcd is ready")

	if err := r.at(8 * time.Second); err != nil {
		return 1, err
	}
	if err := r.startWorkers(); err != nil {
		return 1, err
	}
	if err := r.at(10 * time.Second); err != nil {
		return 1, err
	}
	r.info("Starting frontend layer")
	front := lay.frontendLog(head)
	if err := os.WriteFile(front, []byte(fmt.Sprintf("%s INFO dynamo_frontend: listening on 0.0.0.0:8000 (SIMULATED)\n", r.stamp())), 0o644); err != nil {
		return 1, err
	}
	r.info("Frontend URL: http://%s:8000", head)

	if err := r.at(11 * time.Second); err != nil {
		return 1, err
	}
	if err := r.waitHealthy(head); err != nil {
		return 1, err
	}
	r.mu.Lock()
	r.serving = true
	r.mu.Unlock()

	if p.Benchmark == "manual" {
		r.info("Benchmark type is 'manual' - server is ready for testing")
		r.info("Frontend URL: http://%s:8000", head)
		r.info("Press Ctrl+C to stop the job")
		<-r.ctx.Done()
		return 1, r.ctx.Err()
	}
	r.info("Server is healthy - starting benchmark")
	if p.Profiling != "none" {
		r.info("Profiling enabled (type=%s) with benchmark type '%s'", p.Profiling, p.Benchmark)
	}
	code, err := r.benchmark()
	if err != nil {
		return 1, err
	}
	if code == 0 {
		r.info("Benchmark completed successfully")
	} else {
		r.errorf("Benchmark failed with exit code %d", code)
	}
	r.info("Cleanup")
	r.traces.Wait()
	r.info("Wrote lockfile: %s", lock)
	if code == 0 {
		fmt.Fprintf(r.sweep, "%s\n✓ Sweep completed successfully\nEnd: %s\n%s\n", rule, r.now().Format("Mon Jan _2 15:04:05 MST 2006"), rule)
	} else {
		fmt.Fprintf(r.sweep, "%s\n✗ Sweep failed (exit code: %d)\nEnd: %s\n%s\n", rule, code, r.now().Format("Mon Jan _2 15:04:05 MST 2006"), rule)
	}
	return code, nil
}

// startWorkers opens every worker's log and starts its chatter.
func (r *todayRun) startWorkers() error {
	p := r.plan
	r.info("Starting backend workers")
	node := 0
	port := 30000
	for mi, m := range p.Modes {
		for i := 0; i < m.Workers; i++ {
			w := &todayWorker{mode: m, index: i, nodes: r.nodes[node : node+m.NodesPerWorker]}
			node += m.NodesPerWorker
			w.endpoint = fmt.Sprintf("10.0.%d.%d:%d", mi, i+1, port)
			if p.Frontend == "dynamo" {
				w.endpoint = fmt.Sprintf("10.0.%d.%d:%d", mi, i+1, 7500+i)
			}
			path := r.lay.workerLog(w.nodes[0], m.Name, i)
			f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				return err
			}
			w.log = f
			r.workers = append(r.workers, w)
			r.info("Starting %s worker %d on %s", m.Name, i, w.nodes[0])
			r.info("Command: python3 -m sglang.launch_server --model-path %s --tp-size %d --disaggregation-mode %s", p.Model, m.TP, m.Name)
			r.info("Log: %s", path)
			if p.Profiling != "none" {
				r.info("Profiling: %s mode", p.Profiling)
			}
		}
	}
	r.info("Started %d worker processes", len(r.workers))
	for _, w := range r.workers {
		r.chat.Add(1)
		go r.chatter(w)
	}
	return nil
}

// chatter is a worker's log: loading, ready, then batches while serving.
func (r *todayRun) chatter(w *todayWorker) {
	defer r.chat.Done()
	say := func(format string, a ...any) {
		fmt.Fprintf(w.log, "[%s TP0] %s\n", r.stamp(), fmt.Sprintf(format, a...))
	}
	say("server_args=ServerArgs(model_path='%s', tp_size=%d, disaggregation_mode='%s') (SIMULATED)", r.plan.Model, w.mode.TP, w.mode.Name)
	say("Load weight begin. avail mem=178.52 GB")
	for tick := 0; ; tick++ {
		if err := sleepUntil(r.ctx, r.now().Add(scaled(todayWorkerChat, r.plan.Pace))); err != nil {
			return
		}
		r.mu.Lock()
		serving := r.serving
		r.mu.Unlock()
		switch {
		case tick == 0:
			say("Load weight end. avail mem=%.2f GB, mem usage=%.2f GB.", 120.4-float64(w.index), 58.1+float64(w.index))
		case tick == 1:
			say("The server is fired up and ready to roll!")
		case !serving:
			fmt.Fprintf(w.log, "[%s] INFO:     %s - \"GET /health HTTP/1.1\" 200 OK\n", r.stamp(), w.endpoint)
		case w.mode.Name == "prefill":
			say("Prefill batch. #new-seq: %d, #new-token: %d, #cached-token: 0, token usage: 0.%02d, #running-req: 0, #queue-req: %d",
				4+tick%4, 4096+tick%4*1024, tick%90, tick%7)
		default:
			say("Decode batch. #running-req: %d, #token: %d, token usage: 0.%02d, gen throughput (token/s): %.2f, #queue-req: 0",
				32+tick%32, 40000+tick*113, tick%90, 3100.5+float64(tick%50)*7.3)
		}
	}
}

// waitHealthy is the orchestrator's health wait.
func (r *todayRun) waitHealthy(head string) error {
	counts := map[string]int{}
	for _, m := range r.plan.Modes {
		counts[m.Name] += m.Workers
	}
	total := counts["prefill"] + counts["decode"] + counts["agg"]
	r.info("Waiting for workers to be ready...")
	if r.plan.Modes[0].Name == "agg" {
		r.info("Waiting for server health (expecting %d health entries: %d agg)...", total, counts["agg"])
		r.info("Polling http://%s:8000/health every 10.0s for %d agg workers", head, counts["agg"])
	} else {
		r.info("Waiting for server health (expecting %d health entries: %dP + %dD)...", total, counts["prefill"], counts["decode"])
		r.info("Polling http://%s:8000/health every 10.0s for %d prefills and %d decodes", head, counts["prefill"], counts["decode"])
	}
	for i, at := 1, 11*time.Second+todayHealthPoll; at < todayReadyAfter; i, at = i+1, at+todayHealthPoll {
		if err := r.at(at); err != nil {
			return err
		}
		have := func(n int) int { return min(n, n*i/3) }
		if r.plan.Modes[0].Name == "agg" {
			r.info("Model is not ready, waiting for %d agg. Have %d agg.", counts["agg"], have(counts["agg"]))
		} else {
			r.info("Model is not ready, waiting for %d prefills and %d decodes. Have %d prefills and %d decodes.",
				counts["prefill"], counts["decode"], have(counts["prefill"]), have(counts["decode"]))
		}
	}
	if err := r.at(todayReadyAfter); err != nil {
		return err
	}
	if r.plan.Modes[0].Name == "agg" {
		r.info("Model is ready. Have %d agg.", counts["agg"])
	} else {
		r.info("Model is ready. Have %d prefills and %d decodes.", counts["prefill"], counts["decode"])
	}
	return nil
}

// hooked reports whether the benchmark calls the profiling hooks.
func (p todayPlan) hooked() bool {
	switch p.Benchmark {
	case "sa-bench", "sglang-bench", "trace-replay":
		return true
	}
	return false
}

// benchmark runs the benchmark with the bench library's profiling lines
// in benchmark.out; it returns the benchmark's exit code.
func (r *todayRun) benchmark() (int, error) {
	p, lay := r.plan, r.lay
	name := map[string]string{"sa-bench": "SA-Bench", "sglang-bench": "SGLang-Bench", "trace-replay": "Trace-Replay-Bench"}[p.Benchmark]
	if name == "" {
		name = p.Benchmark
	}
	r.info("Running %s benchmark", name)
	r.info("Script: /srtctl-benchmarks/%s/bench.sh", p.Benchmark)
	r.info("Command: bash /srtctl-benchmarks/%s/bench.sh http://%s:8000", p.Benchmark, r.nodes[0])
	r.info("Log: %s", lay.benchmarkOut())
	out, err := os.OpenFile(lay.benchmarkOut(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 1, err
	}
	defer out.Close()
	bench := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	clock := todayReadyAfter + 2*time.Second
	isl, osl := 1024, 1024
	if p.ISL != nil {
		isl = *p.ISL
	}
	if p.OSL != nil {
		osl = *p.OSL
	}
	concs := p.Concurrencies
	if len(concs) == 0 {
		concs = []int{1}
	}
	if p.Benchmark == "sa-bench" {
		bench("SA-Bench Config: endpoint=http://%s:8000; isl=%d; osl=%d; concurrencies=%s; req_rate=inf", r.nodes[0], isl, osl, joinInts(concs, "x"))
	}
	windows := []todayWindow{}
	if p.Profiling != "none" && p.hooked() {
		windows = r.startProfiling(bench)
	}
	for ci, c := range concs {
		if err := r.at(clock); err != nil {
			return 1, err
		}
		bench("Running benchmark with concurrency: %d", c)
		if ci == 0 {
			// Steps count from the start request: the window closes once
			// stop_step forward passes have run under the first load.
			for _, win := range windows {
				r.traces.Add(1)
				go r.writeTraces(win, clock)
			}
		}
		clock += todayPerConc
		if err := r.at(clock); err != nil {
			return 1, err
		}
		res := r.result(c, isl, osl)
		bench("Output token throughput (tok/s): %.2f", res["output_throughput"])
		bench("Mean TTFT (ms): %.2f", res["mean_ttft_ms"])
		bench("Mean TPOT (ms): %.2f", res["mean_tpot_ms"])
		if p.Benchmark == "sa-bench" {
			if err := r.writeResult(c, isl, osl, res); err != nil {
				return 1, err
			}
		}
		bench("Completed benchmark with concurrency: %d", c)
	}
	if len(windows) > 0 {
		r.traces.Wait()
		bench("")
		bench("Stopping profiling on all workers...")
		for _, win := range windows {
			for _, w := range win.workers {
				bench("Stopping profiling on http://%s", w.endpoint)
			}
		}
		bench("Profiling results saved to /logs/profiles")
		bench("")
	}
	switch p.Benchmark {
	case "sa-bench":
		bench("SA-Bench complete. Results in %s", lay.resultsDir(isl, osl))
	case "sglang-bench":
		bench("SGLang-Bench completed")
	}
	return 0, nil
}

// todayWindow is one mode's profiling window, as started.
type todayWindow struct {
	mode        todayMode
	start, stop int
	workers     []*todayWorker
}

// startProfiling writes the bench library's start block and returns the
// windows that will capture (none for a mode whose window is empty, or
// for a type the library does not know).
func (r *todayRun) startProfiling(bench func(string, ...any)) []todayWindow {
	p := r.plan
	bench("")
	if p.Profiling != "torch" && p.Profiling != "nsys" {
		bench("Warning: Unsupported PROFILE_TYPE='%s'. Expected 'nsys' or 'torch'. Skipping profiling.", p.Profiling)
		return nil
	}
	bench("Starting profiling on workers...")
	bench("  Type: %s", p.Profiling)
	bench("  Output (base): /logs/profiles")
	endpoints := map[string][]string{}
	byMode := map[string][]*todayWorker{}
	for _, w := range r.workers {
		endpoints[w.mode.Name] = append(endpoints[w.mode.Name], w.endpoint)
		byMode[w.mode.Name] = append(byMode[w.mode.Name], w)
	}
	for _, m := range p.Modes {
		bench("  Output (%s): /logs/profiles/%s", m.Name, m.Name)
	}
	list := func(mode string) string {
		if len(endpoints[mode]) == 0 {
			return "none"
		}
		return strings.Join(endpoints[mode], ",")
	}
	bench("  Prefill workers: %s", list("prefill"))
	bench("  Decode workers: %s", list("decode"))
	steps := func(m todayMode) (int, int) {
		s, e := 0, 50
		if m.StartStep != nil {
			s = *m.StartStep
		}
		if m.StopStep != nil {
			e = *m.StopStep
		}
		return s, e
	}
	for _, name := range []string{"prefill", "decode"} {
		s, e := 0, 50
		for _, m := range p.Modes {
			if m.Name == name {
				s, e = steps(m)
			}
		}
		bench("  %s steps: %d - %d", capitalize(name), s, e)
	}
	var out []todayWindow
	for _, m := range p.Modes {
		s, e := steps(m)
		win := todayWindow{mode: m, start: s, stop: e}
		for _, w := range byMode[m.Name] {
			if e <= s {
				bench("Warning: invalid step range for %s: start=%d stop=%d, skipping", w.endpoint, s, e)
				continue
			}
			bench("Starting profiling on http://%s (steps %d-%d)", w.endpoint, s, e)
			win.workers = append(win.workers, w)
		}
		if len(win.workers) > 0 {
			out = append(out, win)
		}
	}
	bench("")
	return out
}

// writeTraces places a window's traces once its steps have run: torch
// files per worker and TP rank, or one nsys report per node of each
// worker (a .qdstrm first, then the .nsys-rep).
func (r *todayRun) writeTraces(win todayWindow, from time.Duration) {
	defer r.traces.Done()
	done := from + 2*time.Second + time.Duration(win.stop)*todayStepDuration
	if err := r.at(done); err != nil {
		return
	}
	dir := r.lay.profiles(win.mode.Name)
	var paths []string
	var data [][]byte
	for _, w := range win.workers {
		fmt.Fprintf(w.log, "[%s TP0] Profiling starts. Traces will be saved to: /logs/profiles/%s\n", r.stamp(), win.mode.Name)
		if r.plan.Profiling == "nsys" {
			for _, node := range w.nodes {
				name := nsysReport(node, win.mode.Name, w.index, r.plan.GPUsPerNode)
				paths = append(paths, filepath.Join(dir, name))
				data = append(data, synthNsysReport(win.mode.Name+" "+strings.TrimSuffix(name, ".nsys-rep"), 0))
			}
			continue
		}
		phase := win.mode.Name
		if phase == "agg" {
			phase = "aggregated"
		}
		b, _ := traceSource(r.plan.Traces, phase)
		id := r.now().Unix()*10 + int64(w.index)
		for rank := 0; rank < w.mode.TP; rank++ {
			paths = append(paths, filepath.Join(dir, fmt.Sprintf("%d-TP-%d-%s.trace.json.gz", id, rank, win.mode.Name)))
			data = append(data, b)
		}
	}
	grow := scaled(todayTraceGrow, r.plan.Pace)
	var err error
	if r.plan.Profiling == "nsys" {
		tmp := make([]string, len(paths))
		for i, p := range paths {
			tmp[i] = strings.TrimSuffix(p, ".nsys-rep") + ".qdstrm"
		}
		if err = growFiles(r.ctx, tmp, data, grow); err == nil {
			err = growFiles(r.ctx, paths, data, grow/2)
			for _, t := range tmp {
				os.Remove(t)
			}
		}
	} else {
		err = growFiles(r.ctx, paths, data, grow)
	}
	for _, w := range win.workers {
		fmt.Fprintf(w.log, "[%s TP0] Profiling done. Traces are saved to: /logs/profiles/%s\n", r.stamp(), win.mode.Name)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		r.mu.Lock()
		r.traceErr = err
		r.mu.Unlock()
	}
}

// result is one concurrency's numbers, derived from the load so that the
// same run always reports the same.
func (r *todayRun) result(c, isl, osl int) map[string]any {
	gpus := 0
	for _, m := range r.plan.Modes {
		gpus += m.Workers * m.NodesPerWorker * r.plan.GPUsPerNode
	}
	tpot := 8.5 + float64(c)*0.045
	ttft := 95 + float64(isl)*0.05 + float64(c)*1.7
	out := float64(c) * 1000 / tpot * 0.92
	prompts := c * 10
	return map[string]any{
		"backend": "dynamo", "max_concurrency": c, "completed": prompts, "num_prompts": prompts,
		"random_input_len": isl, "random_output_len": osl, "duration": float64(prompts*osl)/out + ttft/1000,
		"request_throughput": out / float64(osl), "output_throughput": out,
		"total_token_throughput": out * float64(isl+osl) / float64(osl), "output_throughput_per_gpu": out / float64(max(gpus, 1)),
		"mean_ttft_ms": ttft, "median_ttft_ms": ttft * 0.94, "p99_ttft_ms": ttft * 2.2,
		"mean_tpot_ms": tpot, "median_tpot_ms": tpot * 0.97, "p99_tpot_ms": tpot * 1.6,
		"mean_itl_ms": tpot * 1.01, "median_itl_ms": tpot, "p99_itl_ms": tpot * 3.1, "simulated": true,
	}
}

// writeResult writes sa-bench's result file for one concurrency.
func (r *todayRun) writeResult(c, isl, osl int, res map[string]any) error {
	dir := r.lay.resultsDir(isl, osl)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var gpus [3]int
	for _, m := range r.plan.Modes {
		gpus[modeIndex(strings.Replace(m.Name, "agg", "aggregated", 1))] = m.Workers * m.NodesPerWorker * r.plan.GPUsPerNode
	}
	total := gpus[0] + gpus[1] + gpus[2]
	name := fmt.Sprintf("results_concurrency_%d_gpus_%d_ctx_%d_gen_%d.json", c, total, gpus[0], gpus[1])
	if r.plan.Modes[0].Name == "agg" {
		name = fmt.Sprintf("results_concurrency_%d_gpus_%d.json", c, total)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, name), append(b, '\n'), 0o644)
}

func joinInts(ns []int, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, sep)
}
