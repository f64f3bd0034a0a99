package tail

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Today's srtctl (1.0.x, 2.x) tells a run's story in two files
// (srtctl-current.md §1.8): logs/sweep_<id>.log, the orchestrator's stages,
// and logs/benchmark.out, the bench library's profiling window. SweepTracker
// reads both into one SweepState.

// SweepStage is where a run is, from its sweep log.
type SweepStage int

const (
	SweepNoLog     SweepStage = iota // no sweep log yet (pending)
	SweepStarting                    // the batch script started
	SweepInfra                       // NATS, etcd
	SweepWorkers                     // workers (and the frontend) starting
	SweepHealth                      // waiting for the workers to be healthy
	SweepBenchmark                   // the benchmark runs
	SweepServing                     // benchmark.type manual: serving until cancelled
	SweepDone                        // ✓ Sweep completed successfully
	SweepFailed                      // ✗ Sweep failed, or an error that ends it
)

func (s SweepStage) String() string {
	return [...]string{"queued (no sweep log yet)", "starting", "infrastructure", "workers starting",
		"waiting for health", "benchmark running", "serving (manual benchmark)", "done", "failed"}[s]
}

// Ended reports whether the sweep finished, well or badly.
func (s SweepStage) Ended() bool { return s == SweepDone || s == SweepFailed }

// WindowStatus is where a profiling window stands, from benchmark.out.
type WindowStatus int

const (
	WindowNotStarted WindowStatus = iota
	WindowStarted                 // start requests sent
	WindowStopped                 // "Stopping profiling on all workers..."
	WindowSaved                   // "Profiling results saved to ..."
)

func (w WindowStatus) String() string {
	return [...]string{"not started", "started", "stopped", "saved"}[w]
}

// ModeWindow is one mode's profiling window.
type ModeWindow struct {
	Mode string // prefill, decode, agg
	// Endpoints are the mode's worker endpoints (ip:port) the bench library
	// was given; Started those a start request went to.
	Endpoints []string
	Started   []string
	// StartStep, StopStep as "Starting profiling on ... (steps S-E)" says.
	StartStep, StopStep int
	// NoTrace is why this mode can produce no trace, from the job's own
	// line; "" while it may.
	NoTrace string
}

// SweepState is a run's state from its sweep log and benchmark.out. Every
// string has been through safetext.Line.
type SweepState struct {
	Stage SweepStage
	// Line is the line that moved the run to Stage; Since when it was read.
	Line  string
	Since time.Time
	// Detail says more about the stage: "4 workers", "have 1 of 2
	// prefills, 0 of 2 decodes", "concurrency 16 (2 of 3)".
	Detail string
	// Profiling is the profiling type ("" when the log says none).
	Profiling string
	// Benchmark is benchmark.type when the log said it.
	Benchmark string
	// Workers counts "Started <n> worker processes".
	Workers int
	// Concurrencies as sa-bench's config line lists them; Concurrency is
	// the one running and ConcurrencyIndex its 1-based position.
	Concurrencies    []int
	Concurrency      int
	ConcurrencyIndex int
	// Window is the profiling window: started, stopped, saved.
	Window  WindowStatus
	Windows []ModeWindow // in the order the modes were listed
	// NoTrace is why no mode can produce a trace (manual benchmark, a
	// benchmark without the hooks, an unsupported type), from the line.
	NoTrace string
	// Error is the first [ERROR] line or error the run printed.
	Error string
}

// Clone is a deep copy.
func (s *SweepState) Clone() *SweepState {
	c := *s
	c.Concurrencies = slices.Clone(s.Concurrencies)
	c.Windows = slices.Clone(s.Windows)
	for i := range c.Windows {
		c.Windows[i].Endpoints = slices.Clone(s.Windows[i].Endpoints)
		c.Windows[i].Started = slices.Clone(s.Windows[i].Started)
	}
	return &c
}

// Window returns mode's window, nil when benchmark.out has not named it.
func (s *SweepState) ModeWindow(mode string) *ModeWindow {
	for i := range s.Windows {
		if s.Windows[i].Mode == mode {
			return &s.Windows[i]
		}
	}
	return nil
}

