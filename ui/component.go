package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Component is a screen or a part of one. The root model owns the program
// loop; components only update themselves and render a string of exactly the
// size they were given.
type Component interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (Component, tea.Cmd)
	View() string
	// SetSize is called with the space the component may draw in, after
	// every resize and when it is pushed.
	SetSize(width, height int)
	// KeyMap is the component's keys for the help footer.
	KeyMap() help.KeyMap
}

// Titled components name themselves in the root's title bar.
type Titled interface {
	Title() string
}

// Quitter is implemented by screens that need a say before the program ends
// (unsaved changes, a running download). Confirmed quits skip the check.
type Quitter interface {
	// CanQuit reports whether the program may quit now; when not, the
	// component shows its own confirmation and returns the command for it.
	CanQuit() (ok bool, cmd tea.Cmd)
}

// Background is a screen that keeps working while another is on top of it:
// the monitor follows its job under the summary. The root hands it the
// messages it owns (its own event, clock and refresh messages) wherever it
// is in the stack; every other message goes to the top screen only.
type Background interface {
	OwnsMsg(msg tea.Msg) bool
}

// Push replaces nothing: it puts a screen on top of the stack.
type PushMsg struct{ Screen Component }

// Pop removes the top screen; popping the last one quits.
type PopMsg struct{}

// Replace swaps the top screen for another (a step that does not come back).
type ReplaceMsg struct{ Screen Component }

// ResetMsg makes Screen the only screen: a step after which nothing below
// makes sense any more (the submitted job's monitor replaces the form).
type ResetMsg struct{ Screen Component }

// QuitMsg asks the root to end the program; Force skips Quitter checks.
// Message is printed after the terminal is restored (e.g. how to re-attach);
// Code is the process exit code.
type QuitMsg struct {
	Force   bool
	Message string
	Code    int
}

// StatusMsg shows a one-line message under the screen until the next one.
type StatusMsg struct {
	Text  string
	Error bool
}

// Push returns a command that pushes screen.
func Push(screen Component) tea.Cmd { return func() tea.Msg { return PushMsg{Screen: screen} } }

// Pop returns a command that pops the top screen.
func Pop() tea.Msg { return PopMsg{} }

// Replace returns a command that replaces the top screen.
func Replace(screen Component) tea.Cmd { return func() tea.Msg { return ReplaceMsg{Screen: screen} } }

// Reset returns a command that makes screen the only one.
func Reset(screen Component) tea.Cmd { return func() tea.Msg { return ResetMsg{Screen: screen} } }

// Quit returns a command that asks the root to quit.
func Quit(force bool) tea.Cmd { return func() tea.Msg { return QuitMsg{Force: force} } }

// QuitWith returns a command that quits at once, printing message afterwards.
func QuitWith(message string, code int) tea.Cmd {
	return func() tea.Msg { return QuitMsg{Force: true, Message: message, Code: code} }
}

// InputCapturer is implemented by screens that are typing text right now, so
// the root leaves printable keys such as "?" and "q" to them.
type InputCapturer interface {
	CapturesInput() bool
}

// Status returns a command that shows text in the status line. The text
// often quotes a cluster (an error with a remote path, ssh's reason), so it
// is made one safe line here, whoever built it.
func Status(text string, isError bool) tea.Cmd {
	text = safetext.Field(text)
	return func() tea.Msg { return StatusMsg{Text: text, Error: isError} }
}
