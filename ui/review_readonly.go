package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// ReadOnlyScreen shows a file the form cannot edit faithfully (another
// srtctl dialect): why, and what its own dialect's rules say about it.
type ReadOnlyScreen struct {
	ctx *Context
	wz  *wizard.Wizard
	vp  viewport.Model
}

// NewReadOnlyScreen shows wz's file read-only.
func NewReadOnlyScreen(ctx *Context, wz *wizard.Wizard) *ReadOnlyScreen {
	s := &ReadOnlyScreen{ctx: ctx, wz: wz, vp: viewport.New()}
	return s
}

func (s *ReadOnlyScreen) Title() string { return s.wz.FileName() + " · read-only" }

func (s *ReadOnlyScreen) Init() tea.Cmd { return nil }

func (s *ReadOnlyScreen) SetSize(w, h int) {
	s.vp.SetWidth(w)
	s.vp.SetHeight(h)
	s.vp.SetContent(s.body(w))
}

func (s *ReadOnlyScreen) body(width int) string {
	st := s.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Warn.Render("Opened read-only") + "\n\n")
	b.WriteString(ansi.Wordwrap(s.wz.Notice, max(width-1, 20), " ") + "\n\n")
	doc := s.wz.Base()
	findings := doc.Validate()
	b.WriteString(st.Bold.Render(fmt.Sprintf("Checked with its own dialect's rules (%s):", doc.Dialect())) + "\n")
	if len(findings) == 0 {
		b.WriteString("  " + st.OK.Render("no problems") + "\n")
	}
	for _, f := range findings {
		b.WriteString(ansi.Wordwrap(fmt.Sprintf("  %s %d:%d %s", f.Severity, f.Line, f.Col, f.Message), max(width-1, 20), " ") + "\n")
	}
	return b.String()
}

func (s *ReadOnlyScreen) Update(msg tea.Msg) (Component, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "q", "esc", "enter":
			return s, Pop
		}
	}
	var cmd tea.Cmd
	s.vp, cmd = s.vp.Update(msg)
	return s, cmd
}

func (s *ReadOnlyScreen) View() string { return s.vp.View() }

func (s *ReadOnlyScreen) KeyMap() help.KeyMap { return bindings{keyScroll, keyDone} }
