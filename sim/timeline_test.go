package sim

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func intp(n int) *int { return &n }

func testPlan(profiling string) jobPlan {
	return jobPlan{
		Name: "t", Model: "/models/m", Profiling: profiling, Disaggregated: true,
		Workers: [3]int{1, 1, 0}, GPUs: [3]int{4, 8, 0}, Pace: 1,
		Phases: []phasePlan{
			{Name: "prefill", ISL: intp(1024), OSL: intp(128), Concurrency: intp(24), StartStep: intp(0), StopStep: intp(50), Ranks: 1},
			{Name: "decode", ISL: intp(1024), OSL: intp(128), Concurrency: intp(256), StartStep: intp(10), StopStep: intp(40), Ranks: 1, Node: 1},
		},
	}
}

// text joins the written bytes of a timeline.
func text(steps []step) string {
	var b strings.Builder
	for _, s := range steps {
		if s.Kind == stepWrite {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// assertInOrder checks that each pattern matches a line after the previous
// pattern's line.
func assertInOrder(t *testing.T, out string, patterns ...string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	i := 0
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		for i < len(lines) && !re.MatchString(lines[i]) {
			i++
		}
		if i == len(lines) {
			t.Fatalf("no line matching %q after the previous ones in:\n%s", p, out)
		}
		i++
	}
}

func TestTimelineRealOrder(t *testing.T) {
	start := time.Date(2025, 12, 3, 10, 0, 0, 0, time.UTC)
	plan := testPlan("torch")
	steps := Timeline(plan, plan.Phases[0], start, 1)
	out := text(steps)
	assertInOrder(t, out,
		`^Torch Profiling Configuration:$`,
		`^  Profiling mode: prefill$`,
		`^  Profiling dir: /logs/profiles/prefill$`,
		`^  Prefill workers: 1$`, `^  Decode workers: 1$`,
		`^  Prefill GPUs: 4$`, `^  Decode GPUs: 8$`, `^  Total GPUs: 12$`,
		`^Waiting for server at http://127.0.0.1:30000 to be ready\.\.\.$`,
		`^Server not ready yet \(status: \d{3}\), waiting\.\.\.$`,
		`^top - 10:00:00 up `, `^Tasks: `, `^%Cpu`, `^MiB Mem`, `^MiB Swap`, `^$`, `^    PID USER`,
		`^Server http://127.0.0.1:30000 is ready$`,
		`^Running profiler\.\.\.$`,
		`^2025-12-03 10:00:30$`,
		`^\+ curl -X POST http://127.0.0.1:30000/start_profile .*"num_steps": 50`,
		`^\{"success":true`,
		`^\+ python3 -m sglang.bench_serving .*--max-concurrency 24 `,
		`^============ Serving Benchmark Result ============$`,
		`^Max request concurrency:\s+24\s*$`,
		`^Mean TTFT \(ms\):`,
		`^==================================================$`,
		`^\+ python3 -m sglang.test.few_shot_gsm8k`,
		`^Accuracy: 0\.9`,
		`^\+ set \+x$`,
		`^2025-12-03 10:00:\d\d$`,
		`^Torch profiling completed for prefill mode with exit code 0$`,
		`^Profiling results saved to /logs/profiles/prefill$`,
	)
	if strings.Contains(out, "Warning: PROFILE_") {
		t.Error("warned about steps that are set")
	}
	// ten lines of top after each "not ready"
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Server not ready yet") {
			if !strings.HasPrefix(lines[i+1], "top - ") || !strings.Contains(lines[i+10], "sglang::detoken") {
				t.Errorf("top output after line %d is not ten lines", i)
			}
		}
	}

	last := steps[len(steps)-1]
	if last.Kind != stepExit || last.Code != 0 {
		t.Fatalf("last step %+v", last)
	}
	// At pace 1 a phase takes tens of seconds, like the real one.
	if last.At < 40*time.Second || last.At > 60*time.Second {
		t.Errorf("prefill phase takes %v at pace 1, want 40-60 s", last.At)
	}
	var traces []step
	for i, s := range steps {
		if i > 0 && s.At < steps[i-1].At && steps[i-1].Kind != stepTraces && s.Kind != stepTraces {
			t.Fatalf("step %d goes back in time: %v after %v", i, s.At, steps[i-1].At)
		}
		if s.Kind == stepTraces {
			traces = append(traces, s)
		}
	}
	if len(traces) != 1 || traces[0].Grow < 500*time.Millisecond {
		t.Fatalf("trace steps %+v", traces)
	}
	// The trace appears during the load, before the completion line.
	completed := atOf(steps, "Torch profiling completed")
	running := atOf(steps, "Running profiler...")
	if !(traces[0].At > running && traces[0].At+traces[0].Grow < completed) {
		t.Errorf("trace at %v (grow %v) not between %v and %v", traces[0].At, traces[0].Grow, running, completed)
	}
}

func atOf(steps []step, prefix string) time.Duration {
	for _, s := range steps {
		if s.Kind == stepWrite && strings.Contains(s.Text, prefix) {
			return s.At
		}
	}
	return -1
}

