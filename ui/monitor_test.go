package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/monitor"
)

type monFakeEngine struct {
	mu      sync.Mutex
	ch      chan monitor.Event
	cancels int
	fetches []string
}

func monNewFakeEngine() *monFakeEngine { return &monFakeEngine{ch: make(chan monitor.Event, 100)} }

func (f *monFakeEngine) Events() <-chan monitor.Event { return f.ch }
func (f *monFakeEngine) Cancel(context.Context)       { f.mu.Lock(); f.cancels++; f.mu.Unlock() }
func (f *monFakeEngine) Fetch(_ context.Context, dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetches = append(f.fetches, dir)
	return nil
}

var monTestInfo = monitor.JobInfo{ID: "1234", Name: "prof-job", Cluster: "testc", LogDir: "/logs/1234_1P_1D",
	Profiling: "torch", Phases: []monitor.Stream{monitor.StreamPrefill, monitor.StreamDecode}}

func monNewTestMonitor(t *testing.T, w, h int) (*Monitor, *monFakeEngine) {
	t.Helper()
	eng := monNewFakeEngine()
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Width: w, Height: h}
	m := NewMonitor(ctx, monTestInfo, MonitorOptions{Engine: eng, FetchDir: "/tmp/fetch"})
	m.now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC) }
	m.SetSize(w, h)
	monFeed(m, monitor.JobInfoEvent{Info: monTestInfo},
		monitor.SlurmEvent{Job: monitor.JobState{State: "RUNNING", Node: "gpu-07", Elapsed: 5 * time.Second},
			At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	return m, eng
}

// monFeed applies events the way the program would, then redraws the panes.
func monFeed(m *Monitor, evs ...monitor.Event) []tea.Msg {
	var msgs []tea.Msg
	for _, ev := range evs {
		_, cmd := m.Update(monitorEventMsg{ev})
		msgs = append(msgs, runMonitorCmd(cmd, monitorRefreshMsg{})...)
	}
	m.Update(monitorRefreshMsg{})
	return msgs
}

// runMonitorCmd runs cmd and any batch inside it, except commands that would block
// (the event listener, ticks), returning the messages they produced.
func runMonitorCmd(cmd tea.Cmd, skip ...tea.Msg) []tea.Msg {
	if cmd == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if b, ok := msg.(tea.BatchMsg); ok {
			var out []tea.Msg
			for _, c := range b {
				out = append(out, runMonitorCmd(c)...)
			}
			return out
		}
		if msg == nil {
			return nil
		}
		return []tea.Msg{msg}
	case <-time.After(20 * time.Millisecond):
		return nil
	}
}

func monPress(m *Monitor, keys ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "pgup":
			msg = tea.KeyPressMsg{Code: tea.KeyPgUp}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		_, cmd := m.Update(msg)
		out = append(out, runMonitorCmd(cmd)...)
	}
	return out
}

func monScreen(m *Monitor) string { return ansi.Strip(m.View()) }

func monNumbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %03d", prefix, i)
	}
	return out
}

// monRowWith returns the monScreen row holding text, or -1.
func monRowWith(view, text string) int {
	for i, l := range strings.Split(view, "\n") {
		if strings.Contains(l, text) {
			return i
		}
	}
	return -1
}

func TestMonitorLayoutSideBySideStackedAndAggregated(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{"P-first"}},
		monitor.LinesEvent{Stream: monitor.StreamDecode, Lines: []string{"D-first"}})
	v := monScreen(m)
	if monRowWith(v, "P-first") < 0 || monRowWith(v, "P-first") != monRowWith(v, "D-first") {
		t.Fatalf("wide terminal: panes not side by side:\n%s", v)
	}
	if got := strings.Count(v, "\n") + 1; got != 30 {
		t.Fatalf("view has %d rows, want 30", got)
	}
	for i, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 120 {
			t.Fatalf("row %d is %d wide", i, w)
		}
	}
	if !strings.Contains(v, "prof-job #1234") || !strings.Contains(v, "cluster testc") ||
		!strings.Contains(v, "node gpu-07") || !strings.Contains(v, "RUNNING 00:00:15") || !strings.Contains(v, "torch profiling") {
		t.Fatalf("header incomplete:\n%s", v)
	}
	m.SetSize(80, 30)
	v = monScreen(m)
	if monRowWith(v, "D-first") <= monRowWith(v, "P-first") {
		t.Fatalf("narrow terminal: panes not stacked:\n%s", v)
	}

	agg := monTestInfo
	agg.Phases = []monitor.Stream{monitor.StreamAggregated}
	monFeed(m, monitor.JobInfoEvent{Info: agg}, monitor.LinesEvent{Stream: monitor.StreamAggregated, Lines: []string{"A-line"}})
	v = monScreen(m)
	if !strings.Contains(v, "profile_aggregated.out") || strings.Contains(v, "profile_decode.out") || !strings.Contains(v, "A-line") {
		t.Fatalf("aggregated job should show one pane:\n%s", v)
	}
}

