package monitor

import (
	"context"
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// Layout is where a job's files are, which the srtctl that ran it decides.
type Layout int

const (
	// LayoutP1 is srtctl P1's: <srtctl_root>/logs/<id>_<P>P_<D>D_<ts>/
	// with profile_<phase>.out, log.out and profiles/.
	LayoutP1 Layout = iota
	// LayoutToday is srtctl 1.0.x's and 2.x's: <output base>/<id>/ with
	// logs/sweep_<id>.log, logs/benchmark.out, one log per worker (2.x:
	// logs/workers/) and logs/profiles/<mode>/.
	LayoutToday
)

// LayoutOf tells the layouts apart by the directory's name: today's run
// directory is the job id itself, P1's log directory starts with it.
func LayoutOf(id, dir string) Layout {
	if id != "" && path.Base(dir) == id {
		return LayoutToday
	}
	return LayoutP1
}

// ProfilesDir is where a job's traces are: <logDir>/profiles (P1), or
// <run>/logs/profiles with one directory per mode (prefill, decode, agg)
// for a today's run. A fetch copies this tree as it is.
func ProfilesDir(id, dir string) string {
	if LayoutOf(id, dir) == LayoutToday {
		return path.Join(dir, "logs", "profiles")
	}
	return path.Join(dir, "profiles")
}

// StageEvent is a new state of a today's run, from its sweep log and
// benchmark.out.
type StageEvent struct{ Sweep tail.SweepState }

// LogEvent carries the lines one poll read from one of a today's run's
// logs (the sweep log, benchmark.out, a worker's, a frontend's). Lines are
// already made safe to show.
type LogEvent struct {
	Log       tail.LogFile
	Lines     []string
	Partial   string
	Restarted bool
}

// LogFoundEvent lists logs of a today's run that appeared.
type LogFoundEvent struct{ Logs []tail.LogFile }

// BenchEvent lists the benchmark results so far, one per concurrency.
type BenchEvent struct{ Results []tail.BenchResult }

func (StageEvent) isEvent()    {}
func (LogEvent) isEvent()      {}
func (LogFoundEvent) isEvent() {}
func (BenchEvent) isEvent()    {}

// The story files of a today's run, as LogFiles.
func sweepLogFile(spec tail.TodaySpec) tail.LogFile {
	return tail.LogFile{Path: spec.SweepLog(), Name: path.Base(spec.SweepLog()), Kind: tail.LogSweep}
}

func benchmarkLogFile(spec tail.TodaySpec) tail.LogFile {
	return tail.LogFile{Path: spec.BenchmarkOut(), Name: "benchmark.out", Kind: tail.LogBenchmark}
}

// runToday follows a today's run until it has left the queue.
func (e *Engine) runToday(ctx context.Context, wg *sync.WaitGroup) error {
	job := tail.NewTodayJob(tail.TodaySpec{RunDir: e.logDir, ID: e.id, TraceStableFor: e.opt.TraceStableFor})
	e.todaySpec = job.Spec()
	e.watchMu.Lock()
	e.todayJob = job
	if e.todayFocus != nil {
		job.Focus(e.todayFocus)
	}
	e.watchMu.Unlock()
	if !e.emit(ctx, LogFoundEvent{Logs: []tail.LogFile{sweepLogFile(e.todaySpec), benchmarkLogFile(e.todaySpec)}}) {
		return ctx.Err()
	}
	w := job.Watcher(e.dialer(), e.opt.Watch)
	e.setWatcher(w)
	wg.Add(1)
	go func() { defer wg.Done(); w.Run(ctx) }()
	return e.follow(ctx, w)
}

// FocusLogs says which logs of a today's run (by LogFile.Name) a screen
// shows: those are read at every poll, the others less often (their lines
// still all arrive). Safe from any goroutine; nothing for P1's layout.
func (e *Engine) FocusLogs(names []string) {
	e.watchMu.Lock()
	defer e.watchMu.Unlock()
	e.todayFocus = slices.Clone(names)
	if e.todayJob != nil {
		e.todayJob.Focus(e.todayFocus)
	}
}

// afterEnd keeps delivering the engine's own events (a fetch's progress)
// once a today's run has left the queue, until ctx ends: such a run ends
// by itself, usually before anyone fetches its traces.
func (e *Engine) afterEnd(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev := <-e.internal:
			if !e.emit(ctx, ev) {
				return ctx.Err()
			}
		}
	}
}

