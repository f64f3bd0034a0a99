package sim

import (
	"fmt"
	"strings"
	"time"
)

// stepKind says what a timeline step does.
type stepKind int

const (
	// stepWrite appends Text to the phase's profile_<phase>.out.
	stepWrite stepKind = iota
	// stepTraces starts placing the phase's traces in profiles/; they take
	// Grow to appear completely.
	stepTraces
	// stepExit ends the phase's script with Code.
	stepExit
)

// step is one thing the profile script of a phase does, At after the phase
// started (already divided by the pace).
type step struct {
	At   time.Duration
	Kind stepKind
	Text string        // stepWrite: exact bytes, newlines and tqdm's \r included
	Grow time.Duration // stepTraces
	Code int           // stepExit
}

// Real-time (pace 1) landmarks of a phase.
const (
	serverPoll       = 30 * time.Second        // the script's sleep between health checks
	serverReadyAfter = 1                       // health checks that fail before the server is up
	traceGrowTime    = 1200 * time.Millisecond // a trace file grows over this long
)

const serverURL = "http://127.0.0.1:30000"

// Timeline is the profile script of one phase: every line of
// profile_<phase>.out, in the real script's order, with when it appears,
// and when the traces are written. It is a pure function of the plan, the
// phase, the start time and the pace, so a test can check it line by line.
func Timeline(job jobPlan, ph phasePlan, start time.Time, pace float64) []step {
	tl := &timeline{start: start, pace: pace}
	idx := modeIndex(ph.Name)
	// Phases start a fraction of a second apart, as two nodes would.
	tl.at = time.Duration(idx) * 400 * time.Millisecond
	mode := ph.Name

	profDir := "/logs/profiles/" + mode
	if job.Profiling == "nsys" {
		profDir = ""
	}
	var cfg []string
	cfg = append(cfg, "Torch Profiling Configuration:",
		"  Profiling mode: "+mode,
		"  Profiling dir: "+profDir)
	if job.Disaggregated {
		cfg = append(cfg,
			fmt.Sprintf("  Prefill workers: %d", job.Workers[0]),
			fmt.Sprintf("  Decode workers: %d", job.Workers[1]),
			fmt.Sprintf("  Prefill GPUs: %d", job.GPUs[0]),
			fmt.Sprintf("  Decode GPUs: %d", job.GPUs[1]),
			fmt.Sprintf("  Total GPUs: %d", job.GPUs[0]+job.GPUs[1]))
	} else {
		cfg = append(cfg,
			fmt.Sprintf("  Aggregated workers: %d", job.Workers[2]),
			fmt.Sprintf("  Aggregated GPUs: %d", job.GPUs[2]),
			fmt.Sprintf("  Total GPUs: %d", job.GPUs[2]))
	}
	tl.lines(0, cfg...)
	tl.lines(200*time.Millisecond, "Waiting for server at "+serverURL+" to be ready...")

	// Health checks: connection refused (000) first, then 503 while the
	// model loads, each followed by the script's `top -b -n 1 | head -10`.
	tl.wait(100 * time.Millisecond)
	for i := 0; i < serverReadyAfter; i++ {
		status := "503"
		if i == 0 {
			status = "000"
		}
		tl.lines(0, fmt.Sprintf("Server not ready yet (status: %s), waiting...", status))
		tl.lines(0, topOutput(tl.now(), idx, i)...)
		tl.wait(serverPoll)
	}
	tl.lines(0, "Server "+serverURL+" is ready")

	if ph.ISL == nil || ph.OSL == nil {
		tl.lines(100*time.Millisecond, "Error: isl and osl must be set for profiling.")
		tl.exit(0, 1)
		return tl.steps
	}
	startStep, stopStep := 0, 50
	if ph.StartStep == nil {
		tl.lines(50*time.Millisecond, "Warning: PROFILE_START_STEP not set; defaulting to 0")
	} else {
		startStep = *ph.StartStep
	}
	if ph.StopStep == nil {
		tl.lines(50*time.Millisecond, "Warning: PROFILE_STOP_STEP not set; defaulting to 50")
	} else {
		stopStep = *ph.StopStep
	}
	isl, osl := *ph.ISL, *ph.OSL
	numSteps := stopStep - startStep

	tl.lines(200*time.Millisecond, "Running profiler...")
	tl.lines(0, tl.stamp())
	activities := `["CPU", "GPU"]`
	if job.Profiling == "nsys" {
		activities = `["CUDA_PROFILER"]`
	}
	tl.lines(300*time.Millisecond,
		fmt.Sprintf(`+ curl -X POST %s/start_profile -H 'Content-Type: application/json' -d '{"start_step": "%d", "num_steps": %d, "activities": %s}'`,
			serverURL, startStep, numSteps, activities))
	profiling := numSteps > 0
	if profiling {
		tl.lines(150*time.Millisecond, `{"success":true,"message":"Start profiling."}`)
	} else {
		tl.lines(150*time.Millisecond, fmt.Sprintf(`{"success":false,"message":"num_steps must be positive, got %d"}`, numSteps))
	}

	conc := ""
	if ph.Concurrency != nil {
		conc = fmt.Sprint(*ph.Concurrency)
	}
	prompts := benchPrompts(ph)
	tl.lines(300*time.Millisecond, fmt.Sprintf(
		"+ python3 -m sglang.bench_serving --backend sglang --model %s --host 127.0.0.1 --port 30000 --dataset-name random --num-prompts %d --random-input-len %d --random-output-len %d --random-range-ratio 1 --max-concurrency %s --request-rate inf --warmup-requests 0",
		job.Model, prompts, isl, osl, conc))
	benchCode := 0
	if ph.Concurrency == nil {
		// The script passes an empty --max-concurrency; argparse refuses it
		// and no traffic ever reaches the server, so no trace is written.
		tl.lines(1200*time.Millisecond, benchUsageError()...)
		benchCode = 2
	} else {
		dur := benchDuration(ph)
		tl.lines(1500*time.Millisecond, benchPrelude(job, ph, prompts)...)
		tl.lines(600*time.Millisecond, "Starting initial single prompt test run...")
		tl.lines(900*time.Millisecond, "Initial test run completed. Starting main benchmark run...")
		benchStart := tl.at
		if profiling {
			// The server dumps its trace once num_steps forward passes
			// have run, a few seconds into the load.
			tl.traces(benchStart+traceDelay(ph, numSteps), traceGrowTime)
		}
		tl.progress(prompts, dur)
		tl.lines(200*time.Millisecond, benchResult(ph, prompts, dur)...)
	}

	tl.lines(400*time.Millisecond, "+ python3 -m sglang.test.few_shot_gsm8k --host http://127.0.0.1 --port 30000 --num-questions 200 --parallel 128")
	tl.gsm8k(idx)
	tl.lines(100*time.Millisecond, "+ set +x")
	tl.lines(50*time.Millisecond, tl.stamp())
	savedTo := "/logs/profiles/" + mode
	if job.Profiling == "nsys" {
		savedTo = "/logs/profiles"
	}
	tl.lines(0,
		fmt.Sprintf("Torch profiling completed for %s mode with exit code %d", mode, benchCode),
		"Profiling results saved to "+savedTo)
	tl.exit(0, benchCode)
	return tl.steps
}

