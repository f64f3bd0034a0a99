package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// opened runs the command Enter gave on the start screen scr and hands
// its result back to scr, as the program loop does: what comes out is
// what opening came to (a pushed screen, a status).
func opened(t *testing.T, scr Component, cmd tea.Cmd) tea.Msg {
	t.Helper()
	m, ok := cmd().(startOpenedMsg)
	if !ok {
		t.Fatalf("opening gave %T, want it back through the start screen", m)
	}
	_, next := scr.Update(m)
	if next == nil {
		t.Fatal("the start screen dropped what opening came to")
	}
	return next()
}

// formDialect is the srtctl the form on screen c is for.
func formDialect(t *testing.T, c Component) jobspec.Dialect {
	t.Helper()
	ws, ok := c.(*WizardScreen)
	if !ok {
		t.Fatalf("screen %T, want the form", c)
	}
	if ws.wz.T == nil {
		return jobspec.DialectP1
	}
	return ws.wz.T.Dialect
}

// "New job" on the start screen follows `new`: the form for the default
// cluster's srtctl when it is known (here srtctl_version in the
// configuration: no connection), else the question which srtctl, newest
// first, whose answer opens that form.
func TestStartScreenNewJobForClusterSrtctl(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no srtctl learned before
	for _, c := range []struct {
		name string
		cls  *Clusters
		want jobspec.Dialect // "": the question
	}{
		{"2.x cluster", configuredClusters(t, "2.1.0"), jobspec.DialectV2},
		{"1.0.68 cluster", configuredClusters(t, "1.0.68"), jobspec.DialectV1},
		{"P1 cluster", configuredClusters(t, "p1"), jobspec.DialectP1},
		{"no cluster", &Clusters{NoSubmit: "Submit now is not offered: no configuration"}, ""},
		{"no clusters at all", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := &Context{Styles: NewStyles(true), NoColor: true, Clusters: c.cls}
			var scr Component = NewStartScreen(ctx, t.TempDir())
			scr.SetSize(120, 40)
			if !strings.Contains(scr.View(), "> New job") {
				t.Fatalf("cursor not on New job:\n%s", scr.View())
			}
			_, cmd := scr.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			if cmd == nil {
				t.Fatal("Enter on New job did nothing")
			}
			push, ok := opened(t, scr, cmd).(PushMsg)
			if !ok {
				t.Fatal("New job pushed nothing")
			}
			if c.want != "" {
				if got := formDialect(t, push.Screen); got != c.want {
					t.Fatalf("new job form for %s, want %s", got, c.want)
				}
				return
			}
			q, ok := push.Screen.(*SrtctlChoiceScreen)
			if !ok {
				t.Fatalf("pushed %T, want the srtctl question", push.Screen)
			}
			v := q.View()
			i2, i1, ip1 := strings.Index(v, "> srtctl 2.x"), strings.Index(v, "  srtctl 1.0.x"), strings.Index(v, "  srtctl P1")
			if !strings.Contains(v, SrtctlQuestion) || i2 < 0 || i1 < i2 || ip1 < i1 {
				t.Fatalf("question not newest first with 2.x chosen:\n%s", v)
			}
			for _, a := range []struct {
				downs int
				want  jobspec.Dialect
			}{{0, jobspec.DialectV2}, {1, jobspec.DialectV1}, {2, jobspec.DialectP1}} {
				var q Component = &SrtctlChoiceScreen{ctx: ctx}
				for range a.downs {
					q.Update(tea.KeyPressMsg{Code: tea.KeyDown})
				}
				_, cmd := q.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
				r, ok := cmd().(ReplaceMsg)
				if !ok {
					t.Fatalf("answer %d: %T, want the form in the question's place", a.downs, cmd())
				}
				if got := formDialect(t, r.Screen); got != a.want {
					t.Errorf("answer %d opened the form for %s, want %s", a.downs, got, a.want)
				}
			}
			if _, cmd := q.Update(tea.KeyPressMsg{Code: tea.KeyEscape}); cmd == nil || cmd() != (PopMsg{}) {
				t.Error("Esc does not leave the question")
			}
		})
	}
}

