package tail

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Stage is where a profiled phase is, as its profile_<phase>.out tells.
type Stage int

const (
	// StageNoFile: profile_<phase>.out does not exist yet.
	StageNoFile Stage = iota
	// StageStarting: the file exists (the configuration block).
	StageStarting
	// StageWaitingServer: "Waiting for server at ... to be ready...".
	StageWaitingServer
	// StageServerReady: "Server ... is ready".
	StageServerReady
	// StageProfiling: "Running profiler...".
	StageProfiling
	// StageCompleted: "... profiling completed ... with exit code 0".
	StageCompleted
	// StageFailed: a non-zero exit code, or an "Error:" line before the
	// profiler ran (the script stops there).
	StageFailed
)

func (s Stage) String() string {
	switch s {
	case StageNoFile:
		return "not created yet"
	case StageStarting:
		return "starting"
	case StageWaitingServer:
		return "waiting for server"
	case StageServerReady:
		return "server ready"
	case StageProfiling:
		return "profiling"
	case StageCompleted:
		return "completed"
	case StageFailed:
		return "failed"
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// maxNotes bounds the errors and warnings a phase keeps.
const maxNotes = 20

// PhaseState is what profile_<phase>.out has said so far. Every string in
// it has been through safetext.Line.
type PhaseState struct {
	Phase string // prefill, decode or aggregated
	Stage Stage
	// Config holds the indented "Key: value" lines of the
	// "Torch Profiling Configuration:" block ("Profiling mode" -> "decode").
	Config map[string]string
	// ServerURL is from "Waiting for server at <url> to be ready...".
	ServerURL string
	// NotReadyPolls counts "Server not ready yet (status: <code>),
	// waiting..." lines (one per 30 s); LastStatus is the last code.
	NotReadyPolls int
	LastStatus    string
	// StartedAt and FinishedAt are the script's own timestamp lines
	// ("YYYY-mm-dd HH:MM:SS") after "Running profiler..." and before the
	// completion line.
	StartedAt, FinishedAt string
	// ExitCode is valid when HasExitCode: from "Torch profiling completed
	// for <mode> mode with exit code <n>" (the wording says Torch for nsys
	// too).
	ExitCode    int
	HasExitCode bool
	// CompletedMode is the <mode> of that line.
	CompletedMode string
	// ResultsDir is from "Profiling results saved to <dir>", as the
	// container sees it (/logs/... is the job's log directory).
	ResultsDir string
	// Errors and Warnings are "Error: ..." and "Warning: ..." lines, at most
	// maxNotes each; MoreErrors and MoreWarnings count the rest.
	Errors, Warnings         []string
	MoreErrors, MoreWarnings int
}

// Done reports whether the phase's script has finished.
func (s *PhaseState) Done() bool { return s.Stage == StageCompleted || s.Stage == StageFailed }

// Failed reports whether the phase ended badly.
func (s *PhaseState) Failed() bool { return s.Stage == StageFailed }

// Summary is one line for a status bar, e.g. "waiting for server (3 polls,
// status 503)" or "completed (exit 0)".
func (s *PhaseState) Summary() string {
	switch s.Stage {
	case StageWaitingServer:
		if s.NotReadyPolls > 0 {
			return fmt.Sprintf("waiting for server (%d not-ready polls, last status %s)", s.NotReadyPolls, s.LastStatus)
		}
	case StageCompleted:
		return "completed (exit 0)"
	case StageFailed:
		switch {
		case s.HasExitCode:
			return fmt.Sprintf("failed (exit %d)", s.ExitCode)
		case len(s.Errors) > 0:
			return "failed: " + s.Errors[0]
		}
	}
	return s.Stage.String()
}

// Clone is a deep copy, safe to hand to another goroutine.
func (s *PhaseState) Clone() *PhaseState {
	c := *s
	c.Config = maps.Clone(s.Config)
	c.Errors = append([]string(nil), s.Errors...)
	c.Warnings = append([]string(nil), s.Warnings...)
	return &c
}

// PhaseTracker reads the lines of one profile_<phase>.out in order.
type PhaseTracker struct {
	state       PhaseState
	inConfig    bool
	lastStamp   string
	wantStarted bool
}

// NewPhaseTracker tracks the phase named phase.
func NewPhaseTracker(phase string) *PhaseTracker {
	t := &PhaseTracker{}
	t.state.Phase = phase
	return t
}

// State is the current state (shared: Clone it to keep it).
func (t *PhaseTracker) State() *PhaseState { return &t.state }

// Reset forgets everything read: the file was truncated or replaced.
func (t *PhaseTracker) Reset() {
	*t = PhaseTracker{state: PhaseState{Phase: t.state.Phase, Stage: StageStarting}}
}

// SetMissing records whether the file exists.
func (t *PhaseTracker) SetMissing(missing bool) {
	switch {
	case missing && t.state.Stage == StageStarting && t.state.Config == nil:
		t.state.Stage = StageNoFile
	case !missing && t.state.Stage == StageNoFile:
		t.state.Stage = StageStarting
	}
}

var (
	reWaiting   = regexp.MustCompile(`^Waiting for server at (\S+) to be ready\.\.\.$`)
	reNotReady  = regexp.MustCompile(`^Server not ready yet \(status: ([^)]*)\), waiting\.\.\.$`)
	reReady     = regexp.MustCompile(`^Server (\S+) is ready$`)
	reStamp     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)
	reCompleted = regexp.MustCompile(`^(\S+) profiling completed for (\S+) mode with exit code (-?\d+)$`)
	reSaved     = regexp.MustCompile(`^Profiling results saved to (.+)$`)
	reConfigKV  = regexp.MustCompile(`^\s+([A-Za-z][A-Za-z ]*):\s?(.*)$`)
)

// Feed reads one line (raw, as a Batch has it) and reports whether the
// state changed.
func (t *PhaseTracker) Feed(raw string) bool {
	changed := t.state.Stage == StageNoFile
	if changed {
		t.state.Stage = StageStarting
	}
	return t.feed(plainLine(raw)) || changed
}

func (t *PhaseTracker) feed(line string) bool {
	s := &t.state
	if t.inConfig {
		if m := reConfigKV.FindStringSubmatch(line); m != nil {
			if s.Config == nil {
				s.Config = map[string]string{}
			}
			if len(s.Config) < 32 {
				s.Config[m[1]] = safetext.Line(m[2])
			}
			return true
		}
		t.inConfig = false
	}
	text := strings.TrimSpace(line)
	switch {
	case text == "Torch Profiling Configuration:" || text == "Nsys Profiling Configuration:":
		t.inConfig = true
		if s.Config == nil {
			s.Config = map[string]string{}
		}
	case reWaiting.MatchString(text):
		s.ServerURL = safetext.Line(reWaiting.FindStringSubmatch(text)[1])
		t.advance(StageWaitingServer)
	case reNotReady.MatchString(text):
		s.NotReadyPolls++
		s.LastStatus = safetext.Line(reNotReady.FindStringSubmatch(text)[1])
		t.advance(StageWaitingServer)
	case reReady.MatchString(text):
		t.advance(StageServerReady)
	case text == "Running profiler...":
		t.advance(StageProfiling)
		t.wantStarted, t.lastStamp = true, ""
	case reStamp.MatchString(text):
		if t.wantStarted {
			s.StartedAt, t.wantStarted = text, false
		} else {
			t.lastStamp = text
		}
	case reCompleted.MatchString(text):
		m := reCompleted.FindStringSubmatch(text)
		code, err := strconv.Atoi(m[3])
		if err != nil {
			code = -1 // more digits than an int: certainly not 0
		}
		s.ExitCode, s.HasExitCode = code, true
		s.CompletedMode = safetext.Line(m[2])
		s.FinishedAt = t.lastStamp
		if code == 0 {
			s.Stage = StageCompleted
		} else {
			s.Stage = StageFailed
		}
	case reSaved.MatchString(text):
		s.ResultsDir = safetext.Line(reSaved.FindStringSubmatch(text)[1])
	case strings.HasPrefix(text, "Error:"):
		s.Errors, s.MoreErrors = addNote(s.Errors, s.MoreErrors, text)
		if s.Stage < StageProfiling {
			// The script checks its settings before profiling and stops.
			s.Stage = StageFailed
		}
	case strings.HasPrefix(text, "Warning:"):
		s.Warnings, s.MoreWarnings = addNote(s.Warnings, s.MoreWarnings, text)
	default:
		return false
	}
	return true
}

// advance moves the stage forward, never back and never out of an end.
func (t *PhaseTracker) advance(to Stage) {
	if !t.state.Done() && to > t.state.Stage {
		t.state.Stage = to
	}
}

func addNote(notes []string, more int, text string) ([]string, int) {
	if len(notes) >= maxNotes {
		return notes, more + 1
	}
	return append(notes, safetext.Line(text)), more
}

// plainLine is the text a parser matches: what the terminal would show, with
// colours and other escapes gone.
func plainLine(raw string) string {
	raw = strings.TrimSuffix(raw, "\r")
	if strings.IndexByte(raw, '\r') >= 0 {
		raw = safetext.LastCRSegment(raw)
	}
	if strings.IndexByte(raw, ansi.ESC) >= 0 {
		raw = ansi.Strip(raw)
	}
	return raw
}
