package monitor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// Outcome is where the job stands for the person watching it.
type Outcome int

const (
	OutcomeRunning          Outcome = iota // nothing decided yet
	OutcomeTracesReady                     // every profiled phase has complete traces
	OutcomeFailed                          // see Status.Reason
	OutcomeCancelledByOther                // CANCELLED, and not by us
	OutcomeCancelledByUs                   // CANCELLED after our own cancel
)

func (o Outcome) String() string {
	return [...]string{"running", "traces ready", "failed", "cancelled by someone else", "cancelled"}[o]
}

// Level says how a Note should look.
type Level int

const (
	LevelInfo Level = iota
	LevelGood
	LevelWarn
	LevelBad
)

// Note is a state change worth one line in plain mode or the status line.
type Note struct {
	Text  string
	Level Level
}

// PhaseView is everything known about one profiled phase.
type PhaseView struct {
	State      PhaseState
	Traces     []Trace
	InProgress int  // nsys reports still being written
	NoTraces   bool // completed, but no complete trace within the grace period
	File       FileStatus
	FileSeen   bool
}

// TracesComplete reports whether the phase has at least one trace and all of
// them are complete.
func (p PhaseView) TracesComplete() bool {
	if len(p.Traces) == 0 || p.InProgress > 0 {
		return false
	}
	for _, t := range p.Traces {
		if !t.Complete {
			return false
		}
	}
	return true
}

// TraceSize is the total size of the phase's traces.
func (p PhaseView) TraceSize() int64 {
	var n int64
	for _, t := range p.Traces {
		n += t.Size
	}
	return n
}

// Status folds the engine's events into the job's state. The engine, the
// screen and plain mode each keep one and feed it the same events, so they
// agree on every decision (traces ready, failed, who cancelled).
type Status struct {
	Info            JobInfo
	Slurm           JobState
	SlurmAt         time.Time // when Slurm was read (to extrapolate Elapsed)
	SlurmKnown      bool
	Phases          [3]PhaseView // indexed by StreamPrefill..StreamAggregated
	LogSeen         bool
	Conn            ConnEvent
	CancelRequested bool
	Fetch           FetchEvent
	Fetching        bool
	Outcome         Outcome
	// Reason explains OutcomeFailed (and the job's end otherwise).
	Reason string
	// TracesWereReady: the outcome was OutcomeTracesReady at some point.
	TracesWereReady bool
	Ended           bool
	// Today is a today's run's stage, logs and benchmark results
	// (Info.Layout == LayoutToday).
	Today TodayView
}

// Phase returns the view of one phase stream.
func (s *Status) Phase(st Stream) *PhaseView {
	if !st.IsPhase() {
		return nil
	}
	return &s.Phases[st]
}

// PhaseStreams are the phases to show: the profiled ones once known, else
// prefill and decode (the common case) plus aggregated if its file appeared.
func (s *Status) PhaseStreams() []Stream {
	if s.Info.Layout == LayoutToday {
		if st := s.todayStreams(); len(st) > 0 {
			return st
		}
	}
	if len(s.Info.Phases) > 0 {
		return s.Info.Phases
	}
	if s.Phases[StreamAggregated].FileSeen && !s.Phases[StreamPrefill].FileSeen && !s.Phases[StreamDecode].FileSeen {
		return []Stream{StreamAggregated}
	}
	return []Stream{StreamPrefill, StreamDecode}
}

// Elapsed extrapolates the job's elapsed time to now while it runs.
func (s *Status) Elapsed(now time.Time) time.Duration {
	e := s.Slurm.Elapsed
	if s.Slurm.State == "RUNNING" && !s.SlurmAt.IsZero() && now.After(s.SlurmAt) {
		e += now.Sub(s.SlurmAt)
	}
	return e.Truncate(time.Second)
}

