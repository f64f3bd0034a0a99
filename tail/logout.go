package tail

import (
	"maps"
	"regexp"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// LogState is what the job's log.out has said about profiling. Every string
// in it has been through safetext.Line.
type LogState struct {
	// ProfilerStarted: "Starting profiler..." was printed.
	ProfilerStarted bool
	// Nodes maps a phase ("prefill", "decode", ...) to the node from
	// "<Phase> profiling will run on: <node>".
	Nodes map[string]string
	// Finished: "All profiling scripts finished at <date> with exit code
	// <n>"; FinishedAt is <date> and ExitCode <n>.
	Finished   bool
	FinishedAt string
	ExitCode   int
}

// Clone is a deep copy, safe to hand to another goroutine.
func (s *LogState) Clone() *LogState {
	c := *s
	c.Nodes = maps.Clone(s.Nodes)
	return &c
}

// LogTracker reads log.out's lines in order.
type LogTracker struct{ state LogState }

// State is the current state (shared: Clone it to keep it).
func (t *LogTracker) State() *LogState { return &t.state }

// Reset forgets everything read: the file was truncated or replaced.
func (t *LogTracker) Reset() { t.state = LogState{} }

var (
	reRunsOn   = regexp.MustCompile(`^([A-Za-z]+) profiling will run on: (\S.*)$`)
	reFinished = regexp.MustCompile(`^All profiling scripts finished at (.+) with exit code (-?\d+)$`)
)

// Feed reads one raw line and reports whether the state changed.
func (t *LogTracker) Feed(raw string) bool {
	text := strings.TrimSpace(plainLine(raw))
	s := &t.state
	switch {
	case text == "Starting profiler...":
		s.ProfilerStarted = true
	case reRunsOn.MatchString(text):
		m := reRunsOn.FindStringSubmatch(text)
		if s.Nodes == nil {
			s.Nodes = map[string]string{}
		}
		if len(s.Nodes) < 8 {
			s.Nodes[strings.ToLower(m[1])] = safetext.Line(strings.TrimSpace(m[2]))
		}
	case reFinished.MatchString(text):
		m := reFinished.FindStringSubmatch(text)
		code, err := strconv.Atoi(m[2])
		if err != nil {
			code = -1
		}
		s.Finished, s.FinishedAt, s.ExitCode = true, safetext.Line(m[1]), code
	default:
		return false
	}
	return true
}
