package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

var todayTestInfo = monitor.JobInfo{ID: "81", Name: "v1-2p2d", Cluster: "testc", LogDir: "/home/a/outputs/81", Layout: monitor.LayoutToday}

func todayTestMonitor(t *testing.T, w, h int) *Monitor {
	t.Helper()
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Width: w, Height: h}
	m := NewMonitor(ctx, todayTestInfo, MonitorOptions{Engine: monNewFakeEngine(), FetchDir: "/tmp/fetch"})
	m.now = func() time.Time { return time.Date(2026, 12, 7, 5, 0, 10, 0, time.UTC) }
	m.SetSize(w, h)
	monFeed(m, monitor.JobInfoEvent{Info: todayTestInfo}, monitor.LogFoundEvent{Logs: []tail.LogFile{
		{Name: "sweep_81.log", Kind: tail.LogSweep}, {Name: "benchmark.out", Kind: tail.LogBenchmark}}})
	return m
}

func worker(mode string, i int, node string) tail.LogFile {
	return tail.LogFile{Name: node + "_" + mode + "_w" + string(rune('0'+i)) + ".out", Kind: tail.LogWorker, Mode: mode, Worker: i, Node: node}
}

func TestTodayPanesShowFirstPrefillAndDecodeSideBySide(t *testing.T) {
	m := todayTestMonitor(t, 120, 30)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "waiting for the first prefill worker's log") ||
		!strings.Contains(v, "waiting for the first decode worker's log") {
		t.Fatalf("empty slots do not say what they wait for:\n%s", v)
	}
	// The logs appear late, decode first.
	monFeed(m, monitor.LogFoundEvent{Logs: []tail.LogFile{worker("decode", 0, "n3"), worker("prefill", 1, "n2"), worker("prefill", 0, "n1")}},
		monitor.LogEvent{Log: worker("prefill", 0, "n1"), Lines: []string{"prefill says hello"}},
		monitor.LogEvent{Log: worker("decode", 0, "n3"), Lines: []string{"decode says hello"}},
		monitor.LogEvent{Log: worker("prefill", 1, "n2"), Lines: []string{"second prefill, hidden"}},
		monitor.StageEvent{Sweep: tail.SweepState{Stage: tail.SweepHealth, Detail: "have 1 of 2 prefills, 0 of 2 decodes", Line: "Model is not ready"}})
	v := ansi.Strip(m.View())
	var both bool
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "prefill says hello") && strings.Contains(l, "decode says hello") {
			both = true
		}
	}
	if !both || strings.Contains(v, "second prefill, hidden") {
		t.Errorf("want the first prefill and first decode side by side:\n%s", v)
	}
	if !strings.Contains(v, "stage: waiting for health: have 1 of 2 prefills, 0 of 2 decodes") {
		t.Errorf("no stage in the banner:\n%s", v)
	}
	// l lists every log; enter puts the chosen one in the focused pane.
	m.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
	v = ansi.Strip(m.View())
	for _, want := range []string{"sweep_81.log", "benchmark.out", "n1_prefill_w0.out", "n2_prefill_w1.out", "n3_decode_w0.out"} {
		if !strings.Contains(v, want) {
			t.Errorf("log list lacks %s:\n%s", want, v)
		}
	}
	// The list starts on the focused pane's log (prefill w0); the next is w1.
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	m.Update(monitorRefreshMsg{})
	if v = ansi.Strip(m.View()); !strings.Contains(v, "second prefill, hidden") || strings.Contains(v, "prefill says hello") {
		t.Errorf("the chosen log is not in the focused pane:\n%s", v)
	}
	// Results as they land.
	monFeed(m, monitor.BenchEvent{Results: []tail.BenchResult{{Concurrency: 4, OutputThroughput: 423.96, TTFT: 153, TPOT: 8.68}}})
	if v = ansi.Strip(m.View()); !strings.Contains(v, "results c=4 424 tok/s TTFT 153 ms TPOT 8.68 ms") {
		t.Errorf("no results line:\n%s", v)
	}
	if lines := strings.Split(m.View(), "\n"); len(lines) > 30 {
		t.Errorf("view is %d lines in a 30-line terminal", len(lines))
	}
}

func TestTodayPanesGridOfFourWhenWide(t *testing.T) {
	m := todayTestMonitor(t, 170, 40)
	monFeed(m, monitor.LogFoundEvent{Logs: []tail.LogFile{worker("prefill", 0, "n1"), worker("decode", 0, "n2")}},
		monitor.LogEvent{Log: tail.LogFile{Name: "sweep_81.log", Kind: tail.LogSweep}, Lines: []string{"SWEEP LINE"}},
		monitor.LogEvent{Log: tail.LogFile{Name: "benchmark.out", Kind: tail.LogBenchmark}, Lines: []string{"BENCH LINE"}},
		monitor.LogEvent{Log: worker("prefill", 0, "n1"), Lines: []string{"PREFILL LINE"}},
		monitor.LogEvent{Log: worker("decode", 0, "n2"), Lines: []string{"DECODE LINE"}})
	v := ansi.Strip(m.View())
	rowOf := map[string]int{}
	for i, l := range strings.Split(v, "\n") {
		for _, w := range []string{"SWEEP LINE", "BENCH LINE", "PREFILL LINE", "DECODE LINE"} {
			if strings.Contains(l, w) {
				rowOf[w] = i
			}
		}
	}
	if len(rowOf) != 4 || rowOf["PREFILL LINE"] != rowOf["DECODE LINE"] || rowOf["SWEEP LINE"] != rowOf["BENCH LINE"] ||
		rowOf["SWEEP LINE"] <= rowOf["PREFILL LINE"] {
		t.Errorf("want a 2×2 grid (workers on top, sweep and benchmark below), rows %v:\n%s", rowOf, v)
	}
	for _, l := range strings.Split(m.View(), "\n") {
		if w := ansi.StringWidth(l); w > 170 {
			t.Fatalf("line %d cells wide: %q", w, l)
		}
	}
}

func TestTodayPanesAggShowsWorkerAndBenchmark(t *testing.T) {
	m := todayTestMonitor(t, 120, 30)
	monFeed(m, monitor.LogFoundEvent{Logs: []tail.LogFile{worker("agg", 0, "n1")}},
		monitor.LogEvent{Log: worker("agg", 0, "n1"), Lines: []string{"AGG LINE"}},
		monitor.LogEvent{Log: tail.LogFile{Name: "benchmark.out", Kind: tail.LogBenchmark}, Lines: []string{"BENCH LINE"}})
	v := ansi.Strip(m.View())
	ok := false
	for _, l := range strings.Split(v, "\n") {
		ok = ok || (strings.Contains(l, "AGG LINE") && strings.Contains(l, "BENCH LINE"))
	}
	if !ok {
		t.Errorf("want the agg worker and benchmark.out side by side:\n%s", v)
	}
}
