package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// burst hands the messages to the root one after another before any of
// their commands runs, as a paste or a fast typist on a loaded machine
// does, then runs the commands.
func (p *pump) burst(msgs ...tea.Msg) {
	p.t.Helper()
	var cmds []tea.Cmd
	for _, m := range msgs {
		_, c := p.root.Update(m)
		cmds = append(cmds, c)
	}
	p.run(tea.Batch(cmds...))
}

func keys(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// Keys typed right after Enter land in the next field, never in the one
// being left, even when they arrive before huh's focus move (seen as a
// pasted "my-prof" becoming "my-profd").
func TestKeysAfterEnterReachTheNextField(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 80, 24)
	p.send(tea.PasteMsg{Content: "my-prof"})
	msgs := append([]tea.Msg{keyMsg("enter")}, keys("/models/d")...)
	msgs = append(msgs, keyMsg("enter"))
	msgs = append(msgs, keys("/c.sqsh")...)
	p.burst(msgs...)
	v := ws.Wizard().V
	if v.Name != "my-prof" || v.ModelPath != "/models/d" || v.Container != "/c.sqsh" {
		t.Fatalf("name %q, model %q, container %q", v.Name, v.ModelPath, v.Container)
	}
	// A refused Enter moves nothing: what follows stays in the field.
	p.burst(keyMsg("enter"))
	p.mustSee("Precision")
}

// An Enter the field refuses (empty required answer) holds nothing back:
// the keys that follow are typed into that same field.
func TestKeysAfterRefusedEnterStayInTheField(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.NewJob())
	p := newPump(t, ws, 80, 24)
	p.burst(append([]tea.Msg{keyMsg("enter")}, keys("job")...)...)
	if got := ws.Wizard().V.Name; got != "job" {
		t.Fatalf("name %q", got)
	}
	if ws.host.moving || len(ws.host.held) > 0 {
		t.Fatal("keys still held after a refused Enter")
	}
}
