package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
)

// MonitorEngine is what the monitor screen drives; *monitor.Engine is one.
type MonitorEngine interface {
	Events() <-chan monitor.Event
	Cancel(ctx context.Context)
	Fetch(ctx context.Context, localDir string) error
}

// MonitorOptions configure a monitor screen.
type MonitorOptions struct {
	Engine MonitorEngine
	// Run, when set, is started by Init (the engine's Run) and stopped
	// when the program ends.
	Run func(ctx context.Context) error
	// FetchDir is where d copies the traces (default ./profiles/<id>, as srtctl-tui fetch).
	FetchDir string
	// Reattach is the command that re-attaches to the job, said on quit.
	Reattach string
	// PaneLines bounds each pane (tail.DefaultRingLines when 0).
	PaneLines int
	// Login, when set, is the terminal handover that opens the cluster's
	// master connection again with ssh's own prompts: r runs it when a
	// reconnect needs the user (the session's, see Session.screen).
	Login func() tea.ExecCommand

	// exec hands the terminal over while Login runs (tea.Exec; tests
	// replace it).
	exec func(tea.ExecCommand, tea.ExecCallback) tea.Cmd
}

// Redialer is an engine that can retry a lost connection at once (after
// the user logged in again); *monitor.Engine is one.
type Redialer interface{ Redial() }

// refreshInterval is how often panes with new lines are redrawn: lines
// arrive in batches, and handing a viewport its lines scans all of them.
const refreshInterval = 100 * time.Millisecond

type (
	monitorEventMsg   struct{ ev monitor.Event }
	monitorClosedMsg  struct{}
	monitorRefreshMsg struct{}
	monitorClockMsg   struct{}
	// monitorLoginDoneMsg: the terminal is back from ssh's login.
	monitorLoginDoneMsg struct{ err error }
)

// confirmation is a question that only "y" answers yes; every other key,
// Esc included, answers no.
type confirmation struct {
	prompt string
	yes    func() tea.Cmd
	no     string // status shown when declined
}

// Monitor is the screen that follows one job: header, phase panes,
// log.out, traces ready / failure banners, cancel and fetch.
type Monitor struct {
	// fetchedHint follows "traces fetched to ..." in the footer (what a
	// wrapping screen offers next, e.g. " · s opens their summary").
	fetchedHint string

	ctx    *Context
	opt    MonitorOptions
	keys   MonitorKeys
	status monitor.Status
	panes  map[monitor.Stream]*Pane

	focus     monitor.Stream
	lastPhase monitor.Stream
	zoom      bool
	// today holds the panes of a today's run (nil for P1's layout).
	today *todayPanes

	searching bool
	search    textinput.Model
	confirm   *confirmation
	bar       progress.Model

	loggingIn      bool // ssh has the terminal (r)
	refreshPending bool
	lastTraceBox   int
	closed         bool
	stop           context.CancelFunc
	width, height  int
	now            func() time.Time
}

// NewMonitor makes the screen; the engine's events drive it.
func NewMonitor(ctx *Context, info monitor.JobInfo, opt MonitorOptions) *Monitor {
	m := &Monitor{ctx: ctx, opt: opt, keys: DefaultMonitorKeys(), panes: map[monitor.Stream]*Pane{}, now: time.Now}
	m.status.Info = info
	if monitor.LayoutOf(info.ID, info.LogDir) == monitor.LayoutToday {
		m.status.Info.Layout = monitor.LayoutToday
		m.today = newTodayPanes(opt.PaneLines)
	}
	for _, s := range monitor.Streams {
		title := s.String() + " · " + s.File()
		if s == monitor.StreamLog {
			title = "job log · log.out"
		}
		m.panes[s] = NewPane(title, opt.PaneLines)
	}
	m.focus, m.lastPhase = monitor.StreamPrefill, monitor.StreamPrefill
	m.search = textinput.New()
	m.search.Prompt = "/"
	m.search.Placeholder = "search this pane"
	m.bar = progress.New(progress.WithWidth(30))
	if m.opt.FetchDir == "" {
		m.opt.FetchDir = filepath.Join(".", "profiles", info.ID)
	}
	if m.opt.Reattach == "" {
		m.opt.Reattach = ReattachCommand(info.ID, info.Cluster)
	}
	if m.opt.exec == nil {
		m.opt.exec = tea.Exec
	}
	return m
}

// ReattachCommand is the command line that follows the job again.
func ReattachCommand(id, cluster string) string {
	s := "srtctl-tui monitor " + id
	if cluster != "" {
		s += " --cluster " + cluster
	}
	return s
}