// Apply folds one event in and returns the state changes it caused.
func (s *Status) Apply(ev Event) []Note {
	var notes []Note
	add := func(l Level, format string, a ...any) { notes = append(notes, Note{fmt.Sprintf(format, a...), l}) }
	switch ev := ev.(type) {
	case JobInfoEvent:
		if ev.Info.Profiling != "" && ev.Info.Profiling != s.Info.Profiling {
			add(LevelInfo, "%s profiling of %s", ev.Info.Profiling, streamNames(ev.Info.Phases))
		}
		s.Info = ev.Info
	case LinesEvent:
		if ev.Stream == StreamLog {
			s.LogSeen = true
		} else {
			s.Phases[ev.Stream].FileSeen = true
		}
	case FileEvent:
		if ev.Stream == StreamLog {
			s.LogSeen = s.LogSeen || ev.Status != FileMissing
		} else {
			p := &s.Phases[ev.Stream]
			p.File = ev.Status
			p.FileSeen = p.FileSeen || ev.Status != FileMissing
		}
		if ev.Status == FileTruncated || ev.Status == FileReplaced {
			add(LevelWarn, "%s: %s", ev.Stream.File(), ev.Status)
		}
	case PhaseEvent:
		p := s.Phase(ev.Stream)
		if p == nil {
			break
		}
		if p.State != ev.State {
			p.State = ev.State
			add(phaseLevel(ev.State.Status), "%s: %s", ev.Stream, PhaseText(ev.State))
		}
	case TracesEvent:
		p := s.Phase(ev.Stream)
		if p == nil {
			break
		}
		before := p.TracesComplete()
		changedCount := len(ev.Traces) != len(p.Traces)
		p.Traces, p.InProgress = ev.Traces, ev.InProgress
		if len(ev.Traces) > 0 {
			p.NoTraces = false
		}
		if s.Info.Layout == LayoutToday {
			if changedCount || before != p.TracesComplete() {
				add(LevelInfo, "%s traces: %s", streamMode(ev.Stream), s.TodayTracesText(ev.Stream))
			}
		} else if changedCount || before != p.TracesComplete() {
			add(LevelInfo, "%s: %s", ev.Stream, TracesText(*p))
		}
	case NoTracesEvent:
		if p := s.Phase(ev.Stream); p != nil && !p.NoTraces {
			p.NoTraces = true
			add(LevelBad, "%s: completed %s ago but no trace appeared under profiles/", ev.Stream, ev.After.Truncate(time.Second))
		}
	case SlurmEvent:
		old := s.Slurm
		s.Slurm, s.SlurmAt, s.SlurmKnown = ev.Job, ev.At, true
		if old.State != ev.Job.State || old.Node != ev.Job.Node || old.Reason != ev.Job.Reason || old.Ended != ev.Job.Ended {
			add(slurmLevel(ev.Job), "job %s %s", s.Info.ID, SlurmText(ev.Job))
		}
	case ConnEvent:
		prev := s.Conn
		was := prev.Lost
		s.Conn = ev
		// A login problem is said once, when it starts or changes: the
		// retries behind it would repeat it every few seconds for as long
		// as nobody is there to log in.
		sameLogin := was && prev.NeedsLogin && prev.HostKey == ev.HostKey && prev.Err == ev.Err
		switch {
		case ev.Lost && ev.HostKey:
			if !sameLogin {
				add(LevelBad, "connection lost: ssh could not verify the host key of cluster %s (%s); check the key before logging in again, srtctl-tui never skips this check", s.Info.Cluster, ev.Err)
			}
		case ev.Lost && ev.NeedsLogin:
			if !sameLogin {
				add(LevelBad, "connection lost: ssh needs you to log in again (%s); still retrying without asking (attempt %d)", ev.Err, ev.Attempt)
			}
		case ev.Lost:
			// SFTP's own error is just "connection lost": not worth saying twice.
			if why := strings.TrimLeft(strings.TrimPrefix(ev.Err, "connection lost"), ": "); why != "" {
				add(LevelWarn, "connection lost (%s): reconnecting (attempt %d)", why, ev.Attempt)
			} else {
				add(LevelWarn, "connection lost: reconnecting (attempt %d)", ev.Attempt)
			}
		case was:
			add(LevelGood, "reconnected; following the files from where they were")
		}
	case CancelEvent:
		switch {
		case ev.Requested:
			s.CancelRequested = true
			add(LevelWarn, "cancelling job %s", s.Info.ID)
		case ev.Err != "":
			add(LevelBad, "cancel failed: %s", ev.Err)
		case ev.Done:
			add(LevelInfo, "scancel %s sent", s.Info.ID)
		}
	case FetchEvent:
		s.Fetch = ev
		s.Fetching = !ev.Finished
		switch {
		case ev.Finished && ev.Err != "":
			add(LevelBad, "fetching traces failed: %s", ev.Err)
		case ev.Finished:
			add(LevelGood, "traces fetched to %s (%s)", ev.LocalDir, humanize.IBytes(uint64(ev.Done)))
		}
	case ErrorEvent:
		add(LevelBad, "%s", ev.Err)
	case StageEvent, LogFoundEvent, BenchEvent:
		s.applyToday(ev, add)
	case EndEvent:
		s.Ended = true
		// The engine's last read came after the job ended: no trace grows
		// any more, so each one found is whole, whether or not its size was
		// seen to hold for TraceStableFor (a run followed after it ended).
		for i := range s.Phases {
			p := &s.Phases[i]
			p.Traces = slices.Clone(p.Traces)
			for j := range p.Traces {
				p.Traces[j].Complete = true
			}
		}
		if ev.Reason != "" {
			add(LevelInfo, "stopped following: %s", ev.Reason)
		}
	}
	if o, why := s.decide(); o != s.Outcome || why != s.Reason {
		changed := o != s.Outcome
		s.Outcome, s.Reason = o, why
		s.TracesWereReady = s.TracesWereReady || o == OutcomeTracesReady
		if changed {
			notes = append(notes, s.outcomeNote())
		}
	}
	return notes
}

