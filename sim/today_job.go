package sim

import (
	"context"
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
