package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Root is the program's only tea.Model: it owns the screen stack, the shared
// context, the status line and the help footer.
type Root struct {
	ctx      *Context
	screens  []Component
	help     help.Model
	fullHelp bool
	status   StatusMsg
	// ExitMessage and ExitCode are what the last QuitMsg asked for; the
	// caller prints and returns them once the program has ended.
	ExitMessage string
	ExitCode    int
	quitting    bool
}

// NewRoot returns a root model showing first.
func NewRoot(ctx *Context, first Component) *Root {
	h := help.New()
	if !ctx.NoColor {
		h.Styles = help.DefaultDarkStyles()
	}
	r := &Root{ctx: ctx, screens: []Component{first}, help: h}
	return r
}

// Context returns the shared context.
func (r *Root) Context() *Context { return r.ctx }

// Top returns the screen on top of the stack (nil once all are gone).
func (r *Root) Top() Component {
	if len(r.screens) == 0 {
		return nil
	}
	return r.screens[len(r.screens)-1]
}

// Init starts the first screen.
func (r *Root) Init() tea.Cmd { return r.Top().Init() }

var (
	keyQuit = key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
	keyHelp = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more keys"))
	// keyFewer is how the full help says "?" closes it.
	keyFewer = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "fewer keys"))
)

// Update routes messages: window size and quit handling here, the rest to
// the top screen.
func (r *Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.ctx.Width, r.ctx.Height = msg.Width, msg.Height
		r.resize()
		// Forms size themselves from this message too: forward it.
		return r, r.updateTop(msg)
	case PushMsg:
		r.screens = append(r.screens, msg.Screen)
		r.resize()
		return r, msg.Screen.Init()
	case ReplaceMsg:
		if len(r.screens) > 0 {
			r.screens[len(r.screens)-1] = msg.Screen
		} else {
			r.screens = []Component{msg.Screen}
		}
		r.resize()
		return r, msg.Screen.Init()
	case ResetMsg:
		r.screens = []Component{msg.Screen}
		r.resize()
		return r, msg.Screen.Init()
	case PopMsg:
		if len(r.screens) <= 1 {
			return r, Quit(true)
		}
		r.screens = r.screens[:len(r.screens)-1]
		r.resize()
		return r, nil
	case QuitMsg:
		if !msg.Force {
			if q, ok := r.Top().(Quitter); ok {
				if can, cmd := q.CanQuit(); !can {
					return r, cmd
				}
			}
		}
		r.ExitMessage, r.ExitCode = msg.Message, msg.Code
		r.quitting = true
		return r, tea.Quit
	case StatusMsg:
		r.status = msg
		return r, nil
	case tea.KeyPressMsg:
		r.status = StatusMsg{}
		if key.Matches(msg, keyQuit) {
			return r, Quit(false)
		}
		if key.Matches(msg, keyHelp) && !r.topCapturesInput() {
			r.fullHelp = !r.fullHelp
			r.resize()
			return r, nil
		}
	}
	if cmd, ok := r.updateBackground(msg); ok {
		return r, cmd
	}
	return r, r.updateTop(msg)
}

// updateBackground hands msg to the screen below the top that owns it,
// if any (see Background).
func (r *Root) updateBackground(msg tea.Msg) (tea.Cmd, bool) {
	for i := len(r.screens) - 2; i >= 0; i-- {
		if b, ok := r.screens[i].(Background); ok && b.OwnsMsg(msg) {
			next, cmd := r.screens[i].Update(msg)
			r.screens[i] = next
			return cmd, true
		}
	}
	return nil, false
}

func (r *Root) topCapturesInput() bool {
	c, ok := r.Top().(InputCapturer)
	return ok && c.CapturesInput()
}

func (r *Root) updateTop(msg tea.Msg) tea.Cmd {
	top := r.Top()
	if top == nil {
		return nil
	}
	next, cmd := top.Update(msg)
	r.screens[len(r.screens)-1] = next
	return cmd
}

// chromeHeight is the rows the root itself draws: title, status, help.
func (r *Root) chromeHeight() int {
	return 2 + lipgloss.Height(r.helpView())
}

func (r *Root) resize() {
	h := r.ctx.Height - r.chromeHeight()
	if h < 1 {
		h = 1
	}
	for _, s := range r.screens {
		s.SetSize(r.ctx.Width, h)
	}
}

func (r *Root) helpView() string {
	top := r.Top()
	if top == nil {
		return ""
	}
	r.help.SetWidth(r.ctx.Width)
	km := top.KeyMap()
	if km == nil {
		return ""
	}
	short, full := km.ShortHelp(), km.FullHelp()
	// "?" is offered where it shows more than the footer does.
	more := !r.topCapturesInput() && countEnabled(full...) > countEnabled(short)
	if r.fullHelp {
		if more {
			full = append(full, []key.Binding{keyFewer})
		}
		return wrapHelp(full, r.ctx.Width, r.help.Styles)
	}
	if more {
		short = append(short[:len(short):len(short)], keyHelp)
	}
	return wrapHelp([][]key.Binding{short}, r.ctx.Width, r.help.Styles)
}

func (r *Root) titleView() string {
	st := r.ctx.Styles
	title := "srtctl-tui"
	if t, ok := r.Top().(Titled); ok && t.Title() != "" {
		title += " · " + t.Title()
	}
	badge := ""
	if r.ctx.Simulated {
		badge = "  " + st.Simulated.Render(" SIMULATED CLUSTER ")
	}
	if r.ctx.Width > 0 {
		// A long file name must not wrap the title onto a second row.
		title = fitMiddle(title, r.ctx.Width-ansi.StringWidth(badge))
	}
	return st.Title.Render(title) + badge
}

// fitMiddle shortens s to width cells by cutting its middle, where a long
// path usually is, keeping how it starts and ends.
func fitMiddle(s string, width int) string {
	n := ansi.StringWidth(s)
	if n <= width || width < 5 {
		return s
	}
	head := (width - 1) / 2
	tail := width - 1 - head
	return ansi.Cut(s, 0, head) + "…" + ansi.Cut(s, n-tail, n)
}

// View draws title, screen, status line and help footer.
func (r *Root) View() tea.View {
	if r.quitting || r.Top() == nil {
		return tea.NewView("")
	}
	var b strings.Builder
	b.WriteString(r.titleView())
	b.WriteByte('\n')
	h := max(r.ctx.Height-r.chromeHeight(), 1)
	// Pin the footer to the bottom whatever the screen drew.
	b.WriteString(lipgloss.NewStyle().Height(h).MaxHeight(h).Render(r.Top().View()))
	b.WriteByte('\n')
	if r.status.Text != "" {
		st := r.ctx.Styles.Muted
		if r.status.Error {
			st = r.ctx.Styles.Error
		}
		text := r.status.Text
		if r.ctx.Width > 0 {
			text = ansi.Truncate(text, r.ctx.Width, "…") // one row, and say it was cut
		}
		b.WriteString(st.Render(text))
	}
	b.WriteByte('\n')
	b.WriteString(r.helpView())
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.WindowTitle = "srtctl-tui"
	return v
}

// countEnabled counts the distinct enabled keys of the groups.
func countEnabled(groups ...[]key.Binding) int {
	seen := map[string]bool{}
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() && b.Help().Key != "" {
				seen[b.Help().Key] = true
			}
		}
	}
	return len(seen)
}
