package ui

import (
	"charm.land/bubbles/v2/key"
)

// MonitorKeys are the monitor screen's keys; they implement help.KeyMap.
type MonitorKeys struct {
	NextPane, Up, Down, PageUp, PageDown, Top, Bottom, Left, Right key.Binding
	Search, NextMatch, PrevMatch                                   key.Binding
	Wrap, Zoom, Log, Cancel, Fetch, Quit                           key.Binding
	// Login hands the terminal to ssh to log in again; the footer shows
	// it only while a reconnect needs the user.
	Login key.Binding
}

// DefaultMonitorKeys are the bindings the footer shows.
func DefaultMonitorKeys() MonitorKeys {
	return MonitorKeys{
		NextPane:  key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "switch pane")),
		Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up (pauses follow)")),
		Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
		Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "end, follow")),
		Left:      key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "scroll left")),
		Right:     key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "scroll right")),
		Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		NextMatch: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch: key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Wrap:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap")),
		Zoom:      key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom pane")),
		Log:       key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "log.out")),
		Cancel:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "cancel job")),
		Fetch:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "fetch traces")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit (job keeps running)")),
		Login:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "log in again (ssh)")),
	}
}

// ShortHelp is the one-line footer.
func (k MonitorKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Login, k.NextPane, k.Bottom, k.Search, k.Log, k.Fetch, k.Cancel, k.Quit}
}

// FullHelp is the footer after "?".
func (k MonitorKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextPane, k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Top, k.Bottom, k.Left, k.Right, k.Wrap},
		{k.Search, k.NextMatch, k.PrevMatch, k.Zoom, k.Log},
		{k.Fetch, k.Cancel, k.Login, k.Quit},
	}
}

// confirmKeys are the keys while a confirmation is open.
type confirmKeys struct{ Yes, No key.Binding }

func (k confirmKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Yes, k.No} }
func (k confirmKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// searchKeys are the keys while typing a search.
type searchKeys struct{ Apply, Cancel key.Binding }

func (k searchKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Apply, k.Cancel} }
func (k searchKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
