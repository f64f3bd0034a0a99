package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// SubmitFunc submits a saved job file; the review offers "Submit now?"
// after a save when it has one (by default the context's Clusters' submit
// target), and shows the srtctl apply command otherwise.
type SubmitFunc func(path string) tea.Cmd

// WizardScreen hosts the job form: one huh form over wizard.Values whose
// groups are the steps; Esc goes back a step, completing the form opens
// the review.
type WizardScreen struct {
	ctx   *Context
	wz    *wizard.Wizard
	host  *FormHost
	steps []wizard.Step
	w, h  int
	// confirm is set while "discard unsaved changes?" is asked; then is
	// what a yes does.
	confirm bool
	then    tea.Cmd
	// changed is set while "the file changed on disk" offers reload or
	// save-as; conflicts are the answers both sides changed (no reload
	// then), reloadErr why reading it again failed.
	changed   bool
	conflicts []string
	reloadErr string
	// jumped is set once Continue on the problems page went to the
	// first proposed fix's field.
	jumped bool
}

// reviewBackMsg returns from the review to the form's last step.
type reviewBackMsg struct{}

// OpenJob returns the screen for a wizard: the form, or the read-only view
// of a file the form cannot edit faithfully.
func OpenJob(ctx *Context, wz *wizard.Wizard) Component {
	if wz.ReadOnly {
		return NewReadOnlyScreen(ctx, wz)
	}
	return NewWizardScreen(ctx, wz)
}

// NewWizardScreen starts the form at its first step.
func NewWizardScreen(ctx *Context, wz *wizard.Wizard) *WizardScreen {
	s := &WizardScreen{ctx: ctx, wz: wz}
	s.build()
	return s
}

// Wizard returns the wizard the screen edits.
func (s *WizardScreen) Wizard() *wizard.Wizard { return s.wz }

func formTheme(ctx *Context) huh.Theme {
	if ctx.NoColor {
		return huh.ThemeFunc(huh.ThemeBase)
	}
	return huh.ThemeFunc(huh.ThemeCharm)
}

func (s *WizardScreen) build() {
	form, steps := s.wz.Form(formTheme(s.ctx))
	s.steps = steps
	s.host = NewFormHost("", form)
	s.host.OnDone = func(*huh.Form) tea.Cmd { return s.review() }
	s.host.OnEsc = func(f *huh.Form) tea.Cmd { return s.back() }
	if s.w > 0 {
		s.host.SetSize(s.w, s.formHeight())
	}
}

// Title names the job and the step, e.g. "new job · Step 3/5 Profiling".
func (s *WizardScreen) Title() string {
	st := s.CurrentStep()
	return fmt.Sprintf("%s · Step %d/%d %s", s.wz.FileName(), st.Number, wizard.StepCount, st.Title)
}

// CurrentStep is the step that has the focus.
func (s *WizardScreen) CurrentStep() wizard.Step {
	f := s.host.Form().GetFocusedField()
	for _, st := range s.steps {
		for _, sf := range st.Fields {
			if sf == f {
				return st
			}
		}
	}
	return s.steps[0]
}

// firstVisible reports whether the focus is on the first step shown.
func (s *WizardScreen) onFirstStep() bool {
	cur := s.CurrentStep()
	for _, st := range s.steps {
		if !st.Hidden() {
			return st.Key == cur.Key
		}
	}
	return true
}

func (s *WizardScreen) Init() tea.Cmd { return s.host.Init() }

func (s *WizardScreen) CapturesInput() bool { return !s.confirm && !s.changed }

// errorRows is kept free under the form: huh draws a field's validation
// error in the group's footer, below the height it was given.
const errorRows = 3

func (s *WizardScreen) formHeight() int {
	h := s.h - errorRows
	if s.confirm {
		h -= 3
	}
	if s.changed {
		h -= 6
	}
	return max(h, 1)
}

func (s *WizardScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.host.SetSize(w, s.formHeight())
}

// back is Esc: the previous step, or leaving the form from the first one.
func (s *WizardScreen) back() tea.Cmd {
	if !s.onFirstStep() {
		return s.host.Form().PrevGroup()
	}
	return s.leave(Pop)
}

// leave runs then, after asking when answers would be lost.
func (s *WizardScreen) leave(then tea.Cmd) tea.Cmd {
	if !s.wz.Dirty() {
		return then
	}
	s.confirm, s.then = true, then
	s.SetSize(s.w, s.h)
	return nil
}

// CanQuit asks before unsaved answers are lost.
func (s *WizardScreen) CanQuit() (bool, tea.Cmd) {
	if !s.wz.Dirty() || s.confirm {
		return !s.wz.Dirty(), nil
	}
	return false, s.leave(Quit(true))
}

func (s *WizardScreen) review() tea.Cmd {
	res, err := s.wz.Result()
	if errors.Is(err, jobspec.ErrChangedOnDisk) {
		// Not a loop back to an earlier field: say what happened and
		// offer the ways on.
		cmd := s.rebuildAtLast()
		s.changed = true
		s.conflicts, s.reloadErr = nil, ""
		s.SetSize(s.w, s.h)
		return cmd
	}
	if err != nil {
		// The answers are kept: rebuild the form at its last step.
		s.rebuildAtLast()
		return tea.Batch(s.host.Init(), Status("cannot review: "+err.Error(), true))
	}
	return Push(NewReviewScreen(s.ctx, s.wz, res))
}