func TestMonitorScrollUpPausesFollowAndGResumes(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: monNumbered("early", 100)})
	if !strings.Contains(monScreen(m), "early 099") {
		t.Fatalf("not following the end:\n%s", monScreen(m))
	}
	monPress(m, "pgup", "up")
	if m.Pane(monitor.StreamPrefill).Following() {
		t.Fatal("scrolling up did not pause following")
	}
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{"late line"}})
	v := monScreen(m)
	if strings.Contains(v, "late line") || strings.Contains(v, "early 099") || !strings.Contains(v, "paused") {
		t.Fatalf("paused pane moved to the new end:\n%s", v)
	}
	monPress(m, "G")
	v = monScreen(m)
	if !strings.Contains(v, "late line") || !m.Pane(monitor.StreamPrefill).Following() {
		t.Fatalf("G did not resume following:\n%s", v)
	}
	monPress(m, "g")
	if v := monScreen(m); !strings.Contains(v, "early 000") {
		t.Fatalf("g did not go to the top:\n%s", v)
	}
}

func TestMonitorTabLogViewZoomAndWrap(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	long := "LONG " + strings.Repeat("x", 150) + " END"
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{long}},
		monitor.LinesEvent{Stream: monitor.StreamDecode, Lines: []string{"decode says hi"}},
		monitor.LinesEvent{Stream: monitor.StreamLog, Lines: []string{"Starting profiler..."}})
	if strings.Contains(monScreen(m), "END") {
		t.Fatal("long line shown whole without wrap")
	}
	monPress(m, "w")
	if v := monScreen(m); !strings.Contains(v, "END") || !strings.Contains(v, "wrap") {
		t.Fatalf("w did not wrap:\n%s", v)
	}
	monPress(m, "z")
	if v := monScreen(m); strings.Contains(v, "decode says hi") || !strings.Contains(v, "LONG") {
		t.Fatalf("z did not zoom the prefill pane:\n%s", v)
	}
	monPress(m, "z", "tab")
	if m.focus != monitor.StreamDecode {
		t.Fatalf("tab focused %v", m.focus)
	}
	monPress(m, "tab")
	if v := monScreen(m); m.focus != monitor.StreamLog || !strings.Contains(v, "Starting profiler...") || strings.Contains(v, "decode says hi") {
		t.Fatalf("third tab should show log.out alone:\n%s", v)
	}
	monPress(m, "l")
	if v := monScreen(m); !strings.Contains(v, "decode says hi") || m.focus != monitor.StreamDecode {
		t.Fatalf("l did not return to the phases:\n%s", v)
	}
	monPress(m, "l")
	if m.focus != monitor.StreamLog {
		t.Fatal("l did not open log.out")
	}
}

