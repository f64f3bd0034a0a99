package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// NewJobFirst is NewJob as a program's first screen (full-screen `new`):
// when the cluster's srtctl must be asked over SSH, the screen says so at
// once, with a spinner and Esc to choose the srtctl without waiting,
// instead of holding the terminal blank until the answer (up to the
// connection timeout on a slow login node).
func NewJobFirst(ctx *Context, s *Session, target string) Component {
	if s == nil || s.SrtctlKnown() {
		return NewJob(ctx, s, target)
	}
	p := &srtctlProbe{ctx: ctx, session: s, target: target, spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	return p
}

// srtctlProbe waits for NewJob's answer; it is replaced by it (or, on Esc,
// by the question).
type srtctlProbe struct {
	ctx     *Context
	session *Session
	target  string
	spin    spinner.Model
}

// probedMsg is NewJob's answer for the probe p; once the user chose by
// hand, p is no longer on screen and the answer is dropped.
type probedMsg struct {
	p      *srtctlProbe
	screen Component
}

func (p *srtctlProbe) Title() string    { return "new job" }
func (p *srtctlProbe) SetSize(int, int) {}
func (p *srtctlProbe) KeyMap() help.KeyMap {
	return bindings{keyChooseSrtctl}
}

var keyChooseSrtctl = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "choose the srtctl yourself"))

func (p *srtctlProbe) Init() tea.Cmd {
	ctx, s, target := p.ctx, p.session, p.target
	return tea.Batch(p.spin.Tick, func() tea.Msg { return probedMsg{p: p, screen: NewJob(ctx, s, target)} })
}

func (p *srtctlProbe) Update(msg tea.Msg) (Component, tea.Cmd) {
	switch msg := msg.(type) {
	case probedMsg:
		if msg.p == p {
			return p, Replace(msg.screen)
		}
	case spinner.TickMsg:
		var cmd tea.Cmd
		p.spin, cmd = p.spin.Update(msg)
		return p, cmd
	case tea.KeyPressMsg:
		if key.Matches(msg, keyChooseSrtctl) {
			return p, Replace(&SrtctlChoiceScreen{ctx: p.ctx, target: p.target})
		}
	}
	return p, nil
}

func (p *srtctlProbe) View() string {
	st := p.ctx.Styles
	name := safetext.Line(p.session.Cluster().Name)
	return p.spin.View() + " asking " + st.Bold.Render(name) + " which srtctl it runs, to write the job for it…\n\n" +
		st.Muted.Render("Esc: choose the srtctl yourself")
}
