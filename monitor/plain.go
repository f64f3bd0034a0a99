package monitor

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Exit codes of plain mode (and of the screen when it ends on its own).
const (
	ExitTracesReady      = 0
	ExitFailed           = 1
	ExitCancelledByOther = 3
)

// ExitCode is the process exit code for an outcome.
func ExitCode(o Outcome) int {
	switch o {
	case OutcomeTracesReady:
		return ExitTracesReady
	case OutcomeCancelledByOther:
		return ExitCancelledByOther
	}
	return ExitFailed
}

// ExitCode is the exit code for where the job stands: traces that were
// ready count as success even if the job was cancelled afterwards by us.
func (s *Status) ExitCode() int {
	if s.Outcome == OutcomeCancelledByUs && s.TracesWereReady {
		return ExitTracesReady
	}
	return ExitCode(s.Outcome)
}

// Plain prints the events for a log file or a pipe: each followed line
// prefixed with its stream, each state change as a line starting "== ".
type Plain struct {
	w      io.Writer
	Status Status
	// Reattach is printed when the monitor stops while the job still runs.
	Reattach string
	// started is set once the job was said to run, by SLURM or by its
	// first output (squeue lags behind the job's logs).
	started bool
}

// NewPlain prints to w.
func NewPlain(w io.Writer) *Plain { return &Plain{w: w} }

// Handle prints one event and reports whether the outcome is decided, i.e.
// plain mode should stop now.
func (p *Plain) Handle(ev Event) bool {
	notes := p.Status.Apply(ev)
	if p.Status.Slurm.State == "RUNNING" || p.Status.Slurm.Ended {
		p.started = true
	}
	if hasLines(ev) && !p.started {
		// Never a log line before the job is said to run.
		p.started = true
		if state := p.Status.Slurm.State; state != "" {
			fmt.Fprintf(p.w, "== job %s is running: its output arrives (squeue says %s)\n", p.Status.Info.ID, state)
		} else {
			// A job followed after it ended has its logs read before
			// SLURM answers: it need not be running.
			fmt.Fprintf(p.w, "== job %s: its output so far (SLURM has not answered yet)\n", p.Status.Info.ID)
		}
	}
	switch l := ev.(type) {
	case LinesEvent:
		p.lines(l.Stream.String(), l.Lines)
	case LogEvent:
		p.lines(LogLabel(l.Log), l.Lines)
	}
	for _, n := range notes {
		// Notes quote SLURM and the logs; made safe where they were built,
		// and once more here, the one place plain mode prints them. A
		// note's later lines (the traces under "traces ready") follow
		// its "== " line indented, one per line.
		first, rest, _ := strings.Cut(n.Text, "\n")
		fmt.Fprintf(p.w, "== %s\n", safetext.Line(first))
		for _, l := range strings.Split(rest, "\n") {
			if l = strings.TrimSpace(safetext.Line(l)); l != "" {
				fmt.Fprintf(p.w, "     %s\n", l)
			}
		}
	}
	if c, ok := ev.(ConnEvent); ok && c.Lost && c.NeedsLogin && len(notes) > 0 {
		// Plain mode cannot hand anyone the terminal; a master connection
		// opened elsewhere on the same control socket is picked up.
		fmt.Fprintf(p.w, "== to log in again, run an srtctl-tui command for this cluster on a terminal (%s): this monitor continues on its connection\n", p.loginHint())
	}
	return p.Status.Outcome != OutcomeRunning
}

// hasLines: ev carries lines of one of the job's files.
func hasLines(ev Event) bool {
	switch l := ev.(type) {
	case LinesEvent:
		return len(l.Lines) > 0
	case LogEvent:
		return len(l.Lines) > 0
	}
	return false
}

// lines prints a file's lines, each prefixed with the file's label.
func (p *Plain) lines(label string, lines []string) {
	prefix := fmt.Sprintf("%-10s| ", label)
	var b strings.Builder
	for _, line := range lines {
		b.WriteString(prefix)
		b.WriteString(line)
		b.WriteByte('\n')
	}
	io.WriteString(p.w, b.String())
}

func (p *Plain) loginHint() string {
	if p.Reattach != "" {
		return p.Reattach
	}
	return "srtctl-tui monitor " + p.Status.Info.ID
}

// Run prints events until the outcome is decided, the events end or ctx is
// done, and returns the exit code.
func (p *Plain) Run(ctx context.Context, events <-chan Event) int {
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintf(p.w, "== interrupted; %s\n", p.reattach())
			return ExitFailed
		case ev, ok := <-events:
			if !ok {
				if p.Status.Outcome == OutcomeRunning {
					fmt.Fprintf(p.w, "== the monitor stopped before the outcome was known\n")
				}
				return p.Status.ExitCode()
			}
			if p.Handle(ev) {
				p.finish()
				return p.Status.ExitCode()
			}
		}
	}
}

func (p *Plain) finish() {
	if p.Status.Outcome == OutcomeTracesReady && !p.Status.Slurm.Ended && p.Status.HoldsGPUs() {
		fmt.Fprintf(p.w, "== job %s keeps its GPUs until its time limit: cancel it when done (scancel %s)\n",
			p.Status.Info.ID, p.Status.Info.ID)
	}
}

func (p *Plain) reattach() string {
	if p.Reattach != "" {
		return "the job keeps running; re-attach with: " + p.Reattach
	}
	return "the job keeps running"
}