// decide derives the outcome from everything known. Traces that are ready
// stay ready whatever happens to the job afterwards: they are on disk.
func (s *Status) decide() (Outcome, string) {
	if s.Info.Layout == LayoutToday {
		return s.decideToday()
	}
	if o, why, ok := s.decideCommon(s.Outcome == OutcomeTracesReady || s.tracesReady()); ok {
		return o, why
	}
	var why []string
	for _, st := range s.PhaseStreams() {
		p := s.Phases[st]
		switch {
		case p.State.Status.Bad():
			why = append(why, st.String()+" "+PhaseText(p.State))
		case p.NoTraces:
			why = append(why, st.String()+" completed but no trace appeared")
		}
	}
	if s.Slurm.Ended && s.Ended {
		// Only after the engine's last read (EndEvent): the traces found
		// then are all there will be.
		why = append(why, s.endedWhy("job ended before every phase had its traces"))
	}
	if len(why) > 0 {
		return OutcomeFailed, strings.Join(why, "; ")
	}
	return OutcomeRunning, ""
}

// endedWhy says how a job that left the queue without its traces ended;
// completed is the words for a job that ended well.
func (s *Status) endedWhy(completed string) string {
	switch {
	case s.Slurm.Unknown:
		return "job left the queue and SLURM no longer says how it ended"
	case s.Slurm.State == "COMPLETED":
		return completed
	}
	return "job " + SlurmText(s.Slurm)
}

// decideCommon is what every layout decides alike: ready traces, and
// cancellation (ours or someone else's).
func (s *Status) decideCommon(ready bool) (Outcome, string, bool) {
	if ready {
		if s.Slurm.Ended && strings.HasPrefix(s.Slurm.State, "CANCELLED") && s.CancelRequested {
			return OutcomeCancelledByUs, "cancelled after the traces were ready", true
		}
		return OutcomeTracesReady, "", true
	}
	if s.Slurm.Ended && strings.HasPrefix(s.Slurm.State, "CANCELLED") {
		if s.CancelRequested {
			return OutcomeCancelledByUs, "cancelled before the traces were ready", true
		}
		return OutcomeCancelledByOther, "job " + SlurmText(s.Slurm) + " (not by this monitor)", true
	}
	return OutcomeRunning, "", false
}

func (s *Status) tracesReady() bool {
	if len(s.Info.Phases) == 0 {
		return false
	}
	for _, st := range s.Info.Phases {
		if !s.Phases[st].TracesComplete() {
			return false
		}
	}
	return true
}