// Status is what the screen knows about the job (for tests and callers).
func (m *Monitor) Status() *monitor.Status { return &m.status }

// Pane returns the pane of a stream.
func (m *Monitor) Pane(s monitor.Stream) *Pane { return m.panes[s] }

func (m *Monitor) Title() string { return "monitor" }

func (m *Monitor) Init() tea.Cmd {
	if m.opt.Run != nil {
		ctx, cancel := context.WithCancel(context.Background())
		m.stop = cancel
		go m.opt.Run(ctx)
	}
	return tea.Batch(m.listen(), m.clock())
}

func (m *Monitor) listen() tea.Cmd {
	if m.opt.Engine == nil {
		return nil
	}
	ch := m.opt.Engine.Events()
	if m.today != nil {
		return listenBatch(ch)
	}
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return monitorClosedMsg{}
		}
		return monitorEventMsg{ev}
	}
}

// clock redraws the header for the elapsed time: every second while it
// shows seconds, then every 15 s. Each redraw costs a whole frame, and a
// job that runs for hours would otherwise keep an idle monitor busy.
func (m *Monitor) clock() tea.Cmd {
	every := time.Second
	if m.status.Elapsed(m.now()) >= clockSecondsFor {
		every = 15 * time.Second
	}
	return tea.Tick(every, func(time.Time) tea.Msg { return monitorClockMsg{} })
}

func (m *Monitor) scheduleRefresh() tea.Cmd {
	if m.refreshPending {
		return nil
	}
	m.refreshPending = true
	return tea.Tick(refreshInterval, func(time.Time) tea.Msg { return monitorRefreshMsg{} })
}

// CapturesInput: while typing a search or answering a question, every key
// is the screen's.
func (m *Monitor) CapturesInput() bool { return m.searching || m.confirm != nil }

func (m *Monitor) KeyMap() help.KeyMap {
	switch {
	case m.confirm != nil:
		return confirmKeys{
			Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
			No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("any other key", "no")),
		}
	case m.searching:
		return searchKeys{
			Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")),
			Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		}
	}
	k := m.keys
	// r is offered only while it can help; d until the traces are here.
	k.Login.SetEnabled(m.needsLogin())
	k.Fetch.SetEnabled(!m.fetched())
	if m.status.Slurm.Ended {
		// Nothing is left to cancel, and nothing keeps running.
		k.Cancel.SetEnabled(false)
		k.Quit.SetHelp("q", "quit")
	}
	if m.today != nil {
		k.Log.SetHelp("l", "all logs")
		k.Zoom.SetEnabled(false)
	}
	return k
}

// needsLogin reports whether the connection is lost for want of the user.
func (m *Monitor) needsLogin() bool { return m.status.Conn.Lost && m.status.Conn.NeedsLogin }

// CanQuit turns ctrl+c into the same quit as q, with its message; a running
// fetch asks first.
func (m *Monitor) CanQuit() (bool, tea.Cmd) {
	if m.status.Fetching {
		m.confirm = &confirmation{
			prompt: "A trace download is running. Quit anyway? (y: quit, any other key: keep downloading)",
			yes:    m.quit,
			no:     "Still downloading.",
		}
		return false, nil
	}
	return false, m.quit()
}

func (m *Monitor) quit() tea.Cmd {
	if m.stop != nil {
		m.stop()
	}
	msg, code := m.quitMessage()
	return QuitWith(msg, code)
}

func (m *Monitor) quitMessage() (string, int) {
	s := &m.status
	id := s.Info.ID
	if s.Slurm.Ended || s.Outcome == monitor.OutcomeCancelledByUs || s.Outcome == monitor.OutcomeCancelledByOther {
		text := fmt.Sprintf("Job %s: %s.", id, s.Outcome)
		if s.Reason != "" {
			text = fmt.Sprintf("Job %s: %s (%s).", id, s.Outcome, s.Reason)
		}
		return text, s.ExitCode()
	}
	where := ""
	if s.Info.Cluster != "" {
		where = " on " + s.Info.Cluster
	}
	text := fmt.Sprintf("Job %s keeps running%s. Re-attach with:\n  %s", id, where, m.opt.Reattach)
	code := 0
	switch s.Outcome {
	case monitor.OutcomeTracesReady:
		if s.HoldsGPUs() {
			text += fmt.Sprintf("\nIts traces are ready; it keeps its GPUs until its time limit (scancel %s frees them).", id)
		} else {
			text += "\nIts traces are ready; it ends by itself after the benchmark."
		}
	case monitor.OutcomeFailed:
		text += "\nIt has failed: " + s.Reason
		code = monitor.ExitFailed
	}
	return text, code
}