// WindowText says where profiling stands: "started on 3 of 4 endpoints,
// steps 0-20", "stopped", "saved".
func (s *SweepState) WindowText() string {
	if s.Window == WindowNotStarted {
		return ""
	}
	started, total := 0, 0
	var steps []string
	for _, w := range s.Windows {
		started += len(w.Started)
		// The bench library lists prefill's and decode's endpoints, never
		// agg's ("Prefill workers: none" in an aggregated job): there, the
		// endpoints a start request went to are all it says.
		total += max(len(w.Endpoints), len(w.Started))
		if len(w.Started) > 0 {
			st := strconv.Itoa(w.StartStep) + "-" + strconv.Itoa(w.StopStep)
			if !slices.Contains(steps, st) {
				steps = append(steps, st)
			}
		}
	}
	t := "profiling started on " + strconv.Itoa(started) + " of " + strconv.Itoa(total) + " endpoints"
	if len(steps) > 0 {
		t += ", steps " + strings.Join(steps, ", ")
	}
	switch s.Window {
	case WindowStopped:
		t += "; stopped"
	case WindowSaved:
		t += "; stopped and saved"
	}
	return t
}

// SweepTracker reads a run's sweep log and benchmark.out.
type SweepTracker struct {
	state SweepState
	now   func() time.Time
	// endpoint -> mode, from "Prefill workers: ..." / "Decode workers: ...".
	modeOf map[string]string
}

// NewSweepTracker starts with no sweep log.
func NewSweepTracker(now func() time.Time) *SweepTracker {
	if now == nil {
		now = time.Now
	}
	return &SweepTracker{now: now, modeOf: map[string]string{}}
}

// State is the current state (shared: Clone it to keep it).
func (t *SweepTracker) State() *SweepState { return &t.state }

var (
	reSweepLine     = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:,\d+)? \[?([A-Z]+)\]? (.*)$`)
	reStarted       = regexp.MustCompile(`^Started (\d+) worker processes`)
	reExpecting     = regexp.MustCompile(`^Waiting for server health \(expecting (\d+) health entries: (.*)\)`)
	reModelNotReady = regexp.MustCompile(`^Model is not ready, waiting for (.*)\. Have (.*)\.$`)
	reProfilingType = regexp.MustCompile(`^Profiling: (\S+)$`)
	reProfEnabled   = regexp.MustCompile(`^Profiling enabled \(type=([^)]*)\) with benchmark type '([^']*)'`)
	reRunningBench  = regexp.MustCompile(`^Running (.+) benchmark$`)
	reSABenchConfig = regexp.MustCompile(`concurrencies=([0-9x,]+)`)
	reConcurrency   = regexp.MustCompile(`^Running benchmark with concurrency: (\d+)`)
	reWorkersList   = regexp.MustCompile(`^(Prefill|Decode|Agg|Aggregated) workers: (.*)$`)
	reOutputMode    = regexp.MustCompile(`^Output \((prefill|decode|agg)\): `)
	reStartOn       = regexp.MustCompile(`^Starting profiling on http://(\S+) \(steps (-?\d+)-(-?\d+)\)`)
	reInvalidRange  = regexp.MustCompile(`^Warning: invalid step range for (\S+): start=`)
	reFailedStart   = regexp.MustCompile(`^Warning: failed to start profiling on (\S+)`)
)

// hookedBenchmarks call the bench library's profiling hooks (§1.4).
var hookedBenchmarks = []string{"sa-bench", "sglang-bench", "trace-replay"}

