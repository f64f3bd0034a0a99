package ui

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/trace"
)

// SummaryMonitorOptions configure a monitor that opens the summary of the
// job's traces once they are fetched.
type SummaryMonitorOptions struct {
	// Auto fetches the traces as soon as they are ready and opens the
	// summary by itself (the demo). Otherwise the user fetches them (d),
	// since a real job's traces can be gigabytes, and s opens the summary.
	Auto bool
	// Engine is the monitor's engine; the traces are fetched through it,
	// so the download shows in the monitor's footer.
	Engine MonitorEngine
	// FetchDir is the local directory Auto fetches into (it must be the
	// monitor's FetchDir too).
	FetchDir string
	// Pause is how long "traces fetched" stays on the monitor before Auto
	// opens the summary (default 1.5 s).
	Pause time.Duration
	// Context bounds the fetch (default: until the program ends).
	Context context.Context
	// RemoteNsys runs nsys on the cluster, for nsys reports when nsys is
	// not on this machine's PATH (nil: list such reports only).
	RemoteNsys trace.NsysRunner
}

// SummaryMonitor is the monitor screen with the traces' summary one key
// away: once the traces are fetched (by d, or by itself with Auto), s opens
// the summary screen on them; Esc there comes back to the monitor, which
// kept following the job meanwhile (it is a Background screen).
type SummaryMonitor struct {
	*Monitor
	opt      SummaryMonitorOptions
	fetched  bool   // Auto started the fetch
	opening  bool   // Auto scheduled the summary
	localDir string // where the last good fetch put the traces
	summary  *SummaryScreen
}

type openSummaryMsg struct{ owner *SummaryMonitor }

var keyReopenSummary = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "summary"))

// NewSummaryMonitor wraps m.
func NewSummaryMonitor(m *Monitor, opt SummaryMonitorOptions) *SummaryMonitor {
	if opt.Pause <= 0 {
		opt.Pause = 1500 * time.Millisecond
	}
	if opt.Context == nil {
		opt.Context = context.Background()
	}
	return &SummaryMonitor{Monitor: m, opt: opt}
}

// Summary is the summary screen once it was opened (nil before).
func (a *SummaryMonitor) Summary() *SummaryScreen { return a.summary }

func (a *SummaryMonitor) Update(msg tea.Msg) (Component, tea.Cmd) {
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
		if !a.Monitor.CapturesInput() && key.Matches(msg, keyReopenSummary) {
			switch {
			case a.summary != nil:
				return a, Push(a.summary)
			case a.localDir != "":
				return a, a.openSummary()
			}
			return a, Status("no traces fetched yet: d fetches them, then s opens their summary", false)
		}
	}
	_, cmd := a.Monitor.Update(msg)
	return a, tea.Batch(cmd, a.advance())
}

// advance starts Auto's fetch once the traces are ready, and notices a
// finished fetch: Auto schedules the summary, otherwise s is offered.
func (a *SummaryMonitor) advance() tea.Cmd {
	st := a.Monitor.Status()
	switch {
	case a.opt.Auto && !a.fetched && st.Outcome == monitor.OutcomeTracesReady && !st.Fetching && a.opt.Engine != nil:
		a.fetched = true
		if err := a.opt.Engine.Fetch(a.opt.Context, a.opt.FetchDir); err != nil {
			return Status("fetching the traces: "+err.Error(), true)
		}
		st.Fetching = true
		return Status("traces ready: fetching them into "+a.opt.FetchDir+"…", false)
	case st.Fetch.Finished && st.Fetch.Err == "" && st.Fetch.LocalDir != "" && st.Fetch.LocalDir != a.localDir:
		a.localDir = st.Fetch.LocalDir
		a.summary = nil // a new fetch: summarise what it brought
		if !a.opt.Auto {
			a.Monitor.fetchedHint = " · s opens their summary"
			return nil
		}
		if a.fetched && !a.opening && a.localDir == a.opt.FetchDir {
			a.opening = true
			return tea.Batch(Status("opening the summary…", false),
				tea.Tick(a.opt.Pause, func(time.Time) tea.Msg { return openSummaryMsg{owner: a} }))
		}
	}
	return nil
}

func (a *SummaryMonitor) openSummary() tea.Cmd {
	paths, err := trace.Find([]string{a.localDir})
	if err != nil {
		a.opening = false
		return Status("looking for the fetched traces: "+err.Error(), true)
	}
	st := a.Monitor.Status()
	a.summary = NewSummaryScreen(a.Monitor.ctx, SummaryOptions{
		Paths:     paths,
		Source:    fmt.Sprintf("job %s · fetched to %s", st.Info.ID, a.localDir),
		Back:      true,
		Summarize: a.summarizer(st.Info.LogDir),
	})
	return tea.Batch(Push(a.summary),
		Status("the traces' summary · ↓ scroll · f full kernel names · esc back to the monitor", false))
}

// summarizer reads a fetched file. An nsys report needs nsys: when it is
// not here but the cluster can run it, it runs there on the report's
// original (the fetch keeps profiles/' layout under the local directory).
func (a *SummaryMonitor) summarizer(logDir string) func(context.Context, string) (*trace.FileSummary, error) {
	if a.opt.RemoteNsys == nil || logDir == "" || trace.NsysAvailable() {
		return nil
	}
	local := a.localDir
	return func(ctx context.Context, p string) (*trace.FileSummary, error) {
		rel, err := filepath.Rel(local, p)
		if trace.KindOf(p) != trace.FileNsysReport || err != nil || strings.HasPrefix(rel, "..") {
			return trace.SummarizePath(ctx, p)
		}
		remote := path.Join(logDir, "profiles", filepath.ToSlash(rel))
		return trace.SummarizeReportOr(ctx, p, remote, a.opt.RemoteNsys)
	}
}

// KeyMap adds "s summary" to the monitor's keys once there are fetched
// traces to summarise.
func (a *SummaryMonitor) KeyMap() help.KeyMap {
	km := a.Monitor.KeyMap()
	if a.localDir == "" || a.Monitor.CapturesInput() {
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
