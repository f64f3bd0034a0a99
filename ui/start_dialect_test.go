package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// The start screen opens a file that could be P1 or 1.0.x (a steps-only
// profiling section) as `edit` does: for the default cluster's srtctl,
// here from srtctl_version in its configuration (no connection), else as
// 1.0.x, and the form says which it assumed and why.
func TestStartScreenOpensAmbiguousFileForClusterSrtctl(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no srtctl learned before
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "job.yaml"), []byte(jobspectest.ValidV1Disagg2x2), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		clusters *Clusters
		want     jobspec.Dialect
		notice   string // "" : none (the P1 form says nothing)
	}{
		{"1.0.68 cluster", configuredClusters(t, "1.0.68"), jobspec.DialectV1, "it could be P1 or v1: assumed v1, the cluster's srtctl"},
		{"P1 cluster", configuredClusters(t, "p1"), jobspec.DialectP1, ""},
		{"no cluster", &Clusters{NoSubmit: "Submit now is not offered: no configuration"}, jobspec.DialectV1,
			"it could be P1 or v1: assumed v1 (no cluster srtctl known"},
		{"no clusters at all", nil, jobspec.DialectV1, "assumed v1 (no cluster srtctl known"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := &Context{Styles: NewStyles(true), NoColor: true, Clusters: c.clusters}
			s := NewStartScreen(ctx, dir)
			s.SetSize(200, 60)
			var cmd tea.Cmd
			var scr Component = s
			scr, _ = scr.Update(tea.KeyPressMsg{Code: tea.KeyDown})
			if !strings.Contains(s.View(), "> Edit job.yaml (p1 or v1)") {
				t.Fatalf("cursor not on the file:\n%s", s.View())
			}
			_, cmd = scr.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			if cmd == nil {
				t.Fatal("Enter on the file did nothing")
			}
			push, ok := opened(t, scr, cmd).(PushMsg)
			if !ok {
				t.Fatalf("Enter on the file: %T, want a pushed form", opened(t, scr, cmd))
			}
			ws, ok := push.Screen.(*WizardScreen)
			if !ok {
				t.Fatalf("pushed %T, want the form", push.Screen)
			}
			got := jobspec.DialectP1
			if ws.wz.T != nil {
				got = ws.wz.T.Dialect
			}
			if got != c.want || ws.wz.Detected.Dialect != c.want {
				t.Fatalf("opened as %s (detected %+v), want %s", got, ws.wz.Detected, c.want)
			}
			if c.notice == "" {
				if ws.wz.Notice != "" {
					t.Errorf("P1 form notice %q", ws.wz.Notice)
				}
				return
			}
			if !strings.Contains(ws.wz.Notice, "could be a P1 or a 1.0.x file") || !strings.Contains(ws.wz.Notice, c.notice) {
				t.Errorf("notice %q lacks %q", ws.wz.Notice, c.notice)
			}
		})
	}
}

// configuredClusters has one cluster, the default, whose configuration
// says which srtctl it runs.
func configuredClusters(t *testing.T, version string) *Clusters {
	t.Helper()
	cfg, err := runner.ParseConfig("clusters.yaml", []byte("default: far\nclusters:\n  - name: far\n    host: far.example.org\n    srtctl_root: /srt\n    srtctl_version: \""+version+"\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return &Clusters{Default: "far", Lookup: cfg.Cluster}
}

// In a real program loop: the form opened from the start screen says
// which srtctl it assumed for the file and why, before the first step.
func TestTeatestStartScreenSaysAssumedDialect(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "job.yaml"), []byte(jobspectest.ValidV1Disagg2x2), 0o644); err != nil {
		t.Fatal(err)
	}
	for want, cls := range map[string]*Clusters{
		"assumed v1, the cluster's srtctl":     configuredClusters(t, "1.0.68"),
		"assumed v1 (no cluster srtctl known)": {NoSubmit: "Submit now is not offered: no configuration"},
	} {
		ctx := &Context{Width: 220, Height: 40, Styles: NewStyles(true), NoColor: true, Clusters: cls}
		tm := teatest.NewTestModel(t, NewRoot(ctx, NewStartScreen(ctx, dir)), teatest.WithInitialTermSize(220, 40))
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Edit job.yaml")) },
			teatest.WithDuration(5*time.Second))
		tm.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			return bytes.Contains(b, []byte("it opens as 1.0.x")) && bytes.Contains(b, []byte(want))
		}, teatest.WithDuration(5*time.Second))
		tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
		if ws, ok := final.Top().(*WizardScreen); !ok || ws.Wizard().T == nil || ws.Wizard().T.Dialect != jobspec.DialectV1 {
			t.Fatalf("%s: top screen %T, want the 1.0.x form", want, final.Top())
		}
	}
}
