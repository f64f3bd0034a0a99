package tail

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

func feedFile(t *testing.T, name string, feed func(string)) {
	t.Helper()
	f, err := os.Open("testdata/today/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		feed(sc.Text())
	}
}

func TestSweepTrackerStages(t *testing.T) {
	tr := NewSweepTracker(func() time.Time { return time.Unix(100, 0) })
	var stages []string
	seen := map[SweepStage]string{}
	f, err := os.Open("testdata/today/today-v1.sweep.log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		before := tr.State().Stage
		tr.FeedSweep(sc.Text())
		st := tr.State()
		if st.Stage != before {
			stages = append(stages, st.Stage.String())
		}
		if st.Stage == SweepStarting && st.Line != "" && st.Line != "🚀 srtctl Sweep Orchestrator" {
			// The banner's rule of '='s is no evidence of anything.
			t.Errorf("starting on %q, want the banner's title", st.Line)
		}
		if st.Detail != "" {
			seen[st.Stage] = st.Detail
		}
	}
	want := "starting,infrastructure,workers starting,waiting for health,benchmark running,done"
	if got := strings.Join(stages, ","); got != want {
		t.Errorf("stages %s, want %s", got, want)
	}
	if seen[SweepWorkers] != "4 workers" {
		t.Errorf("workers detail %q", seen[SweepWorkers])
	}
	st := tr.State()
	if st.Profiling != "torch" || st.Benchmark != "sa-bench" || st.Line != "✓ Sweep completed successfully" || st.NoTrace != "" {
		t.Errorf("end state %+v", st)
	}
}

func TestSweepTrackerHealthCounts(t *testing.T) {
	tr := NewSweepTracker(nil)
	tr.FeedSweep("2026-12-07 04:59:01 [INFO] Waiting for workers to be ready...")
	tr.FeedSweep("2026-12-07 04:59:01 [INFO] Model is not ready, waiting for 2 prefills and 2 decodes. Have 1 prefills and 0 decodes.")
	if got := tr.State().Detail; got != "have 1 of 2 prefills, 0 of 2 decodes" {
		t.Errorf("detail %q", got)
	}
}

func TestSweepTrackerWindowAndConcurrency(t *testing.T) {
	tr := NewSweepTracker(nil)
	feedFile(t, "today-v1.sweep.log", tr.FeedSweep)
	tr.state.Stage = SweepBenchmark // replay benchmark.out as if mid-run
	lines := 0
	feedFile(t, "today-v1.benchmark.out", func(l string) {
		tr.FeedBenchmark(l)
		lines++
		if strings.HasPrefix(l, "Running benchmark with concurrency: 8") {
			if d := tr.State().Detail; d != "concurrency 8 (2 of 2)" {
				t.Errorf("detail %q", d)
			}
			if w := tr.State().WindowText(); w != "profiling started on 4 of 4 endpoints, steps 0-20, 5-30" {
				t.Errorf("window %q", w)
			}
		}
	})
	st := tr.State()
	if st.Window != WindowSaved || len(st.Windows) != 2 || len(st.ModeWindow("decode").Started) != 2 {
		t.Errorf("window %v %+v", st.Window, st.Windows)
	}
}

func TestSweepTrackerEmptyDecodeWindowSaysWhy(t *testing.T) {
	tr := NewSweepTracker(nil)
	feedFile(t, "today-empty-decode.benchmark.out", tr.FeedBenchmark)
	d := tr.State().ModeWindow("decode")
	if d == nil || len(d.Started) != 0 || d.NoTrace != "Warning: invalid step range for 10.0.1.1:7500: start=5 stop=5, skipping" {
		t.Fatalf("decode window %+v", d)
	}
	if p := tr.State().ModeWindow("prefill"); p == nil || p.NoTrace != "" || len(p.Started) != 2 {
		t.Errorf("prefill window %+v", p)
	}
}

func TestSweepTrackerManualAndUnsupported(t *testing.T) {
	tr := NewSweepTracker(nil)
	tr.FeedSweep("2026-12-07 04:59:01 [INFO] Profiling: torch")
	tr.FeedSweep("2026-12-07 04:59:01 [INFO] Benchmark type is 'manual' - server is ready for testing")
	if st := tr.State(); st.Stage != SweepServing || !strings.Contains(st.NoTrace, "manual") {
		t.Errorf("manual: %+v", st)
	}
	tr = NewSweepTracker(nil)
	tr.FeedBenchmark("Warning: Unsupported PROFILE_TYPE='pytorch'. Expected 'nsys' or 'torch'. Skipping profiling.")
	if st := tr.State(); !strings.HasPrefix(st.NoTrace, "Warning: Unsupported PROFILE_TYPE='pytorch'") {
		t.Errorf("unsupported: %+v", st)
	}
}