func (s *Status) outcomeNote() Note {
	switch s.Outcome {
	case OutcomeTracesReady:
		// The first line stands alone on a one-line status bar: it says
		// what is ready; the lines after it list the files.
		var list strings.Builder
		var n int
		var total int64
		var phases []string
		streams := s.Info.Phases
		if s.Info.Layout == LayoutToday {
			streams = s.todayStreams()
		}
		for _, st := range streams {
			if len(s.Phases[st].Traces) > 0 {
				name := st.String()
				if s.Info.Layout == LayoutToday {
					traced, profiled := s.EndpointsTraced(st)
					name = fmt.Sprintf("%s: %d of %d endpoints", streamMode(st), traced, profiled)
				}
				phases = append(phases, name)
			}
			for _, t := range s.Phases[st].Traces {
				n++
				total += t.Size
				fmt.Fprintf(&list, "\n  %s  %s", t.Path, humanize.IBytes(uint64(t.Size)))
			}
		}
		head := fmt.Sprintf("traces ready: %d %s (%s), %s", n, pluralWord(n, "file"), strings.Join(phases, ", "), humanize.IBytes(uint64(total)))
		return Note{head + list.String(), LevelGood}
	case OutcomeFailed:
		return Note{"FAILED: " + s.Reason, LevelBad}
	case OutcomeCancelledByOther:
		return Note{"CANCELLED: " + s.Reason, LevelBad}
	case OutcomeCancelledByUs:
		return Note{"job cancelled (" + s.Reason + ")", LevelInfo}
	}
	return Note{"running", LevelInfo}
}

// TracePaths lists every trace of the profiled phases.
func (s *Status) TracePaths() []string {
	var out []string
	for _, st := range s.PhaseStreams() {
		for _, t := range s.Phases[st].Traces {
			out = append(out, t.Path)
		}
	}
	return out
}

// PhaseText says a phase state in words.
func PhaseText(p PhaseState) string {
	switch p.Status {
	case PhaseCompleted, PhaseFailed:
		return fmt.Sprintf("%s (exit code %d)", p.Status, p.ExitCode)
	case PhaseError:
		return "error: " + p.Message
	case PhaseWaitingServer:
		if p.Message != "" {
			return p.Status.String() + " (" + p.Message + ")"
		}
	}
	return p.Status.String()
}

// TracesText says what traces a phase has.
func TracesText(p PhaseView) string {
	if len(p.Traces) == 0 {
		return "no traces yet"
	}
	complete := 0
	for _, t := range p.Traces {
		if t.Complete {
			complete++
		}
	}
	word := "traces"
	if len(p.Traces) == 1 {
		word = "trace"
	}
	s := fmt.Sprintf("%d %s, %s", len(p.Traces), word, humanize.IBytes(uint64(p.TraceSize())))
	if complete < len(p.Traces) {
		s += fmt.Sprintf(" (%d still being written)", len(p.Traces)-complete)
	}
	return s
}

// SlurmText says a SLURM state in words.
func SlurmText(j JobState) string {
	s := j.State
	if s == "" {
		s = "state unknown"
	}
	if j.Node != "" && !j.Ended {
		s += " on " + j.Node
	}
	if j.Reason != "" && j.State == "PENDING" {
		s += " (" + j.Reason + ")"
	}
	if j.Ended && j.ExitCode != "" && j.ExitCode != "0:0" {
		s += " (exit " + j.ExitCode + ")"
	}
	return s
}

func streamNames(ss []Stream) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.String()
	}
	return strings.Join(names, " and ")
}

func phaseLevel(p PhaseStatus) Level {
	switch {
	case p.Bad():
		return LevelBad
	case p == PhaseCompleted:
		return LevelGood
	}
	return LevelInfo
}

func slurmLevel(j JobState) Level {
	switch {
	case j.State == "RUNNING" || j.State == "PENDING" || j.State == "COMPLETED":
		return LevelInfo
	case j.Ended:
		return LevelBad
	}
	return LevelWarn
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