func TestMonitorSearchHighlightsAndMoves(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: append(monNumbered("noise", 200), "needle at the end")},
		monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: nil})
	m.Pane(monitor.StreamPrefill).Top()
	monPress(m, "/")
	if !m.CapturesInput() {
		t.Fatal("typing a search should capture keys")
	}
	msgs := monPress(m, "n", "o", "i", "s", "e", " ", "1", "5", "enter")
	if m.CapturesInput() {
		t.Fatal("enter did not end the search input")
	}
	p := m.Pane(monitor.StreamPrefill)
	if p.Matches() != 10 {
		t.Fatalf("matches %d, want 10 (noise 150..159)", p.Matches())
	}
	if len(msgs) == 0 || !strings.Contains(fmt.Sprint(msgs), "10 matches") {
		t.Fatalf("status: %v", msgs)
	}
	if v := monScreen(m); !strings.Contains(v, "noise 150") {
		t.Fatalf("first match not shown:\n%s", v)
	}
	monPress(m, "/", "N", "E", "E", "D", "L", "E", "enter")
	if p.Matches() != 0 {
		t.Fatalf("capitals should match exactly: %d", p.Matches())
	}
	monPress(m, "/", "n", "e", "e", "d", "l", "e", "enter")
	if v := monScreen(m); p.Matches() != 1 || !strings.Contains(v, "needle at the end") {
		t.Fatalf("search for needle %q: %d\n%s", p.Query(), p.Matches(), v)
	}
	monPress(m, "/", "esc")
	if p.Query() != "" {
		t.Fatal("esc did not clear the search")
	}
}

func TestMonitorCancelNeedsY(t *testing.T) {
	m, eng := monNewTestMonitor(t, 120, 30)
	monPress(m, "c")
	if v := monScreen(m); !strings.Contains(v, "Cancel job 1234?") || !strings.Contains(v, "y: cancel") {
		t.Fatalf("no confirmation:\n%s", v)
	}
	msgs := monPress(m, "esc")
	if eng.cancels != 0 {
		t.Fatal("Esc cancelled the job")
	}
	if !strings.Contains(fmt.Sprint(msgs), "keeps running") {
		t.Fatalf("declining said: %v", msgs)
	}
	monPress(m, "c", "n")
	monPress(m, "c", "q")
	if eng.cancels != 0 {
		t.Fatal("a key other than y cancelled the job")
	}
	monPress(m, "c", "y")
	if eng.cancels != 1 {
		t.Fatalf("y: %d cancels", eng.cancels)
	}
	monFeed(m, monitor.CancelEvent{Requested: true},
		monitor.SlurmEvent{Job: monitor.JobState{State: "CANCELLED", Ended: true, ExitCode: "0:15"}})
	if v := monScreen(m); !strings.Contains(v, "job cancelled") {
		t.Fatalf("after cancel:\n%s", v)
	}
	monPress(m, "c")
	if m.confirm != nil {
		t.Fatal("offered to cancel an ended job")
	}
}

func monTracesReady(m *Monitor) {
	for _, ph := range []monitor.Stream{monitor.StreamPrefill, monitor.StreamDecode} {
		monFeed(m, monitor.PhaseEvent{Stream: ph, State: monitor.PhaseState{Status: monitor.PhaseCompleted}},
			monitor.TracesEvent{Stream: ph, Traces: []monitor.Trace{{
				Path: "/logs/1234_1P_1D/profiles/" + ph.String() + "/17-TP-0.trace.json.gz", Size: 3 << 20, Complete: true}}})
	}
}

func TestMonitorTracesReadyFetchAndOfferToCancel(t *testing.T) {
	m, eng := monNewTestMonitor(t, 120, 30)
	msgs := monPress(m, "d")
	if len(eng.fetches) != 0 || !strings.Contains(fmt.Sprint(msgs), "No traces") {
		t.Fatalf("fetch without traces: %v %v", eng.fetches, msgs)
	}
	monTracesReady(m)
	v := monScreen(m)
	for _, want := range []string{"traces ready", "c cancel the job", "/logs/1234_1P_1D/profiles/decode/17-TP-0.trace.json.gz", "3.0 MiB", "completed (exit code 0)"} {
		if !strings.Contains(v, want) {
			t.Fatalf("traces-ready monScreen lacks %q:\n%s", want, v)
		}
	}
	if got := strings.Count(v, "\n") + 1; got != 30 {
		t.Fatalf("view has %d rows with the trace list, want 30", got)
	}
	monPress(m, "d")
	if len(eng.fetches) != 1 || eng.fetches[0] != "/tmp/fetch" {
		t.Fatalf("fetches %v", eng.fetches)
	}
	monFeed(m, monitor.FetchEvent{LocalDir: "/tmp/fetch", Done: 3 << 20, Total: 6 << 20})
	if v := monScreen(m); !strings.Contains(v, "fetching traces → /tmp/fetch") || !strings.Contains(v, "50%") {
		t.Fatalf("no progress bar:\n%s", v)
	}
	// Quitting during a download asks first.
	if ok, _ := m.CanQuit(); ok || m.confirm == nil {
		t.Fatal("quit during a download did not ask")
	}
	monPress(m, "esc")
	monFeed(m, monitor.FetchEvent{LocalDir: "/tmp/fetch", Done: 6 << 20, Total: 6 << 20, Finished: true})
	if v := monScreen(m); !strings.Contains(v, "traces fetched to /tmp/fetch") {
		t.Fatalf("fetch end not shown:\n%s", v)
	}
	monPress(m, "c")
	if v := monScreen(m); !strings.Contains(v, "Its traces are ready") {
		t.Fatalf("cancel offer after ready:\n%s", v)
	}
}

