package ui

import (
	tea "charm.land/bubbletea/v2"
)

// login is r: when ssh needs the user to reconnect, the screen steps
// aside and ssh gets the terminal for its own prompts (Login, the same
// handover as the first connection); the engine keeps retrying without
// asking meanwhile. When the connection is only lost, r retries now.
func (m *Monitor) login() tea.Cmd {
	conn := m.status.Conn
	switch {
	case !conn.Lost:
		return Status("Connected: nothing to log in to.", false)
	case m.loggingIn:
		return nil
	case !conn.NeedsLogin:
		m.redial()
		return Status("Retrying the connection now.", false)
	case m.opt.Login == nil:
		return Status("This screen cannot hand the terminal to ssh: quit, then run "+m.opt.Reattach+" on a terminal to log in again.", true)
	}
	m.loggingIn = true
	return m.opt.exec(m.opt.Login(), func(err error) tea.Msg { return monitorLoginDoneMsg{err: err} })
}

// loginDone runs when the terminal is back: on success the engine redials
// on the new master at once and every pane resumes from its offset.
func (m *Monitor) loginDone(err error) tea.Cmd {
	m.loggingIn = false
	if err != nil {
		return Status("ssh did not log in ("+firstLine(err.Error())+"): press r to try again.", true)
	}
	m.redial()
	return Status("Logged in again: reconnecting; the panes resume where they were.", false)
}

func (m *Monitor) redial() {
	if r, ok := m.opt.Engine.(Redialer); ok {
		r.Redial()
	}
}
