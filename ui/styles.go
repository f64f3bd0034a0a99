package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles are the few looks every screen shares, so that "error" or "muted"
// mean the same thing everywhere.
type Styles struct {
	Title     lipgloss.Style
	Simulated lipgloss.Style
	Muted     lipgloss.Style
	Bold      lipgloss.Style
	OK        lipgloss.Style
	Warn      lipgloss.Style
	Error     lipgloss.Style
	Accent    lipgloss.Style
	// Pane and FocusedPane frame the monitor's panes.
	Pane        lipgloss.Style
	FocusedPane lipgloss.Style
	StatusBar   lipgloss.Style
}

// NewStyles returns the styles, without colour when noColor is set.
func NewStyles(noColor bool) Styles {
	s := Styles{
		Title:       lipgloss.NewStyle().Bold(true),
		Simulated:   lipgloss.NewStyle().Bold(true).Reverse(true),
		Muted:       lipgloss.NewStyle().Faint(true),
		Bold:        lipgloss.NewStyle().Bold(true),
		OK:          lipgloss.NewStyle().Bold(true),
		Warn:        lipgloss.NewStyle().Bold(true),
		Error:       lipgloss.NewStyle().Bold(true),
		Accent:      lipgloss.NewStyle().Bold(true),
		Pane:        lipgloss.NewStyle().Border(lipgloss.NormalBorder()),
		FocusedPane: lipgloss.NewStyle().Border(lipgloss.ThickBorder()),
		StatusBar:   lipgloss.NewStyle(),
	}
	if noColor {
		return s
	}
	s.Title = s.Title.Foreground(lipgloss.Color("12"))
	s.Simulated = lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("0")).Background(lipgloss.Color("11"))
	s.OK = s.OK.Foreground(lipgloss.Color("10"))
	s.Warn = s.Warn.Foreground(lipgloss.Color("11"))
	s.Error = s.Error.Foreground(lipgloss.Color("9"))
	s.Accent = s.Accent.Foreground(lipgloss.Color("14"))
	s.Pane = s.Pane.BorderForeground(lipgloss.Color("8"))
	s.FocusedPane = s.FocusedPane.BorderForeground(lipgloss.Color("12"))
	return s
}
