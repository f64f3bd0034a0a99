package ui

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Full-screen `new` on a cluster whose srtctl is not known: the first
// frame already says what it waits for (it used to ask before the program
// started, leaving the terminal blank), then the form for the srtctl the
// cluster named replaces it.
func TestTeatestNewJobFirstSaysItAsksThenOpensTheForm(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cls, count := slowSrtctl(t, "2.1.0")
	defer cls.Close()
	ctx := &Context{Width: 160, Height: 40, Styles: NewStyles(true), NoColor: true, Clusters: cls}
	first := NewJobFirst(ctx, cls.DefaultSession(), "")
	if _, ok := first.(*srtctlProbe); !ok {
		t.Fatalf("first screen %T, want the probe: the srtctl is not known yet", first)
	}
	if _, err := os.Stat(count); err == nil {
		t.Fatal("srtctl was asked before the program started")
	}
	tm := teatest.NewTestModel(t, NewRoot(ctx, first), teatest.WithInitialTermSize(160, 40))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("asking local which srtctl it runs")) },
		teatest.WithDuration(5*time.Second))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Step 1/")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	if len(final.screens) != 1 {
		t.Fatalf("%d screens, want the form in the probe's place", len(final.screens))
	}
	if got := formDialect(t, final.screens[0]); got != jobspec.DialectV2 {
		t.Errorf("form for %s, want 2.x (the cluster said 2.1.0)", got)
	}
	if b, _ := os.ReadFile(count); strings.Count(string(b), "x") != 1 {
		t.Errorf("srtctl asked %d times, want once", strings.Count(string(b), "x"))
	}
	// Known now (cached): the next `new` opens the form at once.
	if _, ok := NewJobFirst(ctx, cls.DefaultSession(), "").(*WizardScreen); !ok {
		t.Error("with the srtctl known, the first screen is not the form")
	}
}

// Esc while asking puts the question in the probe's place; the answer that
// arrives afterwards is for a screen no longer shown and changes nothing.
func TestNewJobProbeEscChoosesByHand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cls, _ := slowSrtctl(t, "1.0.68")
	defer cls.Close()
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Clusters: cls}
	p := NewJobFirst(ctx, cls.DefaultSession(), "job.yaml").(*srtctlProbe)
	if v := p.View(); !strings.Contains(v, "Esc: choose the srtctl yourself") {
		t.Fatalf("the probe does not say Esc skips the wait:\n%s", v)
	}
	_, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	r, ok := cmd().(ReplaceMsg)
	if !ok {
		t.Fatalf("Esc gave %T, want the question in the probe's place", cmd())
	}
	q, ok := r.Screen.(*SrtctlChoiceScreen)
	if !ok || q.target != "job.yaml" {
		t.Fatalf("Esc opened %T %+v, want the question for job.yaml", r.Screen, r.Screen)
	}
	if _, cmd := q.Update(probedMsg{p: p, screen: newJobForm(ctx, jobspec.DialectV1, "job.yaml")}); cmd != nil {
		t.Error("the late answer acted on the question")
	}
	other := &srtctlProbe{ctx: ctx}
	if _, cmd := p.Update(probedMsg{p: other}); cmd != nil {
		t.Error("a probe took another probe's answer")
	}
	form := newJobForm(ctx, jobspec.DialectV1, "job.yaml")
	if _, cmd := p.Update(probedMsg{p: p, screen: form}); cmd == nil || cmd().(ReplaceMsg).Screen != Component(form) {
		t.Error("the probe's own answer does not replace it")
	}
}
