package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

type fakeScreen struct {
	name        string
	w, h        int
	allowQuit   bool
	askedToQuit int
	typing      bool
	lastKey     string
}

func (f *fakeScreen) Init() tea.Cmd            { return nil }
func (f *fakeScreen) SetSize(w, h int)         { f.w, f.h = w, h }
func (f *fakeScreen) View() string             { return "screen " + f.name }
func (f *fakeScreen) Title() string            { return f.name }
func (f *fakeScreen) CapturesInput() bool      { return f.typing }
func (f *fakeScreen) KeyMap() help.KeyMap      { return fakeKeys{} }
func (f *fakeScreen) CanQuit() (bool, tea.Cmd) { f.askedToQuit++; return f.allowQuit, nil }
func (f *fakeScreen) Update(msg tea.Msg) (Component, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		f.lastKey = k.String()
	}
	return f, nil
}

type fakeKeys struct{}

func (fakeKeys) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "do x"))}
}
func (fakeKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "do x")),
		key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "do y"))}}
}

func send(t *testing.T, r *Root, msg tea.Msg) tea.Msg {
	t.Helper()
	_, cmd := r.Update(msg)
	if cmd == nil {
		return nil
	}
	return cmd()
}

func TestRootSizesScreensBelowItsChrome(t *testing.T) {
	a := &fakeScreen{name: "a"}
	r := NewRoot(&Context{Styles: NewStyles(true), NoColor: true}, a)
	send(t, r, tea.WindowSizeMsg{Width: 100, Height: 30})
	if a.w != 100 || a.h != 30-3 {
		t.Fatalf("screen got %dx%d, want 100x27", a.w, a.h)
	}
	view := ansi.Strip(r.View().Content)
	if got := strings.Count(view, "\n") + 1; got != 30 {
		t.Fatalf("view has %d rows, want 30:\n%s", got, view)
	}
	if !strings.Contains(view, "do x") {
		t.Fatalf("help footer missing:\n%s", view)
	}
}

func TestRootStackPushPopReplace(t *testing.T) {
	a, b, c := &fakeScreen{name: "a"}, &fakeScreen{name: "b"}, &fakeScreen{name: "c"}
	r := NewRoot(&Context{Styles: NewStyles(true), Width: 80, Height: 24}, a)
	send(t, r, PushMsg{Screen: b})
	if r.Top() != b || b.h == 0 {
		t.Fatalf("push: top=%v size=%d", r.Top(), b.h)
	}
	send(t, r, ReplaceMsg{Screen: c})
	if r.Top() != c {
		t.Fatal("replace did not swap the top screen")
	}
	send(t, r, PopMsg{})
	if r.Top() != a {
		t.Fatal("pop did not return to the first screen")
	}
	if msg := send(t, r, PopMsg{}); msg == nil {
		t.Fatal("popping the last screen should ask to quit")
	}
}

func TestRootAsksScreenBeforeQuitting(t *testing.T) {
	a := &fakeScreen{name: "a"}
	r := NewRoot(&Context{Styles: NewStyles(true), Width: 80, Height: 24}, a)
	msg := send(t, r, tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	if _, ok := msg.(QuitMsg); !ok {
		t.Fatalf("ctrl+c gave %T, want QuitMsg", msg)
	}
	if m := send(t, r, msg); m != nil {
		t.Fatalf("a screen that refuses to quit still quit: %T", m)
	}
	if a.askedToQuit != 1 {
		t.Fatalf("screen asked %d times", a.askedToQuit)
	}
	a.allowQuit = true
	if _, ok := send(t, r, QuitMsg{Message: "bye", Code: 3}).(tea.QuitMsg); !ok {
		t.Fatal("allowed quit did not end the program")
	}
	if r.ExitMessage != "bye" || r.ExitCode != 3 {
		t.Fatalf("exit message/code not kept: %q %d", r.ExitMessage, r.ExitCode)
	}
}

func TestRootHelpToggleLeavesTypingScreensAlone(t *testing.T) {
	a := &fakeScreen{name: "a", typing: true}
	r := NewRoot(&Context{Styles: NewStyles(true), Width: 80, Height: 24}, a)
	send(t, r, tea.KeyPressMsg{Code: '?', Text: "?"})
	if r.fullHelp || a.lastKey != "?" {
		t.Fatalf("typing screen lost '?': full=%v last=%q", r.fullHelp, a.lastKey)
	}
	a.typing = false
	send(t, r, tea.KeyPressMsg{Code: '?', Text: "?"})
	if !r.fullHelp || !strings.Contains(ansi.Strip(r.View().Content), "do y") {
		t.Fatal("? did not show the full help")
	}
}