func TestMonitorQuitSaysHowToReattach(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	msgs := monPress(m, "q")
	if len(msgs) != 1 {
		t.Fatalf("q gave %v", msgs)
	}
	q, ok := msgs[0].(QuitMsg)
	if !ok || !q.Force || q.Code != 0 || !strings.Contains(q.Message, "keeps running") ||
		!strings.Contains(q.Message, "srtctl-tui monitor 1234 --cluster testc") {
		t.Fatalf("quit: %#v", msgs[0])
	}
	// ctrl+c through the root says the same.
	m2, _ := monNewTestMonitor(t, 120, 30)
	r := NewRoot(m2.ctx, m2)
	_, cmd := r.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	qm := cmd()
	_, cmd = r.Update(qm)
	if cmd == nil {
		t.Fatal("ctrl+c did nothing")
	}
	_, cmd = r.Update(cmd())
	if cmd == nil || !strings.Contains(r.ExitMessage, "srtctl-tui monitor 1234") {
		t.Fatalf("ctrl+c exit message %q", r.ExitMessage)
	}
}

func TestMonitorFailureReconnectAndPendingAreObvious(t *testing.T) {
	m, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m, monitor.SlurmEvent{Job: monitor.JobState{State: "PENDING", Reason: "Resources"}})
	if v := monScreen(m); !strings.Contains(v, "pending: Resources") || !strings.Contains(v, "waiting in the queue") {
		t.Fatalf("pending:\n%s", v)
	}
	monFeed(m, monitor.SlurmEvent{Job: monitor.JobState{State: "RUNNING", Node: "gpu-07"}},
		monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{"kept line"}},
		monitor.ConnEvent{Lost: true, Attempt: 3, Err: "broken pipe"})
	if v := monScreen(m); !strings.Contains(v, "reconnecting (attempt 3)") || !strings.Contains(v, "kept line") {
		t.Fatalf("reconnecting:\n%s", v)
	}
	monFeed(m, monitor.ConnEvent{Attempt: 3})
	if v := monScreen(m); strings.Contains(v, "reconnecting") {
		t.Fatalf("still reconnecting:\n%s", v)
	}
	monFeed(m, monitor.PhaseEvent{Stream: monitor.StreamPrefill, State: monitor.PhaseState{Status: monitor.PhaseError, Message: "Error: isl and osl must be set for profiling."}})
	if v := monScreen(m); !strings.Contains(v, "FAILED: prefill error: Error: isl and osl") {
		t.Fatalf("failure:\n%s", v)
	}
	m2, _ := monNewTestMonitor(t, 120, 30)
	monFeed(m2, monitor.SlurmEvent{Job: monitor.JobState{State: "CANCELLED", Ended: true}})
	if v := monScreen(m2); !strings.Contains(v, "CANCELLED by someone else") {
		t.Fatalf("cancelled by other:\n%s", v)
	}
	if msg, code := m2.quitMessage(); code != monitor.ExitCancelledByOther || strings.Contains(msg, "keeps running") {
		t.Fatalf("quit after foreign cancel: %q %d", msg, code)
	}
}