// FeedSweep reads one raw line of the sweep log.
func (t *SweepTracker) FeedSweep(raw string) {
	text := strings.TrimSpace(plainLine(raw))
	if text == "" {
		return
	}
	s := &t.state
	if s.Stage == SweepNoLog {
		// The log opens with a rule of '='s: quoting it as the stage's
		// line says nothing, the banner's first words do.
		t.enter(SweepStarting, "")
	}
	if s.Stage == SweepStarting && s.Line == "" && !decorative(text) {
		s.Line = safetext.Line(text)
	}
	level, msg := "", text
	if m := reSweepLine.FindStringSubmatch(text); m != nil {
		level, msg = m[1], strings.TrimSpace(m[2])
		msg = strings.TrimPrefix(msg, "["+level+"] ")
	}
	switch {
	case strings.HasPrefix(msg, "✓ Sweep completed successfully"):
		t.enter(SweepDone, text)
	case strings.HasPrefix(msg, "✗ Sweep failed"):
		t.enter(SweepFailed, text)
	case s.Stage.Ended():
	case strings.HasPrefix(msg, "Starting infrastructure services"), strings.HasPrefix(msg, "Skipping NATS/etcd infrastructure"):
		t.enter(SweepInfra, text)
	case msg == "Starting backend workers":
		t.enter(SweepWorkers, text)
	case reStarted.MatchString(msg):
		n, _ := strconv.Atoi(reStarted.FindStringSubmatch(msg)[1])
		s.Workers = n
		if s.Stage <= SweepWorkers {
			s.Detail = strconv.Itoa(n) + " workers"
		}
	case strings.HasPrefix(msg, "Waiting for workers to be ready"):
		t.enter(SweepHealth, text)
	// The health lines say more about the health stage only: read after
	// benchmark.out moved the run on, they would replace its detail.
	case reExpecting.MatchString(msg):
		m := reExpecting.FindStringSubmatch(msg)
		if s.Stage < SweepHealth {
			t.enter(SweepHealth, text)
		}
		if s.Stage == SweepHealth {
			s.Detail = "expecting " + m[2]
		}
	case reModelNotReady.MatchString(msg):
		if s.Stage == SweepHealth {
			m := reModelNotReady.FindStringSubmatch(msg)
			s.Detail = haveOf(m[2], m[1])
			s.Line = safetext.Line(text)
		}
	case strings.HasPrefix(msg, "Model is ready"):
		if s.Stage == SweepHealth {
			s.Detail = strings.TrimSuffix(strings.TrimPrefix(msg, "Model is ready. "), ".")
			s.Detail = strings.ToLower(s.Detail[:1]) + s.Detail[1:]
		}
	case reProfilingType.MatchString(msg):
		s.Profiling = safetext.Line(reProfilingType.FindStringSubmatch(msg)[1])
	case reProfEnabled.MatchString(msg):
		m := reProfEnabled.FindStringSubmatch(msg)
		s.Profiling, s.Benchmark = safetext.Line(m[1]), safetext.Line(m[2])
		if !slices.Contains(hookedBenchmarks, m[2]) && s.Profiling != "nsys-time" && s.NoTrace == "" {
			s.NoTrace = safetext.Line("benchmark type '" + m[2] + "' never starts the profiler (only sa-bench, sglang-bench and trace-replay do): " + text)
		}
	case strings.HasPrefix(msg, "Server is healthy - starting benchmark"):
		t.enter(SweepBenchmark, text)
	case reRunningBench.MatchString(msg):
		if s.Stage != SweepBenchmark {
			t.enter(SweepBenchmark, text)
		}
	case strings.HasPrefix(msg, "Benchmark type is 'manual'"):
		t.enter(SweepServing, text)
		s.Benchmark = "manual"
		if s.Profiling != "" && s.NoTrace == "" {
			s.NoTrace = safetext.Line("benchmark type is manual, so nothing starts the profiler: " + text)
		}
	case level == "ERROR" || strings.HasPrefix(msg, "Config error:") || strings.HasPrefix(msg, "Server did not become healthy") ||
		strings.HasPrefix(msg, "Model did not get healthy") || msg == "Error during sweep":
		if s.Error == "" {
			s.Error = safetext.Line(text)
		}
	}
}

// FeedBenchmark reads one raw line of benchmark.out.
func (t *SweepTracker) FeedBenchmark(raw string) {
	text := strings.TrimSpace(plainLine(raw))
	s := &t.state
	if text != "" && s.Stage < SweepBenchmark {
		// benchmark.out is written by the benchmark alone, and its file is
		// polled on its own schedule: read before the sweep log's "Server
		// is healthy" line, it already says the benchmark runs (the stage
		// said "waiting for health: concurrency 4").
		t.enter(SweepBenchmark, text)
	}
	switch {
	case text == "":
	case reSABenchConfig.MatchString(text) && strings.HasPrefix(text, "SA-Bench Config:"):
		s.Concurrencies = parseConcurrencies(reSABenchConfig.FindStringSubmatch(text)[1])
	case reConcurrency.MatchString(text):
		c, _ := strconv.Atoi(reConcurrency.FindStringSubmatch(text)[1])
		s.Concurrency = c
		s.ConcurrencyIndex++
		if i := slices.Index(s.Concurrencies, c); i >= 0 {
			s.ConcurrencyIndex = i + 1
		}
		s.Detail = s.concurrencyDetail()
	case text == "Starting profiling on workers...":
		s.Window = WindowNotStarted
	case reOutputMode.MatchString(text):
		t.window(reOutputMode.FindStringSubmatch(text)[1])
	case reWorkersList.MatchString(text):
		m := reWorkersList.FindStringSubmatch(text)
		mode := strings.ToLower(m[1])
		if mode == "aggregated" {
			mode = "agg"
		}
		if m[2] != "none" {
			w := t.window(mode)
			for _, ep := range strings.Split(m[2], ",") {
				if ep = strings.TrimSpace(ep); ep != "" && len(w.Endpoints) < 256 {
					w.Endpoints = append(w.Endpoints, safetext.Line(ep))
					t.modeOf[ep] = mode
				}
			}
		}
	case reStartOn.MatchString(text):
		m := reStartOn.FindStringSubmatch(text)
		w := t.window(t.endpointMode(m[1]))
		if len(w.Started) < 256 {
			w.Started = append(w.Started, safetext.Line(m[1]))
		}
		w.StartStep, _ = strconv.Atoi(m[2])
		w.StopStep, _ = strconv.Atoi(m[3])
		s.Window = WindowStarted
	case reInvalidRange.MatchString(text):
		w := t.window(t.endpointMode(reInvalidRange.FindStringSubmatch(text)[1]))
		if w.NoTrace == "" {
			w.NoTrace = safetext.Line(text)
		}
	case reFailedStart.MatchString(text):
		w := t.window(t.endpointMode(reFailedStart.FindStringSubmatch(text)[1]))
		if w.NoTrace == "" && len(w.Started) == 0 {
			w.NoTrace = safetext.Line(text)
		}
	case strings.HasPrefix(text, "Warning: Unsupported PROFILE_TYPE="):
		if s.Profiling != "nsys-time" && s.NoTrace == "" {
			s.NoTrace = safetext.Line(text)
		}
	case strings.HasPrefix(text, "Warning: PROFILE_TYPE=") && strings.HasSuffix(text, "Skipping profiling."):
		if s.NoTrace == "" {
			s.NoTrace = safetext.Line(text)
		}
	case strings.HasPrefix(text, "Error: unsupported SRTCTL_FRONTEND_TYPE="):
		if s.NoTrace == "" {
			s.NoTrace = safetext.Line(text)
		}
	case text == "Stopping profiling on all workers...":
		if s.Window != WindowNotStarted {
			s.Window = WindowStopped
		}
	case strings.HasPrefix(text, "Profiling results saved to "):
		if s.Window != WindowNotStarted {
			s.Window = WindowSaved
		}
	}
}

