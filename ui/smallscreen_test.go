package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/monitor"
)

// At 80x24 every key the monitor offers stays on screen: the footer wraps
// into more rows instead of cutting q, c, d; the "?" overlay lists each key
// once; the header keeps the elapsed time however long the job's name.
func TestMonitorAt80x24ShowsEveryKey(t *testing.T) {
	m, _ := monNewTestMonitor(t, 80, 24)
	info := monTestInfo
	info.Name = "a-very-long-job-name-for-a-deepseek-r1-profiling-run-on-gb200"
	monFeed(m, monitor.JobInfoEvent{Info: info})
	r := NewRoot(&Context{Styles: NewStyles(true), NoColor: true, Width: 80, Height: 24}, m)
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	view := func() string { return ansi.Strip(r.View().Content) }
	v := view()
	for _, want := range []string{"tab switch pane", "G end, follow", "/ search", "l log.out", "d fetch traces", "c cancel job",
		"q quit (job keeps running)", "? more keys", "RUNNING 00:00:15"} {
		if !strings.Contains(v, want) {
			t.Errorf("80x24 lacks %q:\n%s", want, v)
		}
	}
	for i, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("row %d is %d wide: %q", i, w, l)
		}
	}
	if n := len(strings.Split(v, "\n")); n > 24 {
		t.Errorf("%d rows on a 24-row screen", n)
	}
	r.Update(keyMsg("?"))
	v = view()
	keys := DefaultMonitorKeys()
	for _, g := range keys.FullHelp() {
		for _, b := range g {
			if b.Enabled() && b.Help().Key != "r" && !strings.Contains(v, b.Help().Key+" "+b.Help().Desc) {
				t.Errorf("? overlay lacks %q:\n%s", b.Help().Key+" "+b.Help().Desc, v)
			}
		}
	}
	if strings.Count(v, "N ") > 1 || strings.Contains(v, "n/N") {
		t.Errorf("N listed twice:\n%s", v)
	}
}

// A trace path too long for the row loses its middle, not its file name;
// after the fetch the banner no longer offers d.
func TestMonitorTracePathsAndFetchedBanner(t *testing.T) {
	m, _ := monNewTestMonitor(t, 80, 24)
	long := "/lustre/fsw/coreai_devtech_all/users/someone/srtctl/outputs/1234_1P_1D/profiles/decode/17-TP-0.trace.json.gz"
	for _, ph := range []monitor.Stream{monitor.StreamPrefill, monitor.StreamDecode} {
		monFeed(m, monitor.PhaseEvent{Stream: ph, State: monitor.PhaseState{Status: monitor.PhaseCompleted}},
			monitor.TracesEvent{Stream: ph, Traces: []monitor.Trace{{Path: strings.Replace(long, "decode", ph.String(), 1), Size: 3 << 20, Complete: true}}})
	}
	v := monScreen(m)
	if !strings.Contains(v, "17-TP-0.trace.json.gz") || !strings.Contains(v, "/lustre/fsw/") || !strings.Contains(v, "…") {
		t.Fatalf("trace path not shortened in the middle:\n%s", v)
	}
	msgs := monFeed(m, monitor.FetchEvent{LocalDir: "/tmp/fetch", Done: 3 << 20, Total: 3 << 20, Finished: true})
	if v := monScreen(m); !strings.Contains(v, "traces fetched") || strings.Contains(v, "d fetch") {
		t.Fatalf("banner after the fetch:\n%s", v)
	}
	// The status line's "Fetching traces into …" ends with the fetch.
	if !slices.Contains(msgs, tea.Msg(StatusMsg{})) {
		t.Errorf("the status line is not cleared after the fetch: %v", msgs)
	}
}

// squeue says PENDING while the job's logs already arrive: the header
// does not claim it is still waiting.
func TestMonitorHeaderNotPendingWithOutput(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m, monitor.SlurmEvent{Job: monitor.JobState{State: "PENDING", Reason: "Resources"}})
	if v := monScreen(m); !strings.Contains(v, "PENDING") {
		t.Fatalf("no output yet, header:\n%s", v)
	}
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{"loading model"}})
	if h := strings.SplitN(monScreen(m), "\n", 2)[0]; !strings.Contains(h, "STARTING") {
		t.Fatalf("header with output arriving: %q", h)
	}
}

// One match is "1 match".
func TestMonitorSearchSaysOneMatch(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{"alpha", "needle", "beta"}})
	monPress(m, "/")
	msgs := monPress(m, "n", "e", "e", "d", "l", "e", "enter")
	if got := fmt.Sprint(msgs); !strings.Contains(got, `1 match for "needle"`) {
		t.Fatalf("status: %s", got)
	}
}

// The start screen lines the job names up in a column and ends a name too
// long for the row in "…".
func TestStartScreenAlignsJobNames(t *testing.T) {
	dir := t.TempDir()
	for name, job := range map[string]string{"a.yaml": "short", "much-longer-file-name.yaml": strings.Repeat("very-long-job-name-", 6)} {
		src := strings.Replace(jobspectest.ValidP1Disagg, `name: "t"`, `name: "`+job+`"`, 1)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := newPump(t, NewStartScreen(&Context{Styles: NewStyles(true), NoColor: true}, dir), 80, 24)
	var rows []string
	for _, l := range strings.Split(p.view(), "\n") {
		if strings.Contains(l, "Edit ") && strings.Contains(l, ".yaml") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 2 {
		t.Fatalf("rows: %q", rows)
	}
	if strings.Index(rows[0], "short") != strings.Index(rows[1], "very-long") {
		t.Errorf("names not aligned:\n%s\n%s", rows[0], rows[1])
	}
	if !strings.Contains(rows[1], "…") || ansi.StringWidth(strings.TrimRight(rows[1], " ")) > 80 {
		t.Errorf("long name not ellipsised: %q", rows[1])
	}
}

// Once the job has ended the footer no longer offers to cancel it, and q
// no longer says the job keeps running.
func TestMonitorFooterAfterTheJobEnded(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m, monitor.JobInfoEvent{Info: monTestInfo})
	r := NewRoot(&Context{Styles: NewStyles(true), NoColor: true, Width: 120, Height: 30}, m)
	r.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	if v := ansi.Strip(r.View().Content); !strings.Contains(v, "c cancel job") || !strings.Contains(v, "q quit (job keeps running)") {
		t.Fatalf("while running:\n%s", v)
	}
	monFeed(m, monitor.SlurmEvent{Job: monitor.JobState{State: "COMPLETED", Ended: true, ExitCode: "0:0"}})
	v := ansi.Strip(r.View().Content)
	if strings.Contains(v, "cancel job") || strings.Contains(v, "job keeps running") || !strings.Contains(v, "q quit") {
		t.Errorf("after the end:\n%s", v)
	}
}

// Once the traces are ready, c says what becomes of the job without it: a
// P1 job keeps its GPUs, a 1.0.x/2.x run ends after its benchmark.
func TestCancelHintFollowsTheLayout(t *testing.T) {
	var s monitor.Status
	s.Info.Layout = monitor.LayoutP1
	if h := cancelHint(&s); !strings.Contains(h, "keeps its GPUs until its time limit") {
		t.Errorf("P1: %q", h)
	}
	s.Info.Layout = monitor.LayoutToday
	if h := cancelHint(&s); !strings.Contains(h, "otherwise it ends after the benchmark") {
		t.Errorf("today's run: %q", h)
	}
}
