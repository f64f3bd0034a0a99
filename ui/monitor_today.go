package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
)

// A today's run (monitor.LayoutToday) shares the monitor screen with P1
// jobs: header, banner, traces, footer and keys are the same; its panes
// are todayPanes, and the banner says its stage.

// focusedPane is the pane the scroll and search keys act on (nil while a
// today's slot waits for its log).
func (m *Monitor) focusedPane() *Pane {
	if m.today != nil {
		return m.today.focused()
	}
	return m.panes[m.focus]
}

// todayKey handles the keys a today's run uses differently: the log list
// while it is open, tab between slots, l for the list, w for every pane.
func (m *Monitor) todayKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	t := m.today
	if t == nil {
		return nil, false
	}
	if t.picker.open {
		if name := t.picker.key(k, t.logs); name != "" {
			t.put(name)
			m.focusLogs()
		}
		return nil, true
	}
	switch {
	case key.Matches(k, m.keys.NextPane):
		t.cycle(k.String() == "shift+tab")
	case key.Matches(k, m.keys.Log):
		t.picker.open = true
		if name := t.slots[t.focus]; name != "" {
			for i, l := range t.logs {
				if l.Name == name {
					t.picker.cursor = i
				}
			}
		}
	case key.Matches(k, m.keys.Wrap):
		on := true
		if p := t.focused(); p != nil {
			on = !p.Wrapped()
		}
		t.setWrap(on)
	case key.Matches(k, m.keys.Zoom):
	default:
		if m.focusedPane() == nil && isPaneKey(m.keys, k) {
			return nil, true
		}
		return nil, false
	}
	return nil, true
}

// isPaneKey: k acts on the focused pane.
func isPaneKey(keys MonitorKeys, k tea.KeyPressMsg) bool {
	for _, b := range []key.Binding{keys.Up, keys.Down, keys.PageUp, keys.PageDown, keys.Top, keys.Bottom,
		keys.Left, keys.Right, keys.Search, keys.NextMatch, keys.PrevMatch} {
		if key.Matches(k, b) {
			return true
		}
	}
	return false
}

// monitorEventsMsg carries the events that were waiting together: a
// today's run has a log per worker, and one poll finds lines in several;
// each message costs the screen a redraw.
type monitorEventsMsg struct{ evs []monitor.Event }

// maxEventBatch bounds one monitorEventsMsg.
const maxEventBatch = 64

// listenBatch waits for an event and takes those already waiting with it.
func listenBatch(ch <-chan monitor.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return monitorClosedMsg{}
		}
		evs := []monitor.Event{ev}
		for len(evs) < maxEventBatch {
			select {
			case ev, ok := <-ch:
				if !ok {
					return monitorEventsMsg{evs}
				}
				evs = append(evs, ev)
				continue
			default:
			}
			break
		}
		return monitorEventsMsg{evs}
	}
}

// LogFocuser is an engine that reads the logs a screen shows more often
// than the others; *monitor.Engine is one.
type LogFocuser interface{ FocusLogs(names []string) }

// focusLogs tells the engine which logs the panes show now.
func (m *Monitor) focusLogs() {
	if f, ok := m.opt.Engine.(LogFocuser); ok && m.today != nil {
		var names []string
		for _, n := range m.today.slots[:m.today.slotCount()] {
			if n != "" {
				names = append(names, n)
			}
		}
		f.FocusLogs(names)
	}
}

// todayEvent feeds the today's panes; it reports whether the layout changed.
func (m *Monitor) todayEvent(ev monitor.Event) (tea.Cmd, bool) {
	if m.today == nil {
		return nil, false
	}
	switch ev := ev.(type) {
	case monitor.LogEvent:
		m.today.lines(ev)
		// A pane's new lines are drawn once the batch they came in is
		// handled (monitorEventsMsg); a hidden log's are kept for later.
		return nil, false
	case monitor.LogFoundEvent:
		m.today.found(ev.Logs)
		return nil, true
	case monitor.BenchEvent:
		return nil, true
	}
	return nil, false
}

// todayRows are the rows above a today's panes: the benchmark results.
func (m *Monitor) todayRows() []string {
	if m.today == nil {
		return nil
	}
	if l := benchLine(m.ctx.Styles, m.status.Today.Bench); l != "" {
		return []string{m.fit(l)}
	}
	return nil
}

// todayBanner is the stage of a today's run, when nothing more urgent is
// to be said.
func (m *Monitor) todayBanner() string {
	st := m.ctx.Styles
	sw := m.status.Today.Sweep
	text := "stage: " + m.status.StageText(m.now())
	if sw.Line != "" {
		text += st.Muted.Render(" · " + sw.Line)
	}
	return text
}

// shownTracePath is a trace's path as the trace box shows it: below the
// run directory for a today's run (its absolute path is long and the same
// up to there for every file).
func (m *Monitor) shownTracePath(p string) string {
	if m.today == nil {
		return p
	}
	return strings.TrimPrefix(p, strings.TrimSuffix(m.status.Info.LogDir, "/")+"/")
}