// rebuildAtLast builds a new form (a completed one ignores input) and
// moves it to the last visible step.
func (s *WizardScreen) rebuildAtLast() tea.Cmd {
	s.build()
	f := s.host.Form()
	cmds := []tea.Cmd{f.Init()}
	last := ""
	for _, st := range s.steps {
		if !st.Hidden() {
			last = st.Key
		}
	}
	for i := 0; i < len(s.steps) && s.CurrentStep().Key != last; i++ {
		cmds = append(cmds, f.NextGroup())
	}
	return tea.Batch(cmds...)
}

func (s *WizardScreen) Update(msg tea.Msg) (Component, tea.Cmd) {
	if _, ok := msg.(reviewBackMsg); ok {
		return s, s.rebuildAtLast()
	}
	if s.changed {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			return s, s.updateChanged(k)
		}
	}
	if s.confirm {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			switch k.String() {
			case "y", "Y":
				s.confirm = false
				return s, s.then
			case "n", "N", "esc", "enter":
				s.confirm = false
				s.SetSize(s.w, s.h)
				return s, nil
			}
			return s, nil
		}
	}
	before := s.CurrentStep().Key
	_, cmd := s.host.Update(msg)
	if before == "problems" && s.CurrentStep().Key != before && !s.jumped {
		// Continue on the problems page goes to the field of the first
		// proposed fix rather than to step 1.
		s.jumped = true
		if props := s.wz.Proposals(); len(props) > 0 {
			cmd = tea.Batch(cmd, s.goTo(props[0].Step, props[0].Field))
		}
	}
	return s, cmd
}

// goTo moves the form to the field with key field in the step with key
// step (huh moves groups and fields synchronously; the commands returned
// are the fields' focus and refresh).
func (s *WizardScreen) goTo(step, field string) tea.Cmd {
	f := s.host.Form()
	var cmds []tea.Cmd
	for i := 0; i < len(s.steps) && s.CurrentStep().Key != step; i++ {
		cmds = append(cmds, f.NextGroup())
	}
	if s.CurrentStep().Key == step {
		for i := 0; i < len(s.CurrentStep().Fields) && f.GetFocusedField().GetKey() != field; i++ {
			cmds = append(cmds, f.NextField())
		}
	}
	return tea.Batch(cmds...)
}

func (s *WizardScreen) View() string {
	v := s.host.View()
	if s.changed {
		return lipgloss.JoinVertical(lipgloss.Left, s.changedBox(), v)
	}
	if !s.confirm {
		return v
	}
	st := s.ctx.Styles
	box := lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Render(
		st.Warn.Render("Unsaved changes") + "  Discard them and leave? " + st.Bold.Render("y") + " discard and leave · " +
			st.Bold.Render("n") + " keep editing")
	return lipgloss.JoinVertical(lipgloss.Left, box, v)
}

var (
	keyBackStep = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back a step"))
	keyYes      = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard and leave"))
	keyNo       = key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep editing"))
)

func (s *WizardScreen) KeyMap() help.KeyMap {
	if s.changed {
		if s.conflicts != nil || s.reloadErr != "" {
			return bindings{keySaveAs, keyKeepEditing, keyQuit}
		}
		return bindings{keyReload, keySaveAs, keyKeepEditing, keyQuit}
	}
	if s.confirm {
		return bindings{keyYes, keyNo, keyQuit}
	}
	b := []key.Binding{keyBackStep}
	for _, k := range s.host.Form().KeyBinds() {
		// huh calls Enter on the last field "submit"; here it opens the
		// review, and nothing is submitted until the review's y.
		if k.Help().Desc == "submit" {
			k.SetHelp(k.Help().Key, "review") // k is a copy: huh's keymap keeps its word
		}
		b = append(b, k)
	}
	return bindings(append(b, keyQuit))
}

// bindings is a flat help.KeyMap.
type bindings []key.Binding

func (b bindings) ShortHelp() []key.Binding  { return b }
func (b bindings) FullHelp() [][]key.Binding { return [][]key.Binding{b} }

var (
	keyReload      = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reload it, keep my answers"))
	keySaveAs      = key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "save mine as another file"))
	keyKeepEditing = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep editing"))
)

// changedBox says the file changed on disk and what each key does.
func (s *WizardScreen) changedBox() string {
	st := s.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Warn.Render(s.wz.FileName()+" changed on disk") + " since you opened it.\n")
	switch {
	case s.reloadErr != "":
		b.WriteString("Reading it again failed: " + s.reloadErr + "\n")
	case s.conflicts != nil:
		b.WriteString("Its new version also changes what you changed (" + strings.Join(s.conflicts, ", ") + "): it cannot be reloaded under your answers.\n")
	default:
		b.WriteString(st.Bold.Render("r") + " reload it and re-apply your answers (the review shows the result)\n")
	}
	b.WriteString(st.Bold.Render("a") + " save your version as another file · " + st.Bold.Render("esc") + " keep editing")
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Render(b.String())
}

func (s *WizardScreen) updateChanged(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "r":
		if s.conflicts != nil || s.reloadErr != "" {
			return nil
		}
		conflicts, err := s.wz.Reload()
		switch {
		case err != nil:
			s.reloadErr = err.Error()
			return nil
		case conflicts != nil:
			s.conflicts = conflicts
			return nil
		}
	case "a":
		s.wz.SaveAs()
	case "esc":
		s.changed = false
		s.SetSize(s.w, s.h)
		return nil
	default:
		return nil
	}
	s.changed = false
	s.SetSize(s.w, s.h)
	return s.review()
}