// translateToday turns the messages only a today's run has into events.
func (e *Engine) translateToday(m tail.Msg) ([]Event, bool) {
	switch m := m.(type) {
	case tail.FileUpdate:
		var lf tail.LogFile
		switch m.Key {
		case tail.KeySweep:
			lf = sweepLogFile(e.todaySpec)
		case tail.KeyBenchmark:
			lf = benchmarkLogFile(e.todaySpec)
		default:
			return nil, false
		}
		out := e.logUpdate(lf, m)
		if m.Sweep != nil && !reflect.DeepEqual(*m.Sweep, e.lastSweep) {
			if m.Sweep.Stage != e.lastSweep.Stage {
				e.pokeState() // the job's state is likely to change with its stage
			}
			e.lastSweep = *m.Sweep
			out = append(out, StageEvent{Sweep: *m.Sweep})
		}
		return out, true
	case tail.LogsUpdate:
		var out []Event
		if len(m.Found) > 0 {
			for i := range m.Found {
				m.Found[i].Name = safetext.Line(m.Found[i].Name)
				m.Found[i].Node = safetext.Line(m.Found[i].Node)
			}
			e.todayLogs = append(e.todayLogs, m.Found...)
			out = append(out, LogFoundEvent{Logs: m.Found})
		}
		for _, u := range m.Updates {
			i := slices.IndexFunc(e.todayLogs, func(l tail.LogFile) bool { return l.Path == u.Batch.Path || l.Name == safetext.Line(u.Key) })
			if i < 0 {
				continue
			}
			out = append(out, e.logUpdate(e.todayLogs[i], u)...)
		}
		return out, true
	case tail.BenchUpdate:
		return []Event{BenchEvent{Results: m.Results}}, true
	case tail.TracesUpdate:
		if m.Err != nil {
			return []Event{ErrorEvent{Err: safetext.Line("profiles/: " + m.Err.Error())}}, true
		}
		var out []Event
		for _, p := range m.Phases {
			st, ok := modeStream(p.Phase)
			if !ok {
				continue
			}
			traces := make([]Trace, len(p.Files))
			for i, f := range p.Files {
				traces[i] = Trace{Path: safetext.Line(f.Path), Size: f.Size, Complete: f.Complete, Endpoint: safetext.Line(f.Endpoint)}
			}
			out = append(out, TracesEvent{Stream: st, Traces: traces, InProgress: len(p.InProgress)})
		}
		return out, true
	}
	return nil, false
}

// logUpdate makes a followed log's batch events: a warning when it was
// replaced, its lines.
func (e *Engine) logUpdate(lf tail.LogFile, u tail.FileUpdate) []Event {
	var out []Event
	if u.Err != nil {
		out = append(out, ErrorEvent{Err: safetext.Line(lf.Name + ": " + u.Err.Error())})
	}
	b := u.Batch
	if b.StateChanged && !b.Missing {
		e.pokeState() // the job writes its files once it runs
	}
	if b.Restart != tail.NoRestart {
		out = append(out, ErrorEvent{Err: safetext.Line(lf.Name + ": " + b.Restart.String() + ", reading from the start")})
		e.save.restartName(lf.Name)
	}
	e.save.writeName(lf.Name, b.Lines)
	partial := safetext.Line(b.Partial)
	if len(b.Lines) > 0 || partial != e.todayPartial[lf.Name] || b.Restart != tail.NoRestart {
		if e.todayPartial == nil {
			e.todayPartial = map[string]string{}
		}
		e.todayPartial[lf.Name] = partial
		lines := make([]string, len(b.Lines))
		for i, l := range b.Lines {
			lines[i] = safetext.Line(l)
		}
		out = append(out, LogEvent{Log: lf, Lines: lines, Partial: partial, Restarted: b.Restart != tail.NoRestart})
	}
	return out
}

// modeStream maps today's trace directories to the phase streams.
func modeStream(mode string) (Stream, bool) {
	switch mode {
	case "prefill":
		return StreamPrefill, true
	case "decode":
		return StreamDecode, true
	case "agg":
		return StreamAggregated, true
	}
	return 0, false
}

// streamMode is modeStream's inverse.
func streamMode(st Stream) string {
	if st == StreamAggregated {
		return "agg"
	}
	return st.String()
}