func TestTimelineDeterministicAndPaced(t *testing.T) {
	start := time.Date(2025, 12, 3, 10, 0, 0, 0, time.UTC)
	plan := testPlan("torch")
	a := Timeline(plan, plan.Phases[1], start, 1)
	b := Timeline(plan, plan.Phases[1], start, 1)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same inputs gave different timelines")
	}
	fast := Timeline(plan, plan.Phases[1], start, 50)
	if len(fast) != len(a) {
		t.Fatalf("pace changed the steps: %d vs %d", len(fast), len(a))
	}
	for i := range a {
		want := time.Duration(float64(a[i].At) / 50)
		if d := fast[i].At - want; d > time.Microsecond || d < -time.Microsecond {
			t.Fatalf("step %d at %v, want %v", i, fast[i].At, want)
		}
	}
	// Timestamps follow the paced clock: at pace 50 the "Running
	// profiler" stamp is 0.6 s after start, not 30 s.
	if !strings.Contains(text(fast), "\n2025-12-03 10:00:00\n") {
		t.Errorf("paced timestamps wrong:\n%s", text(fast))
	}
	// Decode starts a little after prefill, as on two nodes.
	if a[0].At <= Timeline(plan, plan.Phases[0], start, 1)[0].At {
		t.Error("decode does not start after prefill")
	}
	assertInOrder(t, text(a), `Profiling mode: decode`, `"start_step": "10", "num_steps": 30`, `Torch profiling completed for decode mode with exit code 0`)
}

func TestTimelineRuntimeErrors(t *testing.T) {
	start := time.Date(2025, 12, 3, 10, 0, 0, 0, time.UTC)
	plan := testPlan("torch")

	noISL := plan.Phases[0]
	noISL.ISL = nil
	steps := Timeline(plan, noISL, start, 1)
	out := text(steps)
	assertInOrder(t, out, `Server http://127.0.0.1:30000 is ready`, `^Error: isl and osl must be set for profiling\.$`)
	if strings.Contains(out, "Running profiler") || hasTraces(steps) {
		t.Error("profiled without isl")
	}
	if last := steps[len(steps)-1]; last.Kind != stepExit || last.Code != 1 {
		t.Errorf("exit %+v, want code 1", last)
	}

	noConc := plan.Phases[0]
	noConc.Concurrency = nil
	steps = Timeline(plan, noConc, start, 1)
	out = text(steps)
	assertInOrder(t, out, `--max-concurrency  --request-rate`, `error: argument --max-concurrency: invalid int value: ''`,
		`Torch profiling completed for prefill mode with exit code 2`)
	if hasTraces(steps) || strings.Contains(out, "Serving Benchmark Result") {
		t.Error("a load without concurrency produced a trace or a result")
	}

	noSteps := plan.Phases[0]
	noSteps.StartStep, noSteps.StopStep = nil, nil
	assertInOrder(t, text(Timeline(plan, noSteps, start, 1)),
		`^Warning: PROFILE_START_STEP not set; defaulting to 0$`,
		`^Warning: PROFILE_STOP_STEP not set; defaulting to 50$`,
		`^Running profiler`)

	backwards := plan.Phases[0]
	backwards.StartStep, backwards.StopStep = intp(40), intp(40)
	steps = Timeline(plan, backwards, start, 1)
	if hasTraces(steps) {
		t.Error("zero steps produced a trace")
	}
}

func hasTraces(steps []step) bool {
	for _, s := range steps {
		if s.Kind == stepTraces {
			return true
		}
	}
	return false
}

func TestTimelineNsysAndAggregated(t *testing.T) {
	start := time.Date(2025, 12, 3, 10, 0, 0, 0, time.UTC)
	plan := testPlan("nsys")
	out := text(Timeline(plan, plan.Phases[0], start, 1))
	assertInOrder(t, out, `^  Profiling dir: $`, `"activities": \["CUDA_PROFILER"\]`,
		`^Torch profiling completed for prefill mode`, `^Profiling results saved to /logs/profiles$`)

	agg := jobPlan{Name: "a", Model: "m", Profiling: "torch", Workers: [3]int{0, 0, 1}, GPUs: [3]int{0, 0, 4}, Pace: 1,
		Phases: []phasePlan{{Name: "aggregated", ISL: intp(512), OSL: intp(64), Concurrency: intp(8), Ranks: 1}}}
	out = text(Timeline(agg, agg.Phases[0], start, 1))
	assertInOrder(t, out, `Profiling mode: aggregated`, `Aggregated workers: 1`, `Total GPUs: 4`,
		`Torch profiling completed for aggregated mode with exit code 0`, `saved to /logs/profiles/aggregated`)
}

func TestLogOutLines(t *testing.T) {
	plan := testPlan("torch")
	got := strings.Join(logOutStart(plan, []string{"n1", "n2"}), "\n")
	assertInOrder(t, got, `^Starting profiler\.\.\.$`, `^Prefill profiling will run on: n1$`, `^Decode profiling will run on: n2$`)
	// One node: both phases on it.
	got = strings.Join(logOutStart(plan, []string{"localhost"}), "\n")
	assertInOrder(t, got, `^Prefill profiling will run on: localhost$`, `^Decode profiling will run on: localhost$`)
	end := logOutEnd(time.Date(2025, 12, 3, 10, 1, 2, 0, time.UTC), 1)
	if end != "All profiling scripts finished at Wed Dec  3 10:01:02 UTC 2025 with exit code 1" {
		t.Errorf("end line %q", end)
	}
}