// While the default cluster's srtctl is being asked (it is not known: no
// srtctl_version, nothing cached), the start screen says so and Enter does
// nothing, for a file, another file and a new job alike; once opening
// ends the line goes and Enter works again.
func TestStartScreenSaysItAsksSrtctlAndIgnoresEnter(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cfg, err := runner.ParseConfig("clusters.yaml", []byte("default: far\nclusters:\n  - name: far\n    host: far.example.org\n    srtctl_root: /srt\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "job.yaml"), []byte("model: {path: m}\nresources: {gpu_type: h100}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const asking = "asking far's srtctl version…"
	for _, c := range []struct {
		name  string
		downs int
		path  string // typed on the "another file" prompt
	}{{"new job", 0, ""}, {"file", 1, ""}, {"another file", 2, filepath.Join(dir, "job.yaml")}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := &Context{Styles: NewStyles(true), NoColor: true, Clusters: &Clusters{Default: "far", Lookup: cfg.Cluster}}
			s := NewStartScreen(ctx, dir)
			s.SetSize(120, 40)
			for range c.downs {
				s.Update(tea.KeyPressMsg{Code: tea.KeyDown})
			}
			_, cmd := s.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			if c.path != "" {
				for _, r := range c.path {
					s.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				}
				_, cmd = s.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			}
			if cmd == nil {
				t.Fatal("Enter opened nothing")
			}
			if !strings.Contains(s.View(), asking) {
				t.Fatalf("no %q while opening:\n%s", asking, s.View())
			}
			// The command is not run: it would connect to far.example.org.
			if _, again := s.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); again != nil {
				t.Fatal("a second Enter while asking opens again")
			}
			_, next := s.Update(startOpenedMsg{next: StatusMsg{Text: "done"}})
			if next == nil || next() != (StatusMsg{Text: "done"}) {
				t.Fatal("what opening came to was not passed on")
			}
			if strings.Contains(s.View(), asking) {
				t.Fatalf("%q stays after opening ended:\n%s", asking, s.View())
			}
			if c.path == "" {
				if _, cmd := s.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); cmd == nil {
					t.Fatal("Enter does nothing after opening ended")
				}
			}
		})
	}
}

// slowSrtctl is a local cluster whose srtctl answers --version after a
// second, as a remote one may, counting how often it was asked in count.
func slowSrtctl(t *testing.T, version string) (cls *Clusters, count string) {
	t.Helper()
	dir := t.TempDir()
	count = filepath.Join(dir, "count")
	script := filepath.Join(dir, "srtctl")
	body := "#!/bin/sh\necho x >> '" + count + "'\nsleep 1\necho 'srtctl " + version + "'\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	cl := runner.Cluster{Name: "local", Local: true, SrtctlRoot: dir, Srtctl: []string{script}}
	return &Clusters{Default: "local", Lookup: func(string) (runner.Cluster, error) { return cl, nil }}, count
}

// In a real program loop: New job on the start screen shows the status
// line while the cluster's srtctl is asked, a second Enter meanwhile opens
// nothing more (the unit test above shows it is ignored), and the form is
// the one for the srtctl the cluster named, asked once.
func TestTeatestStartScreenNewJobAsksClusterSrtctlOnce(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cls, count := slowSrtctl(t, "2.1.0")
	defer cls.Close()
	ctx := &Context{Width: 160, Height: 40, Styles: NewStyles(true), NoColor: true, Clusters: cls}
	tm := teatest.NewTestModel(t, NewRoot(ctx, NewStartScreen(ctx, t.TempDir())), teatest.WithInitialTermSize(160, 40))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("New job")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("asking local's srtctl version…")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Step 1/")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	if len(final.screens) != 2 {
		t.Fatalf("%d screens, want the start screen and one form", len(final.screens))
	}
	if got := formDialect(t, final.Top()); got != jobspec.DialectV2 {
		t.Fatalf("form for %s, want 2.x (the cluster's srtctl)", got)
	}
	if b, err := os.ReadFile(count); err != nil || bytes.Count(b, []byte("x")) != 1 {
		t.Fatalf("srtctl asked %q times (%v), want once", b, err)
	}
}

// The question's reason wraps at the screen's width instead of being cut
// (at 80 columns it lost "(--srtctl, or srtctl_version ...)").
func TestSrtctlQuestionWrapsAt80Columns(t *testing.T) {
	q := &SrtctlChoiceScreen{ctx: &Context{Styles: NewStyles(true), NoColor: true}}
	q.SetSize(80, 24)
	v := q.View()
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a line of %d cells: %q", w, l)
		}
	}
	if got := strings.Join(strings.Fields(v), " "); !strings.Contains(got, SrtctlQuestionWhy) {
		t.Errorf("the reason is not all there:\n%s", v)
	}
}