// timeline accumulates steps at a real-time cursor; times are scaled by
// the pace when a step is recorded.
type timeline struct {
	start time.Time
	pace  float64
	at    time.Duration // real-time cursor
	steps []step
}

func (t *timeline) wait(d time.Duration) { t.at += d }

func (t *timeline) now() time.Time { return t.start.Add(scaled(t.at, t.pace)) }

// stamp is the script's `date "+%Y-%m-%d %H:%M:%S"` at the cursor.
func (t *timeline) stamp() string { return t.now().Format("2006-01-02 15:04:05") }

func (t *timeline) lines(after time.Duration, ls ...string) {
	t.wait(after)
	t.raw(strings.Join(ls, "\n") + "\n")
}

func (t *timeline) raw(text string) {
	t.steps = append(t.steps, step{At: scaled(t.at, t.pace), Kind: stepWrite, Text: text})
}

func (t *timeline) traces(at, grow time.Duration) {
	t.steps = append(t.steps, step{At: scaled(at, t.pace), Kind: stepTraces, Grow: scaled(grow, t.pace)})
}

func (t *timeline) exit(after time.Duration, code int) {
	t.wait(after)
	t.steps = append(t.steps, step{At: scaled(t.at, t.pace), Kind: stepExit, Code: code})
}

// progress writes tqdm's bar the way it lands in a log file: one line
// redrawn with carriage returns about once a second, ended by a newline.
func (t *timeline) progress(total int, dur time.Duration) {
	t.raw(tqdm(0, total, 0, dur))
	ticks := max(int(dur/time.Second), 1)
	for i := 1; i <= ticks; i++ {
		t.wait(dur / time.Duration(ticks))
		done := total * i / ticks
		elapsed := dur * time.Duration(i) / time.Duration(ticks)
		text := "\r" + tqdm(done, total, elapsed, dur)
		if i == ticks {
			text += "\n"
		}
		t.raw(text)
	}
}

// gsm8k is the accuracy check the script runs after the load.
func (t *timeline) gsm8k(idx int) {
	dur := 3 * time.Second
	t.wait(800 * time.Millisecond)
	t.raw(tqdm(0, 200, 0, dur))
	t.wait(dur)
	t.raw("\r" + tqdm(200, 200, dur, dur) + "\n")
	acc := []string{"0.955", "0.950", "0.945"}[idx%3]
	t.lines(100*time.Millisecond,
		"Accuracy: "+acc,
		"Invalid: 0.000",
		fmt.Sprintf("Latency: %.3f s", dur.Seconds()+0.412+0.137*float64(idx)),
		fmt.Sprintf("Output throughput: %.3f token/s", 4127.306-211.5*float64(idx)))
}

// phaseNode is the node a phase's profile script runs on.
func phaseNode(ph phasePlan, nodes []string) string {
	if len(nodes) == 0 {
		return "localhost"
	}
	return nodes[min(max(ph.Node, 0), len(nodes)-1)]
}

// logOutStart is what the job prints to log.out before its phases start.
func logOutStart(job jobPlan, nodes []string) []string {
	out := []string{fmt.Sprintf("Nodes allocated: %s", strings.Join(nodes, " "))}
	for _, ph := range job.Phases {
		out = append(out, fmt.Sprintf("Launching %s worker 0 on %s: python3 -m sglang.launch_server (%d GPUs)",
			ph.Name, phaseNode(ph, nodes), job.GPUs[modeIndex(ph.Name)]))
	}
	out = append(out, "Starting profiler...")
	for _, ph := range job.Phases {
		out = append(out, fmt.Sprintf("%s profiling will run on: %s", capitalize(ph.Name), phaseNode(ph, nodes)))
	}
	return out
}

// logOutEnd is log.out's line once every profile script has exited; date
// prints like the shell's `date`.
func logOutEnd(now time.Time, code int) string {
	return fmt.Sprintf("All profiling scripts finished at %s with exit code %d", now.Format("Mon Jan _2 15:04:05 MST 2006"), code)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