// TodayView is what is known of a today's run beyond its traces (which
// are in Status.Phases, agg as StreamAggregated).
type TodayView struct {
	Sweep tail.SweepState
	// Logs are the run's logs, the sweep log and benchmark.out first, then
	// as they appeared.
	Logs  []tail.LogFile
	Bench []tail.BenchResult
}

// StallAfter is how long a stage may last before the monitor says since
// when it has not moved.
const StallAfter = 5 * time.Minute

// StageText says where a today's run stands: the stage, its detail, the
// profiling window, and since when when it looks stalled.
func (s *Status) StageText(now time.Time) string {
	sw := s.Today.Sweep
	t := sw.Stage.String()
	if sw.Detail != "" && !sw.Stage.Ended() {
		t += ": " + sw.Detail
	}
	if w := sw.WindowText(); w != "" && !sw.Stage.Ended() {
		t += " · " + w
	}
	if !sw.Since.IsZero() && !sw.Stage.Ended() && sw.Stage != tail.SweepServing && now.Sub(sw.Since) >= StallAfter {
		t += fmt.Sprintf(" · no change since %s (%s)", sw.Since.Format("15:04:05"), now.Sub(sw.Since).Truncate(time.Second))
	}
	return t
}

// applyToday folds the events only a today's run has.
func (s *Status) applyToday(ev Event, add func(Level, string, ...any)) {
	switch ev := ev.(type) {
	case StageEvent:
		old := s.Today.Sweep
		nw := ev.Sweep
		s.Today.Sweep = nw
		switch {
		case nw.Stage != old.Stage:
			lvl := LevelInfo
			switch nw.Stage {
			case tail.SweepDone:
				lvl = LevelGood
			case tail.SweepFailed:
				lvl = LevelBad
			}
			if nw.Line == "" {
				add(lvl, "stage: %s", nw.Stage)
			} else {
				add(lvl, "stage: %s (%s)", nw.Stage, nw.Line)
			}
		case nw.Detail != old.Detail && nw.Detail != "":
			add(LevelInfo, "%s: %s", nw.Stage, nw.Detail)
		}
		if w := nw.WindowText(); w != old.WindowText() && w != "" {
			add(LevelInfo, "%s", w)
		}
		if nw.NoTrace != "" && old.NoTrace == "" {
			add(LevelBad, "no trace will come: %s", nw.NoTrace)
		}
		for _, w := range nw.Windows {
			if ow := old.ModeWindow(w.Mode); w.NoTrace != "" && (ow == nil || ow.NoTrace == "") {
				add(LevelBad, "%s: no trace will come: %s", w.Mode, w.NoTrace)
			}
		}
		if nw.Error != "" && old.Error == "" {
			add(LevelBad, "%s", nw.Error)
		}
	case LogFoundEvent:
		for _, l := range ev.Logs {
			if !slices.ContainsFunc(s.Today.Logs, func(x tail.LogFile) bool { return x.Path == l.Path }) {
				s.Today.Logs = append(s.Today.Logs, l)
			}
		}
	case BenchEvent:
		for _, r := range ev.Results {
			if !slices.ContainsFunc(s.Today.Bench, func(x tail.BenchResult) bool { return x == r }) {
				add(LevelInfo, "benchmark: %s", BenchText(r))
			}
		}
		s.Today.Bench = ev.Results
	}
}

// BenchText is one result in a line.
func BenchText(r tail.BenchResult) string {
	return fmt.Sprintf("concurrency %d: %.1f tok/s output, TTFT %.1f ms, TPOT %.2f ms", r.Concurrency, r.OutputThroughput, r.TTFT, r.TPOT)
}

// todayStreams are the modes of a today's run: those its profiling window
// names, else those of its worker logs.
func (s *Status) todayStreams() []Stream {
	var out []Stream
	add := func(mode string) {
		if st, ok := modeStream(mode); ok && !slices.Contains(out, st) {
			out = append(out, st)
		}
	}
	for _, w := range s.Today.Sweep.Windows {
		add(w.Mode)
	}
	if len(out) == 0 {
		for _, l := range s.Today.Logs {
			if l.Kind == tail.LogWorker {
				add(l.Mode)
			}
		}
	}
	slices.Sort(out)
	return out
}

