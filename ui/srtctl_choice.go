package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// SrtctlChoice is one answer to "which srtctl is this job for?".
type SrtctlChoice struct {
	Dialect jobspec.Dialect
	Label   string
}

// SrtctlChoices are the srtctl versions a new job can be for, newest
// first (P3 files are written as P1 by the form): `new`'s question, plain
// or full-screen, and the start screen's all list these.
var SrtctlChoices = []SrtctlChoice{
	{jobspec.DialectV2, "srtctl 2.x    schema: 2, roles and engine (from September 2026)"},
	{jobspec.DialectV1, "srtctl 1.0.x  steps-only profiling, traffic from the benchmark (2026)"},
	{jobspec.DialectP1, "srtctl P1     profiling traffic per phase (December 2025)"},
}

// SrtctlQuestion and SrtctlQuestionWhy are how the question is put.
const (
	SrtctlQuestion    = "Which srtctl is this job for?"
	SrtctlQuestionWhy = "No cluster's srtctl is known (--srtctl, or srtctl_version in the cluster configuration, skips this)."
)

// NewJob is the first screen of a new job (saved to target, "": a name
// the user gives), for full-screen `new` and the start screen's "New job"
// alike: the form for the srtctl of s's cluster when it is known
// (Session.Dialect: configuration, cache, else asked over a BatchMode
// connection), else the question which srtctl the job is for. s may be
// nil (no cluster).
func NewJob(ctx *Context, s *Session, target string) Component {
	if d := s.Dialect(); d != "" {
		return newJobForm(ctx, d, target)
	}
	return &SrtctlChoiceScreen{ctx: ctx, target: target}
}

func newJobForm(ctx *Context, d jobspec.Dialect, target string) *WizardScreen {
	wz := wizard.NewJobFor(d)
	wz.Target = target
	return NewWizardScreen(ctx, wz)
}

// SrtctlChoiceScreen asks which srtctl a new job is for, then replaces
// itself with that form. It starts on the newest.
type SrtctlChoiceScreen struct {
	ctx    *Context
	target string
	cursor int
	width  int
}

func (s *SrtctlChoiceScreen) Title() string    { return "new job" }
func (s *SrtctlChoiceScreen) Init() tea.Cmd    { return nil }
func (s *SrtctlChoiceScreen) SetSize(w, _ int) { s.width = w }
func (s *SrtctlChoiceScreen) KeyMap() help.KeyMap {
	return bindings{keyUp, keyDown, keyChoose, keyCancel}
}

func (s *SrtctlChoiceScreen) Update(msg tea.Msg) (Component, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return s, nil
	}
	n := len(SrtctlChoices)
	switch {
	case key.Matches(k, keyUp):
		s.cursor = (s.cursor + n - 1) % n
	case key.Matches(k, keyDown):
		s.cursor = (s.cursor + 1) % n
	case key.Matches(k, keyCancel):
		return s, Pop
	case key.Matches(k, keyChoose):
		return s, Replace(newJobForm(s.ctx, SrtctlChoices[s.cursor].Dialect, s.target))
	}
	return s, nil
}

func (s *SrtctlChoiceScreen) View() string {
	st := s.ctx.Styles
	var b strings.Builder
	why := SrtctlQuestionWhy
	if s.width > 0 {
		why = ansi.Wordwrap(why, s.width, " ")
	}
	b.WriteString(st.Bold.Render(SrtctlQuestion) + "\n" + why + "\n\n")
	for i, c := range SrtctlChoices {
		if i == s.cursor {
			b.WriteString(st.Accent.Render("> "+c.Label) + "\n")
		} else {
			b.WriteString("  " + c.Label + "\n")
		}
	}
	return b.String()
}
