package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
)

func (m *Monitor) handleKey(k tea.KeyPressMsg) tea.Cmd {
	if m.confirm != nil {
		c := m.confirm
		m.confirm = nil
		if k.String() == "y" {
			return c.yes()
		}
		return Status(c.no, false)
	}
	if m.searching {
		return m.searchKey(k)
	}
	if cmd, ok := m.todayKey(k); ok {
		return cmd
	}
	p := m.focusedPane()
	keys := m.keys
	switch {
	case key.Matches(k, keys.Quit):
		return m.quit()
	case key.Matches(k, keys.NextPane):
		m.cycleFocus(k.String() == "shift+tab")
	case key.Matches(k, keys.Log):
		if m.focus == monitor.StreamLog {
			m.focus = m.lastPhase
		} else {
			m.focus = monitor.StreamLog
		}
		m.layout()
	case key.Matches(k, keys.Zoom):
		m.zoom = !m.zoom
		m.layout()
	case key.Matches(k, keys.Wrap):
		on := !p.Wrapped()
		for _, q := range m.panes {
			q.SetWrap(on)
		}
	case key.Matches(k, keys.Up):
		p.ScrollUp(1)
	case key.Matches(k, keys.Down):
		p.ScrollDown(1)
	case key.Matches(k, keys.PageUp):
		p.PageUp()
	case key.Matches(k, keys.PageDown):
		p.PageDown()
	case key.Matches(k, keys.Top):
		p.Top()
	case key.Matches(k, keys.Bottom):
		p.Bottom()
	case key.Matches(k, keys.Left):
		p.ScrollLeft()
	case key.Matches(k, keys.Right):
		p.ScrollRight()
	case key.Matches(k, keys.Search):
		m.searching = true
		m.search.SetValue("")
		return m.search.Focus()
	case key.Matches(k, keys.NextMatch):
		if p.Query() == "" {
			return Status("No search: press / first.", false)
		}
		p.NextMatch()
	case key.Matches(k, keys.PrevMatch):
		p.PrevMatch()
	case key.Matches(k, keys.Cancel):
		return m.askCancel()
	case key.Matches(k, keys.Fetch):
		return m.fetch()
	case key.Matches(k, keys.Login):
		return m.login()
	}
	return nil
}

func (m *Monitor) searchKey(k tea.KeyPressMsg) tea.Cmd {
	p := m.focusedPane()
	if p == nil {
		m.searching = false
		return nil
	}
	switch k.String() {
	case "enter":
		m.searching = false
		m.search.Blur()
		q := m.search.Value()
		n := p.Search(q)
		switch {
		case q == "":
			return Status("Search cleared.", false)
		case n == 0:
			return Status(fmt.Sprintf("No match for %q in this pane.", q), false)
		}
		what := fmt.Sprintf("%d matches", n)
		if n == 1 {
			what = "1 match"
		}
		return Status(fmt.Sprintf("%s for %q: n next, N previous, G back to following.", what, q), false)
	case "esc":
		m.searching = false
		m.search.Blur()
		p.Search("")
		return nil
	}
	var cmd tea.Cmd
	m.search, cmd = m.search.Update(k)
	return cmd
}

func (m *Monitor) cycleFocus(back bool) {
	order := append(append([]monitor.Stream{}, m.status.PhaseStreams()...), monitor.StreamLog)
	i := 0
	for j, s := range order {
		if s == m.focus {
			i = j
		}
	}
	step := 1
	if back {
		step = len(order) - 1
	}
	m.focus = order[(i+step)%len(order)]
	if m.focus != monitor.StreamLog {
		m.lastPhase = m.focus
	}
	m.layout()
}

func (m *Monitor) jobGone() bool {
	return m.status.Slurm.Ended || m.status.Outcome == monitor.OutcomeCancelledByUs ||
		m.status.Outcome == monitor.OutcomeCancelledByOther
}

func (m *Monitor) askCancel() tea.Cmd {
	id := m.status.Info.ID
	switch {
	case m.jobGone():
		return Status("Job "+id+" has already ended.", false)
	case m.status.CancelRequested:
		return Status("Cancel already sent; waiting for SLURM.", false)
	case m.opt.Engine == nil:
		return Status("Not connected.", true)
	}
	prompt := fmt.Sprintf("Cancel job %s? It stops profiling and frees its GPUs.", id)
	if m.status.Outcome == monitor.OutcomeTracesReady {
		prompt = fmt.Sprintf("Cancel job %s? Its traces are ready; cancelling frees its GPUs.", id)
	}
	m.confirm = &confirmation{
		prompt: prompt + "  y: cancel the job · any other key: keep it running",
		yes: func() tea.Cmd {
			m.opt.Engine.Cancel(context.Background())
			return Status("Cancelling job "+id+"…", false)
		},
		no: "Not cancelled: job " + id + " keeps running.",
	}
	return nil
}

func (m *Monitor) fetch() tea.Cmd {
	switch {
	case m.status.Fetching:
		return Status("A download is already running.", false)
	case len(m.status.TracePaths()) == 0:
		return Status("No traces to fetch yet.", false)
	case m.opt.Engine == nil:
		return Status("Not connected.", true)
	}
	if err := m.opt.Engine.Fetch(context.Background(), m.opt.FetchDir); err != nil {
		return Status(err.Error(), true)
	}
	m.status.Fetching = true
	m.bar.SetPercent(0)
	return Status("Fetching traces into "+m.opt.FetchDir+"…", false)
}