// EndpointsTraced counts the endpoints of a mode with a complete trace,
// and how many were asked to profile (0 while benchmark.out has not said).
func (s *Status) EndpointsTraced(st Stream) (traced, profiled int) {
	w := s.Today.Sweep.ModeWindow(streamMode(st))
	if w != nil {
		profiled = len(w.Started)
	}
	complete := map[string]bool{}
	for _, t := range s.Phases[st].Traces {
		if c, seen := complete[t.Endpoint]; !seen || c {
			complete[t.Endpoint] = t.Complete
		}
	}
	for _, c := range complete {
		if c {
			traced++
		}
	}
	return traced, profiled
}

// todayTracesReady: every mode the window started has a complete trace
// from every endpoint it started on, and nothing is still being written.
func (s *Status) todayTracesReady() bool {
	sw := s.Today.Sweep
	if sw.Window == tail.WindowNotStarted || len(sw.Windows) == 0 {
		return false
	}
	for _, w := range sw.Windows {
		st, ok := modeStream(w.Mode)
		if !ok {
			return false
		}
		traced, profiled := s.EndpointsTraced(st)
		p := s.Phases[st]
		if profiled == 0 || traced < profiled || p.InProgress > 0 || !p.TracesComplete() {
			return false
		}
	}
	return true
}

// decideToday is decide for a today's run: the sweep log, benchmark.out
// and SLURM's state say how it ends.
func (s *Status) decideToday() (Outcome, string) {
	if o, why, ok := s.decideCommon(s.Outcome == OutcomeTracesReady || s.todayTracesReady()); ok {
		return o, why
	}
	sw := s.Today.Sweep
	var why []string
	if sw.NoTrace != "" {
		why = append(why, "no trace: "+sw.NoTrace)
	}
	for _, w := range sw.Windows {
		if w.NoTrace != "" {
			why = append(why, w.Mode+": no trace: "+w.NoTrace)
		}
	}
	if len(why) == 0 && sw.Stage >= tail.SweepBenchmark && sw.Profiling == "" && sw.Stage != tail.SweepFailed {
		why = append(why, "profiling is off (the sweep log has no \"Profiling:\" line): no trace to wait for")
	}
	if sw.Stage == tail.SweepFailed {
		w := "sweep failed: " + sw.Line
		if sw.Error != "" {
			w += " (" + sw.Error + ")"
		}
		why = append(why, w)
	}
	if s.Slurm.Ended && s.Ended && len(why) == 0 {
		why = append(why, s.endedWhy("job ended before every profiled endpoint had its trace"))
	}
	if len(why) > 0 {
		return OutcomeFailed, strings.Join(why, "; ")
	}
	return OutcomeRunning, ""
}

// HoldsGPUs reports whether the job keeps its GPUs after its traces until
// someone cancels it or its time limit: a P1 job (it serves on after
// profiling), and a today's run serving a manual benchmark. Any other
// today's run ends by itself after the benchmark.
func (s *Status) HoldsGPUs() bool {
	if s.Info.Layout != LayoutToday {
		return true
	}
	return s.Today.Sweep.Stage == tail.SweepServing
}

// TodayTracesText says what a mode of a today's run has: "2 of 2
// endpoints traced, 8 files, 1.2 MiB".
func (s *Status) TodayTracesText(st Stream) string {
	p := s.Phases[st]
	traced, profiled := s.EndpointsTraced(st)
	if len(p.Traces) == 0 && p.InProgress == 0 {
		if profiled > 0 {
			return fmt.Sprintf("0 of %d endpoints traced", profiled)
		}
		return "no traces yet"
	}
	t := fmt.Sprintf("%d", traced)
	if profiled > 0 {
		t += fmt.Sprintf(" of %d", profiled)
	}
	t += fmt.Sprintf(" endpoints traced, %d %s, %s", len(p.Traces), pluralWord(len(p.Traces), "file"), humanize.IBytes(uint64(p.TraceSize())))
	if p.InProgress > 0 {
		t += fmt.Sprintf(" (%d %s being written)", p.InProgress, pluralWord(p.InProgress, "report"))
	}
	return t
}

// LogLabel is a log's short name: "prefill_w0", "frontend@n1", "sweep",
// "benchmark".
func LogLabel(l tail.LogFile) string {
	switch l.Kind {
	case tail.LogWorker:
		return fmt.Sprintf("%s_w%d", l.Mode, l.Worker)
	case tail.LogFrontend:
		return "frontend@" + l.Node
	}
	return l.Kind
}
