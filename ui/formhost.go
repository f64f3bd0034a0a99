package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// FormHost makes a *huh.Form a Component: huh v2 forms are not tea.Models,
// and they move focus and evaluate dynamic fields through their own
// messages, so every message is forwarded and form.State is watched.
type FormHost struct {
	form   *huh.Form
	title  string
	width  int
	height int
	// OnDone runs once when the form completes; OnAbort when it is aborted.
	OnDone  func(*huh.Form) tea.Cmd
	OnAbort func(*huh.Form) tea.Cmd
	// OnEsc, when set, handles Esc (e.g. go back a step) instead of the form.
	OnEsc    func(*huh.Form) tea.Cmd
	finished bool
}

// NewFormHost wraps form. The form must not have been run.
func NewFormHost(title string, form *huh.Form) *FormHost {
	return &FormHost{form: form, title: title}
}

// Form returns the wrapped form.
func (h *FormHost) Form() *huh.Form { return h.form }

func (h *FormHost) Title() string { return h.title }

func (h *FormHost) Init() tea.Cmd { return h.form.Init() }

// CapturesInput: a form is always typing into some field.
func (h *FormHost) CapturesInput() bool { return true }

func (h *FormHost) SetSize(width, height int) {
	h.width, h.height = width, height
	h.form.WithWidth(width).WithHeight(height)
}

func (h *FormHost) Update(msg tea.Msg) (Component, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "esc" && h.OnEsc != nil {
		return h, h.OnEsc(h.form)
	}
	m, cmd := h.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		h.form = f
	}
	if h.finished {
		return h, cmd
	}
	switch h.form.State {
	case huh.StateCompleted:
		h.finished = true
		if h.OnDone != nil {
			return h, tea.Batch(cmd, h.OnDone(h.form))
		}
	case huh.StateAborted:
		h.finished = true
		if h.OnAbort != nil {
			return h, tea.Batch(cmd, h.OnAbort(h.form))
		}
	}
	return h, cmd
}

func (h *FormHost) View() string { return h.form.View() }

// KeyMap exposes the form's own bindings in the footer.
func (h *FormHost) KeyMap() help.KeyMap { return formKeys{h.form.KeyBinds()} }

type formKeys struct{ binds []key.Binding }

func (k formKeys) ShortHelp() []key.Binding  { return k.binds }
func (k formKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.binds} }