// window returns mode's window, adding it.
func (t *SweepTracker) window(mode string) *ModeWindow {
	s := &t.state
	if w := s.ModeWindow(mode); w != nil {
		return w
	}
	s.Windows = append(s.Windows, ModeWindow{Mode: mode})
	return &s.Windows[len(s.Windows)-1]
}

// endpointMode is the mode an endpoint was listed under; an endpoint no
// "<Mode> workers:" line named belongs to an aggregated job.
func (t *SweepTracker) endpointMode(ep string) string {
	if m, ok := t.modeOf[ep]; ok {
		return m
	}
	return "agg"
}

// decorative says whether text has no letter or digit (a rule, a blank
// banner line).
func decorative(text string) bool {
	return !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

func (t *SweepTracker) enter(stage SweepStage, line string) {
	s := &t.state
	if stage < s.Stage {
		// Stages only move forward: benchmark.out, polled on its own
		// schedule, may have moved the run to the benchmark before the
		// sweep log's health lines are read.
		return
	}
	s.Stage, s.Line, s.Since = stage, safetext.Line(line), t.now()
	s.Detail = ""
	if stage == SweepBenchmark {
		// benchmark.out may have been read first: its file is polled
		// on its own schedule.
		s.Detail = s.concurrencyDetail()
	}
	if stage == SweepWorkers {
		s.Workers = 0
	}
}

var reCount = regexp.MustCompile(`(\d+) (prefills|decodes|agg\w*)`)

// concurrencyDetail is "concurrency 16 (2 of 3)" ("" before the first).
func (s *SweepState) concurrencyDetail() string {
	if s.Concurrency == 0 {
		return ""
	}
	d := "concurrency " + strconv.Itoa(s.Concurrency)
	if len(s.Concurrencies) > 0 {
		d += " (" + strconv.Itoa(s.ConcurrencyIndex) + " of " + strconv.Itoa(len(s.Concurrencies)) + ")"
	}
	return d
}

// haveOf turns "2 prefills and 2 decodes" (wanted) and "1 prefills and 0
// decodes" (had) into "have 1 of 2 prefills, 0 of 2 decodes".
func haveOf(have, want string) string {
	w := map[string]string{}
	for _, m := range reCount.FindAllStringSubmatch(want, -1) {
		w[m[2]] = m[1]
	}
	var parts []string
	for _, m := range reCount.FindAllStringSubmatch(have, -1) {
		p := m[1]
		if n, ok := w[m[2]]; ok {
			p += " of " + n
		}
		parts = append(parts, p+" "+m[2])
	}
	if len(parts) == 0 {
		return safetext.Line("have " + have)
	}
	return "have " + strings.Join(parts, ", ")
}

func parseConcurrencies(s string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == 'x' || r == ',' }) {
		if n, err := strconv.Atoi(f); err == nil && len(out) < 64 {
			out = append(out, n)
		}
	}
	return out
}
