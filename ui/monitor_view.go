package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// headerHeight is the two lines above the panes; footerHeight the line
// below them (search, question, download).
const (
	headerHeight = 2
	footerHeight = 1
	// sideBySideWidth is the narrowest terminal that shows two panes side
	// by side; narrower ones stack them.
	sideBySideWidth = 100
	maxTraceLines   = 4
)

// visiblePanes are the panes drawn now, in order.
func (m *Monitor) visiblePanes() []monitor.Stream {
	if m.focus == monitor.StreamLog {
		return []monitor.Stream{monitor.StreamLog}
	}
	if m.zoom {
		return []monitor.Stream{m.focus}
	}
	return m.status.PhaseStreams()
}

func (m *Monitor) sideBySide() bool { return m.width >= sideBySideWidth }

// traceBoxHeight is the rows the "traces ready" list takes.
func (m *Monitor) traceBoxHeight() int {
	if m.status.Outcome != monitor.OutcomeTracesReady {
		return 0
	}
	n := len(m.status.TracePaths())
	if n > maxTraceLines {
		return maxTraceLines + 1
	}
	return n
}

func (m *Monitor) panesHeight() int {
	return max(m.height-headerHeight-footerHeight-m.traceBoxHeight(), 3)
}

// layout sizes the visible panes.
func (m *Monitor) layout() {
	m.lastTraceBox = m.traceBoxHeight()
	if m.today != nil {
		m.today.layout(m.width, m.panesHeight()-len(m.todayRows()))
		m.focusLogs()
	}
	vis := m.visiblePanes()
	h := m.panesHeight()
	n := len(vis)
	for i, s := range vis {
		switch {
		case n == 1:
			m.panes[s].SetSize(m.width, h)
		case m.sideBySide():
			w := m.width / n
			if i == n-1 {
				w = m.width - w*(n-1)
			}
			m.panes[s].SetSize(w, h)
		default:
			ph := h / n
			if i == n-1 {
				ph = h - ph*(n-1)
			}
			m.panes[s].SetSize(m.width, ph)
		}
	}
	m.search.SetWidth(max(m.width-4, 10))
	m.bar.SetWidth(min(40, max(m.width/3, 10)))
}

func (m *Monitor) View() string {
	if m.width == 0 {
		return ""
	}
	var rows []string
	rows = append(rows, m.fit(m.headerLine()), m.fit(m.bannerLine()))
	rows = append(rows, m.traceBox()...)
	if m.today != nil {
		rows = append(rows, m.todayRows()...)
		rows = append(rows, m.today.view(m.ctx.Styles, &m.status), m.fit(m.footerLine()))
		return strings.Join(rows, "\n")
	}
	vis := m.visiblePanes()
	views := make([]string, len(vis))
	for i, s := range vis {
		views[i] = m.panes[s].View(m.ctx.Styles, s == m.focus)
	}
	if len(vis) > 1 && m.sideBySide() {
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, views...))
	} else {
		rows = append(rows, views...)
	}
	rows = append(rows, m.fit(m.footerLine()))
	return strings.Join(rows, "\n")
}

func (m *Monitor) fit(s string) string { return ansi.Truncate(s, m.width, "…") }

