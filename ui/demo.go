package ui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/trace"
)

// AutoSummaryOptions configure a monitor that opens the summary by itself.
type AutoSummaryOptions struct {
	// Engine is the monitor's engine; the traces are fetched through it,
	// so the download shows in the monitor's footer.
	Engine MonitorEngine
	// FetchDir is the local directory the traces are copied to (it must
	// be the monitor's FetchDir too).
	FetchDir string
	// Pause is how long "traces fetched" stays on the monitor before the
	// summary opens (default 1.5 s).
	Pause time.Duration
	// Context bounds the fetch (default: until the program ends).
	Context context.Context
}

// AutoSummary is a monitor screen that, once the job's traces are ready,
// fetches them and opens the summary screen on them: what the demo shows
// without waiting for keys. Esc on the summary comes back; s reopens it.
// A real job's traces can be gigabytes, so the plain monitor leaves the
// fetch to the user (d).
type AutoSummary struct {
	*Monitor
	opt     AutoSummaryOptions
	fetched bool // the fetch was started
	opening bool // the summary is scheduled or open
	summary *SummaryScreen
}

type openSummaryMsg struct{ owner *AutoSummary }

var keyReopenSummary = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "summary"))

// NewAutoSummary wraps m.
func NewAutoSummary(m *Monitor, opt AutoSummaryOptions) *AutoSummary {
	if opt.Pause <= 0 {
		opt.Pause = 1500 * time.Millisecond
	}
	if opt.Context == nil {
		opt.Context = context.Background()
	}
	return &AutoSummary{Monitor: m, opt: opt}
}

// Summary is the summary screen once it was opened (nil before).
func (a *AutoSummary) Summary() *SummaryScreen { return a.summary }

func (a *AutoSummary) Update(msg tea.Msg) (Component, tea.Cmd) {
	switch msg := msg.(type) {
	case openSummaryMsg:
		if msg.owner != a {
			return a, nil
		}
		return a, a.openSummary()
	case summaryFileMsg:
		// The summary was left (Esc) while it read a file.
		if a.summary != nil && msg.screen == a.summary {
			return a, a.summary.handleFile(msg)
		}
		return a, nil
	case tea.KeyPressMsg:
		if a.summary != nil && !a.Monitor.CapturesInput() && key.Matches(msg, keyReopenSummary) {
			return a, Push(a.summary)
		}
	}
	_, cmd := a.Monitor.Update(msg)
	return a, tea.Batch(cmd, a.advance())
}

// advance starts the fetch once the traces are ready, and schedules the
// summary once the fetch has finished well.
func (a *AutoSummary) advance() tea.Cmd {
	st := a.Monitor.Status()
	switch {
	case !a.fetched && st.Outcome == monitor.OutcomeTracesReady && !st.Fetching && a.opt.Engine != nil:
		a.fetched = true
		if err := a.opt.Engine.Fetch(a.opt.Context, a.opt.FetchDir); err != nil {
			return Status("fetching the traces: "+err.Error(), true)
		}
		st.Fetching = true
		return Status("traces ready: fetching them into "+a.opt.FetchDir+"…", false)
	case a.fetched && !a.opening && st.Fetch.Finished && st.Fetch.Err == "" && st.Fetch.LocalDir == a.opt.FetchDir:
		a.opening = true
		return tea.Batch(Status("opening the summary…", false),
			tea.Tick(a.opt.Pause, func(time.Time) tea.Msg { return openSummaryMsg{owner: a} }))
	}
	return nil
}

func (a *AutoSummary) openSummary() tea.Cmd {
	paths, err := trace.Find([]string{a.opt.FetchDir})
	if err != nil {
		a.opening = false
		return Status("looking for the fetched traces: "+err.Error(), true)
	}
	st := a.Monitor.Status()
	a.summary = NewSummaryScreen(a.Monitor.ctx, SummaryOptions{
		Paths:  paths,
		Source: fmt.Sprintf("job %s · fetched to %s", st.Info.ID, a.opt.FetchDir),
		Back:   true,
	})
	return tea.Batch(Push(a.summary),
		Status("the traces' summary · ↓ scroll · f full kernel names · esc back to the monitor", false))
}

// KeyMap adds "s summary" to the monitor's keys once there is one.
func (a *AutoSummary) KeyMap() help.KeyMap {
	km := a.Monitor.KeyMap()
	if a.summary == nil || a.Monitor.CapturesInput() {
		return km
	}
	return extraKeys{km, keyReopenSummary}
}

// extraKeys is a key map with one more binding first in the footer.
type extraKeys struct {
	help.KeyMap
	extra key.Binding
}

func (k extraKeys) ShortHelp() []key.Binding {
	return append([]key.Binding{k.extra}, k.KeyMap.ShortHelp()...)
}

func (k extraKeys) FullHelp() [][]key.Binding {
	return append(k.KeyMap.FullHelp(), []key.Binding{k.extra})
}
