package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/monitor"
)

func TestRunPickerListsStateAndStageAndMovesTheCursor(t *testing.T) {
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Width: 140, Height: 20}
	p := NewRunPicker(ctx, "c1", []monitor.RunRow{
		{ID: "82", Name: "v2-agg", Dir: "/o/82", State: "RUNNING 1:02 on n1", Stage: "benchmark running: concurrency 4 (1 of 2)", ModTime: time.Now()},
		{ID: "81", Dir: "/o/81", State: "COMPLETED", Stage: "done", ModTime: time.Now().Add(-time.Hour)},
	})
	p.SetSize(140, 20)
	v := ansi.Strip(p.View())
	for _, want := range []string{"srtctl runs on cluster c1", "RUNNING 1:02 on n1 · benchmark running: concurrency 4 (1 of 2)", "COMPLETED · done"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if e := p.Entries()[p.cursor]; e.JobID != "81" || e.LogDir != "/o/81" || e.Cluster != "c1" {
		t.Errorf("cursor on %+v", e)
	}
}