func (m *Monitor) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
}

// OwnsMsg: the monitor's own messages reach it under another screen, so
// it keeps following the job (Background).
func (m *Monitor) OwnsMsg(msg tea.Msg) bool {
	switch msg.(type) {
	case monitorEventMsg, monitorEventsMsg, monitorClosedMsg, monitorRefreshMsg, monitorClockMsg, monitorLoginDoneMsg:
		return true
	}
	return false
}

func (m *Monitor) Update(msg tea.Msg) (Component, tea.Cmd) {
	switch msg := msg.(type) {
	case monitorEventMsg:
		return m, tea.Batch(m.handleEvent(msg.ev), m.listen())
	case monitorEventsMsg:
		cmds := make([]tea.Cmd, 0, len(msg.evs)+1)
		for _, ev := range msg.evs {
			cmds = append(cmds, m.handleEvent(ev))
		}
		// The batch's lines are drawn with the batch: one redraw for all.
		if m.today != nil {
			m.today.refresh()
		}
		return m, tea.Batch(append(cmds, m.listen())...)
	case monitorClosedMsg:
		m.closed = true
		return m, nil
	case monitorRefreshMsg:
		m.refreshPending = false
		for _, p := range m.panes {
			p.Refresh()
		}
		if m.today != nil {
			m.today.refresh()
		}
		return m, nil
	case monitorClockMsg:
		return m, m.clock()
	case monitorLoginDoneMsg:
		return m, m.loginDone(msg.err)
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	}
	if m.searching {
		var cmd tea.Cmd
		m.search, cmd = m.search.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Monitor) handleEvent(ev monitor.Event) tea.Cmd {
	hadPhases := len(m.status.Info.Phases)
	notes := m.status.Apply(ev)
	var cmds []tea.Cmd
	if cmd, relayout := m.todayEvent(ev); cmd != nil || relayout {
		cmds = append(cmds, cmd)
		if relayout {
			m.layout()
		}
	}
	switch ev := ev.(type) {
	case monitor.LinesEvent:
		m.panes[ev.Stream].Append(ev.Lines, ev.Partial, ev.Restarted)
		cmds = append(cmds, m.scheduleRefresh())
	case monitor.JobInfoEvent:
		if len(ev.Info.Phases) != hadPhases && m.focus != monitor.StreamLog {
			m.focus = m.status.PhaseStreams()[0]
			m.lastPhase = m.focus
		}
		m.layout()
	case monitor.FetchEvent:
		if ev.Total > 0 {
			m.bar.SetPercent(float64(ev.Done) / float64(ev.Total))
		}
	}
	m.updatePaneStatus()
	if len(m.status.Info.Phases) != hadPhases || m.traceBoxHeight() != m.lastTraceBox {
		m.layout()
	}
	if fe, ok := ev.(monitor.FetchEvent); ok && fe.Finished && fe.Err == "" {
		// The footer says where the traces went, for as long as it matters;
		// the status line would only say it a second time, and its
		// "Fetching traces into …" is over.
		notes = nil
		cmds = append(cmds, Status("", false))
	}
	if len(notes) > 0 {
		n := notes[len(notes)-1]
		text, _, _ := strings.Cut(n.Text, "\n")
		cmds = append(cmds, Status(text, n.Level == monitor.LevelBad))
	}
	return tea.Batch(cmds...)
}

func (m *Monitor) updatePaneStatus() {
	st := m.ctx.Styles
	for _, s := range []monitor.Stream{monitor.StreamPrefill, monitor.StreamDecode, monitor.StreamAggregated} {
		pv := m.status.Phases[s]
		p := m.panes[s]
		text := monitor.PhaseText(pv.State)
		if !pv.FileSeen && pv.State.Status == monitor.PhaseNotStarted {
			text = s.File() + " not created yet"
		}
		text += " · " + monitor.TracesText(pv)
		if pv.InProgress > 0 {
			text += fmt.Sprintf(" · %d nsys report(s) being written", pv.InProgress)
		}
		p.Status, p.StatusStyle = text, st.Muted
		switch {
		case pv.State.Status.Bad() || pv.NoTraces:
			if pv.NoTraces {
				p.Status = text + " · no trace appeared"
			}
			p.StatusStyle = st.Error
		case pv.TracesComplete():
			p.StatusStyle = st.OK
		case pv.State.Status == monitor.PhaseCompleted:
			p.StatusStyle = st.Warn
		}
	}
	lp := m.panes[monitor.StreamLog]
	lp.Status, lp.StatusStyle = "the job's own log", st.Muted
	if !m.status.LogSeen {
		lp.Status = "log.out not created yet"
	}
}
