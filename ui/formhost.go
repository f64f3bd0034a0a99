package ui

import (
	"time"

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

	// huh moves the focus on Enter/Tab by a command whose message comes
	// back later: keys typed meanwhile (a fast typist, a paste, a loaded
	// machine) would still reach the field being left. While moving, keys
	// wait in held and are replayed once the focus has moved (or after
	// settleAfter, should the move never come).
	moving     bool
	movingFrom huh.Field
	held       []tea.Msg
	seq        int
}

// settleAfter bounds how long keys wait for a focus move.
const settleAfter = 500 * time.Millisecond

// settleMsg ends a wait for a focus move that did not come.
type settleMsg struct {
	host *FormHost
	seq  int
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
	switch m := msg.(type) {
	case settleMsg:
		if m.host != h || m.seq != h.seq || !h.moving {
			return h, nil
		}
		h.moving = false
		return h, h.replay()
	case tea.KeyPressMsg, tea.PasteMsg:
		if h.moving {
			h.held = append(h.held, msg)
			return h, nil
		}
	}
	cmd := h.handle(msg)
	if h.moving && (h.finished || h.form.GetFocusedField() != h.movingFrom) {
		h.moving = false
		cmd = tea.Batch(cmd, h.replay())
	}
	return h, cmd
}

// replay hands the held keys to the form in order, until one starts
// another move.
func (h *FormHost) replay() tea.Cmd {
	var cmds []tea.Cmd
	for len(h.held) > 0 && !h.moving {
		msg := h.held[0]
		h.held = h.held[1:]
		cmds = append(cmds, h.handle(msg))
	}
	return tea.Batch(cmds...)
}

// movesFocus are the keys with which huh's fields ask to move on.
func movesFocus(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "enter", "tab", "shift+tab":
		return true
	}
	return false
}

func (h *FormHost) handle(msg tea.Msg) tea.Cmd {
	if h.finished {
		return nil
	}
	k, isKey := msg.(tea.KeyPressMsg)
	if isKey && k.String() == "esc" && h.OnEsc != nil {
		return h.OnEsc(h.form)
	}
	from := h.form.GetFocusedField()
	m, cmd := h.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		h.form = f
	}
	if isKey && movesFocus(k) && cmd != nil && h.form.State == huh.StateNormal &&
		h.form.GetFocusedField() == from && from.Error() == nil {
		// The field accepted its value and asked to move: hold what
		// follows until the move arrives.
		h.moving, h.movingFrom = true, from
		h.seq++
		seq := h.seq
		cmd = tea.Batch(cmd, tea.Tick(settleAfter, func(time.Time) tea.Msg { return settleMsg{h, seq} }))
	}
	switch h.form.State {
	case huh.StateCompleted:
		h.finished = true
		if h.OnDone != nil {
			return tea.Batch(cmd, h.OnDone(h.form))
		}
	case huh.StateAborted:
		h.finished = true
		if h.OnAbort != nil {
			return tea.Batch(cmd, h.OnAbort(h.form))
		}
	}
	return cmd
}

func (h *FormHost) View() string { return h.form.View() }

// KeyMap exposes the form's own bindings in the footer.
func (h *FormHost) KeyMap() help.KeyMap { return formKeys{h.form.KeyBinds()} }

type formKeys struct{ binds []key.Binding }

func (k formKeys) ShortHelp() []key.Binding  { return k.binds }
func (k formKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.binds} }