func (m *Monitor) headerLine() string {
	st := m.ctx.Styles
	s := &m.status
	name := s.Info.Name
	if name == "" {
		name = "job"
	}
	state := "SLURM state …"
	if s.SlurmKnown {
		state = s.Slurm.State
		if state == "" {
			state = "state unknown"
		}
		if s.Slurm.State == "PENDING" && m.hasOutput() {
			// squeue lags behind the job: its logs already arrive.
			state = "STARTING (squeue still says PENDING)"
		}
		if s.Slurm.State != "PENDING" {
			state += " " + clockText(s.Elapsed(m.now()))
		}
	}
	stateStyle := st.Accent
	if s.Slurm.Ended && s.Slurm.State != "COMPLETED" {
		stateStyle = st.Error
	}
	// Parts in the order shown, each with its priority: on a narrow
	// screen the least needed go first, and the state with its elapsed
	// time is the last thing to go (the name is shortened in the middle).
	type part struct {
		text string
		keep int
	}
	var parts []part
	parts = append(parts, part{"", 9}) // the name, filled in below
	if s.Info.Cluster != "" {
		parts = append(parts, part{"cluster " + s.Info.Cluster, 2})
	}
	if s.Slurm.Node != "" {
		parts = append(parts, part{"node " + s.Slurm.Node, 1})
	}
	parts = append(parts, part{stateStyle.Render(state), 8})
	if s.Slurm.State == "PENDING" && s.Slurm.Reason != "" {
		parts = append(parts, part{"pending: " + s.Slurm.Reason, 3})
	}
	switch s.Info.Profiling {
	case "":
	case "none":
		parts = append(parts, part{st.Warn.Render("profiling: none"), 4})
	default:
		parts = append(parts, part{s.Info.Profiling + " profiling", 4})
	}
	sep := st.Muted.Render(" · ")
	id := " #" + s.Info.ID
	join := func(nameText string) string {
		var out []string
		for i, p := range parts {
			if i == 0 {
				out = append(out, st.Bold.Render(nameText)+id)
			} else if p.text != "" {
				out = append(out, p.text)
			}
		}
		return strings.Join(out, sep)
	}
	line := join(name)
	for level := 1; m.width > 0 && ansi.StringWidth(line) > m.width && level < 8; level++ {
		for i := range parts {
			if parts[i].keep == level {
				parts[i].text = ""
			}
		}
		line = join(name)
	}
	if over := ansi.StringWidth(line) - m.width; m.width > 0 && over > 0 {
		line = join(fitMiddle(name, max(ansi.StringWidth(name)-over, 5)))
	}
	return line
}

// hasOutput reports whether a pane shows any of the job's output.
func (m *Monitor) hasOutput() bool {
	for _, p := range m.panes {
		if len(p.Lines()) > 0 {
			return true
		}
	}
	return false
}

// clockSecondsFor is how long the elapsed time shows seconds; after that
// it shows minutes (and the header is redrawn less often).
const clockSecondsFor = 10 * time.Minute

func clockText(d time.Duration) string {
	d = d.Truncate(time.Second)
	h := int(d.Hours())
	if d >= clockSecondsFor {
		return fmt.Sprintf("%dh%02dm", h, int(d.Minutes())%60)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, int(d.Minutes())%60, int(d.Seconds())%60)
}

func (m *Monitor) bannerLine() string {
	st := m.ctx.Styles
	s := &m.status
	switch {
	case s.Conn.Lost && s.Conn.HostKey:
		return st.Error.Render("✘ ssh could not verify the host key of cluster "+s.Info.Cluster+": check the key before trusting it; r hands the terminal to ssh") +
			st.Muted.Render(" · srtctl-tui never skips this check · "+s.Conn.Err)
	case s.Conn.Lost && s.Conn.NeedsLogin:
		return st.Error.Render("⚠ ssh needs you to log in again: press r to reconnect") +
			st.Muted.Render(fmt.Sprintf(" · %s · still retrying without asking (attempt %d)", s.Conn.Err, s.Conn.Attempt))
	case s.Conn.Lost:
		return st.Warn.Render(fmt.Sprintf("⟳ reconnecting (attempt %d): %s", s.Conn.Attempt, s.Conn.Err)) +
			st.Muted.Render(" · panes keep their content and resume where they were")
	case s.Outcome == monitor.OutcomeFailed:
		return st.Error.Render("✘ FAILED: " + s.Reason)
	case s.Outcome == monitor.OutcomeCancelledByOther:
		return st.Error.Render("✘ CANCELLED by someone else: " + s.Reason)
	case s.Outcome == monitor.OutcomeCancelledByUs:
		return st.Muted.Render("job cancelled (" + s.Reason + ")")
	case s.Outcome == monitor.OutcomeTracesReady && s.Fetch.Finished && s.Fetch.Err == "" && !s.Slurm.Ended:
		return st.OK.Render("✔ traces fetched") + "  " + cancelHint(s)
	case s.Outcome == monitor.OutcomeTracesReady && s.Fetch.Finished && s.Fetch.Err == "":
		return st.OK.Render("✔ traces fetched") + "  job " + monitor.SlurmText(s.Slurm)
	case s.Outcome == monitor.OutcomeTracesReady && !s.Slurm.Ended:
		return st.OK.Render("✔ traces ready") + "  d fetch · " + cancelHint(s)
	case s.Outcome == monitor.OutcomeTracesReady:
		return st.OK.Render("✔ traces ready") + "  d fetch · job " + monitor.SlurmText(s.Slurm)
	case s.CancelRequested:
		return st.Warn.Render("cancelling job " + s.Info.ID + "…")
	case s.SlurmKnown && s.Slurm.State == "PENDING":
		reason := s.Slurm.Reason
		if reason == "" {
			reason = "no reason given"
		}
		return st.Warn.Render("waiting in the queue: " + reason)
	case m.closed || s.Ended:
		return st.Muted.Render("stopped following the job")
	}
	if m.today != nil {
		return m.todayBanner()
	}
	return st.Muted.Render("following " + safetext.Field(s.Info.LogDir))
}

