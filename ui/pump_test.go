package ui

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pump drives a Root synchronously: each message's commands are run and
// their messages fed back until none is left. Commands that block (cursor
// blink ticks) are dropped after a short wait: they only animate.
type pump struct {
	t    *testing.T
	root *Root
	quit bool
}

func newPump(t *testing.T, first Component, w, h int) *pump {
	t.Helper()
	ctx := &Context{Width: w, Height: h, Styles: NewStyles(true), NoColor: true}
	p := &pump{t: t, root: NewRoot(ctx, first)}
	p.run(p.root.Init())
	p.send(tea.WindowSizeMsg{Width: w, Height: h})
	return p
}

func (p *pump) send(msg tea.Msg) {
	p.t.Helper()
	_, cmd := p.root.Update(msg)
	p.run(cmd)
}

func (p *pump) run(cmd tea.Cmd) {
	wave := []tea.Cmd{cmd}
	for n := 0; len(wave) > 0; n++ {
		if n > 2000 {
			p.t.Fatal("message loop does not settle")
		}
		var next []tea.Cmd
		for _, msg := range runWave(wave) {
			switch m := msg.(type) {
			case nil:
				continue
			case tea.BatchMsg:
				next = append(next, m...)
				continue
			case tea.QuitMsg:
				p.quit = true
				continue
			}
			// tea.Sequence's message type is unexported: a slice of
			// commands, run in order, now.
			if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
				for i := 0; i < v.Len(); i++ {
					p.run(v.Index(i).Interface().(tea.Cmd))
				}
				continue
			}
			_, c := p.root.Update(msg)
			next = append(next, c)
		}
		wave = next
	}
}

// runWave runs commands concurrently and returns their messages in order;
// one still running after the deadline (a blink or spinner tick) gives nil.
func runWave(cmds []tea.Cmd) []tea.Msg {
	out := make([]tea.Msg, len(cmds))
	done := make(chan struct{}, len(cmds))
	var mu sync.Mutex
	pending := 0
	for i, c := range cmds {
		if c == nil {
			continue
		}
		pending++
		go func() {
			m := c()
			mu.Lock()
			out[i] = m
			mu.Unlock()
			done <- struct{}{}
		}()
	}
	deadline := time.After(60 * time.Millisecond)
	for ; pending > 0; pending-- {
		select {
		case <-done:
		case <-deadline:
			pending = 0
		}
		if pending == 0 {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	res := make([]tea.Msg, len(out))
	copy(res, out)
	for i := range out {
		out[i] = nil // late results are ignored
	}
	return res
}

func (p *pump) key(k string) {
	p.t.Helper()
	p.send(keyMsg(k))
}

func (p *pump) typeText(s string) {
	for _, r := range s {
		p.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

func (p *pump) view() string { return ansi.Strip(p.root.View().Content) }

func (p *pump) mustSee(texts ...string) {
	p.t.Helper()
	v := p.view()
	for _, s := range texts {
		if !strings.Contains(v, s) {
			p.t.Fatalf("screen lacks %q:\n%s", s, v)
		}
	}
}