// FuzzSweepTracker: any lines, in the sweep log or benchmark.out, leave a
// state that is bounded, sanitized and consistent.
func FuzzSweepTracker(f *testing.F) {
	for _, name := range []string{"today-v1.sweep.log", "today-empty-decode.benchmark.out"} {
		if b, err := os.ReadFile("testdata/today/" + name); err == nil {
			f.Add(string(b), name == "today-v1.sweep.log")
		}
	}
	f.Add("Starting profiling on http://\x1b[2J1.2.3.4:5 (steps 99999999999999999999-1)\n  Decode workers: a,b,,c\n", false)
	f.Add("2026-12-07 05:00:00 [INFO] Model is not ready, waiting for 2 prefills. Have \x9b1 prefills.\n", true)
	f.Fuzz(func(t *testing.T, text string, sweep bool) {
		tr := NewSweepTracker(nil)
		for _, l := range strings.Split(text, "\n") {
			if sweep {
				tr.FeedSweep(l)
			} else {
				tr.FeedBenchmark(l)
			}
		}
		st := tr.State()
		if st.Stage < SweepNoLog || st.Stage > SweepFailed || st.Window < WindowNotStarted || st.Window > WindowSaved {
			t.Fatalf("bad state %+v", st)
		}
		if len(st.Concurrencies) > 64 || len(st.Windows) > 3+len(text) {
			t.Fatalf("unbounded: %d concurrencies, %d windows", len(st.Concurrencies), len(st.Windows))
		}
		check := func(what, s string) {
			if s != safetext.Line(s) && s+"\x1b[m" != safetext.Line(s) {
				t.Fatalf("%s not sanitized: %q", what, s)
			}
		}
		for _, s := range []string{st.Line, st.Detail, st.Profiling, st.Benchmark, st.NoTrace, st.Error, st.WindowText()} {
			check("field", s)
		}
		for _, w := range st.Windows {
			if len(w.Endpoints) > 256 || len(w.Started) > 256 {
				t.Fatalf("unbounded window %+v", w)
			}
			check("no-trace", w.NoTrace)
			for _, e := range append(append([]string{}, w.Endpoints...), w.Started...) {
				check("endpoint", e)
			}
		}
	})
}

// benchmark.out is polled on its own schedule: its lines may be read
// before the sweep log's "starting benchmark".
func TestSweepTrackerBenchmarkReadFirst(t *testing.T) {
	tr := NewSweepTracker(nil)
	tr.FeedBenchmark("SA-Bench Config: endpoint=http://n1:8000; isl=1; osl=1; concurrencies=4x16; req_rate=inf")
	tr.FeedBenchmark("Running benchmark with concurrency: 4")
	if st := tr.State(); st.Stage != SweepBenchmark {
		t.Errorf("benchmark.out read first: stage %v, want benchmark running", st.Stage)
	}
	tr.FeedSweep("2026-12-07 05:00:00 [INFO] Server is healthy - starting benchmark")
	if st := tr.State(); st.Stage != SweepBenchmark || st.Detail != "concurrency 4 (1 of 2)" {
		t.Errorf("stage %v detail %q", st.Stage, st.Detail)
	}
}

// An aggregated job's benchmark.out lists no agg endpoints ("Prefill
// workers: none", "Decode workers: none", as the bench library prints):
// the window counts the endpoints a start request went to ("1 of 0" was
// printed).
func TestSweepTrackerAggWindowCountsStartedEndpoints(t *testing.T) {
	tr := NewSweepTracker(nil)
	for _, l := range []string{
		"", "Starting profiling on workers...", "  Type: nsys", "  Output (base): /logs/profiles",
		"  Output (agg): /logs/profiles/agg", "  Prefill workers: none", "  Decode workers: none",
		"  Prefill steps: 0 - 50", "  Decode steps: 0 - 50", "Starting profiling on http://10.0.0.1:7500 (steps 0-10)",
	} {
		tr.FeedBenchmark(l)
	}
	if w := tr.State().WindowText(); w != "profiling started on 1 of 1 endpoints, steps 0-10" {
		t.Errorf("window %q", w)
	}
}

// benchmark.out read before the sweep log's health lines: the stage stays
// at the benchmark when those lines come.
func TestSweepTrackerStageNeverMovesBack(t *testing.T) {
	tr := NewSweepTracker(nil)
	tr.FeedSweep("2026-12-07 05:00:00 [INFO] Starting backend workers")
	tr.FeedBenchmark("SA-Bench Config: endpoint=http://n1:8000; isl=1; osl=1; concurrencies=4x16; req_rate=inf")
	tr.FeedSweep("2026-12-07 05:00:01 [INFO] Waiting for workers to be ready...")
	tr.FeedSweep("2026-12-07 05:00:02 [INFO] Model is not ready, waiting for 1 agg. Have 0 agg.")
	tr.FeedBenchmark("Running benchmark with concurrency: 4")
	tr.FeedSweep("2026-12-07 05:00:03 [INFO] Model is ready. Have 1 agg.")
	if st := tr.State(); st.Stage != SweepBenchmark || st.Detail != "concurrency 4 (1 of 2)" {
		t.Errorf("stage %v, detail %q after the late health lines, want benchmark running, concurrency 4 (1 of 2)", st.Stage, st.Detail)
	}
	tr.FeedSweep("✓ Sweep completed successfully")
	if st := tr.State(); st.Stage != SweepDone {
		t.Errorf("stage %v, want done", st.Stage)
	}
}