func (m *Monitor) traceBox() []string {
	n := m.traceBoxHeight()
	if n == 0 {
		return nil
	}
	st := m.ctx.Styles
	var out []string
	for _, ph := range m.status.PhaseStreams() {
		for _, t := range m.status.Phases[ph].Traces {
			// A long path loses its middle, never its file name.
			size := humanize.IBytes(uint64(t.Size))
			room := m.width - ansi.StringWidth(fmt.Sprintf("  %-10s   %s", ph, size))
			out = append(out, m.fit(fmt.Sprintf("  %-10s %s  %s", ph, fitMiddle(m.shownTracePath(t.Path), room), st.Muted.Render(size))))
		}
	}
	if len(out) > maxTraceLines {
		more := len(out) - maxTraceLines
		hint := "d fetches them all"
		if m.fetched() {
			hint = "all fetched"
		}
		out = append(out[:maxTraceLines], st.Muted.Render(fmt.Sprintf("  … and %d more (%s)", more, hint)))
	}
	return out
}

func (m *Monitor) footerLine() string {
	st := m.ctx.Styles
	switch {
	case m.confirm != nil:
		return st.Warn.Render(m.confirm.prompt)
	case m.searching:
		return m.search.View()
	case m.status.Fetching:
		f := m.status.Fetch
		size := humanize.IBytes(uint64(f.Done))
		if f.Total > 0 {
			size += " / " + humanize.IBytes(uint64(f.Total))
			return "fetching traces → " + m.opt.FetchDir + "  " + m.bar.ViewAs(float64(f.Done)/float64(f.Total)) + "  " + size
		}
		return "fetching traces → " + m.opt.FetchDir + "  " + size
	case m.status.Fetch.Finished && m.status.Fetch.Err == "":
		// The directory loses its middle, not its end or the hint.
		size := " (" + humanize.IBytes(uint64(m.status.Fetch.Done)) + ")"
		room := m.width - ansi.StringWidth("traces fetched to "+size+m.fetchedHint)
		return st.OK.Render("traces fetched to "+fitMiddle(m.status.Fetch.LocalDir, room)+size) + m.fetchedHint
	}
	return ""
}

// fetched reports whether the traces were fetched without error.
func (m *Monitor) fetched() bool { return m.status.Fetch.Finished && m.status.Fetch.Err == "" }

// cancelHint offers c once the traces are ready, saying what becomes of the
// job without it.
func cancelHint(s *monitor.Status) string {
	if s.HoldsGPUs() {
		return "c cancel the job (it keeps its GPUs until its time limit)"
	}
	return "c cancel the job (otherwise it ends after the benchmark)"
}
