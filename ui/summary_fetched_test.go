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

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/trace"
)

// fetchedProfiles lays out ./profiles/<ID>/ as fetch leaves it, from the
// trace package's testdata (HTA's trace_compare and trace_filter): job 100
// (fetched an hour ago) and job 200 (now) each with a prefill and a decode
// folder, and "empty" without traces. It returns profiles/.
func fetchedProfiles(t *testing.T) string {
	t.Helper()
	base := filepath.Join(t.TempDir(), "profiles")
	put := func(id, phase, src string, age time.Duration) {
		dst := filepath.Join(base, id, phase, filepath.Base(src))
		data, err := os.ReadFile(sumOwnTrace(t, src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			t.Fatal(err)
		}
		when := time.Now().Add(-age)
		if err := os.Chtimes(dst, when, when); err != nil {
			t.Fatal(err)
		}
	}
	put("100", "prefill", "hta/trace_compare/base/base.json.gz", time.Hour)
	put("100", "decode", "hta/trace_filter/sampled_rank-0.json.gz", time.Hour)
	put("200", "prefill", "hta/trace_compare/test/test.json.gz", 0)
	put("200", "decode", "hta/trace_filter/sampled_rank-1.json.gz", 0)
	if err := os.MkdirAll(filepath.Join(base, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	return base
}

func fetchedPaths(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := trace.Find([]string{dir})
	if err != nil || len(paths) != 2 {
		t.Fatalf("traces in %s: %v %v", dir, paths, err)
	}
	return paths
}

// sumRun runs what a command returned, feeding the screen the messages it
// owns (a batch's too).
func sumRun(s *SummaryScreen, cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	var out []tea.Msg
	switch m := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range m {
			out = append(out, sumRun(s, c)...)
		}
	case fetchedRunMsg:
		out = append(out, m)
		_, next := s.Update(m)
		out = append(out, sumRun(s, next)...)
	default:
		out = append(out, m)
	}
	return out
}

// TestSummaryComparesWithAnEarlierFetch: on job 200's traces alone, c lists
// job 100 (not the folder without traces), enter compares prefill with
// prefill and decode with decode, c goes back to the tables.
func TestSummaryComparesWithAnEarlierFetch(t *testing.T) {
	base := fetchedProfiles(t)
	r, s := rootAt80x24(t, fetchedPaths(t, filepath.Join(base, "200")))
	if !strings.Contains(rootText(r), "c compare") {
		t.Fatalf("the footer does not offer c:\n%s", rootText(r))
	}
	if _, _, ok := s.comparedRuns(); ok {
		t.Fatal("one run per phase taken for two runs")
	}
	_, cmd := r.Update(keyMsg("c"))
	if msgs := sumRun(s, cmd); len(msgs) != 0 {
		t.Fatalf("c opened no picker: %#v", msgs)
	}
	v := rootText(r)
	for _, want := range []string{"compare job 200 with:", "› 100", "prefill, decode", time.Now().Add(-time.Hour).Format("2006-01-02"), "enter compare", "esc cancel"} {
		if !strings.Contains(v, want) {
			t.Fatalf("picker lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "empty") || strings.Contains(v, "› 200") || strings.Count(v, "200") != 1 {
		t.Fatalf("picker lists a folder without traces or this run:\n%s", v)
	}
	if n := len(strings.Split(v, "\n")); n > 24 {
		t.Fatalf("picker is %d lines in a 24-line screen:\n%s", n, v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("picker line of %d cells: %q", w, l)
		}
	}

	_, cmd = r.Update(keyMsg("enter"))
	sumRun(s, cmd)
	c := ansi.Strip(s.content())
	pre, dec := lineWith(c, "PREFILL"), lineWith(c, "DECODE")
	if pre < 0 || dec <= pre || strings.Count(c, "COMPARE · ") != 2 {
		t.Fatalf("want a prefill compare then a decode compare:\n%s", c)
	}
	if !strings.Contains(c, "COMPARE · A job 100 base (1 rank) → B job 200 test (1 rank)") || !strings.Contains(c, "-4.00 µs") {
		t.Fatalf("prefill compare:\n%s", c)
	}
	if !strings.Contains(c, "COMPARE · A job 100 sampled (1 rank) → B job 200 sampled (1 rank)") || !strings.Contains(c, "decode/sampled_rank-1.json.gz") {
		t.Fatalf("decode compare:\n%s", c)
	}
	if !strings.Contains(rootText(r), "[compare]") {
		t.Fatalf("no compare tab:\n%s", rootText(r))
	}
	r.Update(keyMsg("c"))
	if strings.Contains(rootText(r), "[compare]") || strings.Contains(ansi.Strip(s.content()), "COMPARE · ") {
		t.Fatalf("c did not go back to the tables:\n%s", rootText(r))
	}
	// Chosen again: no second read, the compare is back at once.
	r.Update(keyMsg("c"))
	if _, cmd = r.Update(keyMsg("enter")); cmd != nil {
		if msgs := sumRun(s, cmd); len(msgs) != 0 {
			t.Fatalf("the run was read again: %#v", msgs)
		}
	}
	if !strings.Contains(rootText(r), "[compare]") {
		t.Fatal("choosing the same run again shows no compare")
	}
}

// TestSummaryPickerNewestFirstAndCancels: a later fetch is listed first;
// ↓ moves, esc closes the picker and shows the tables.
func TestSummaryPickerNewestFirstAndCancels(t *testing.T) {
	base := fetchedProfiles(t)
	_, s := rootAt80x24(t, fetchedPaths(t, filepath.Join(base, "100")))
	sumPress(s, "c")
	v := sumView(s)
	if a, b := strings.Index(v, "› 200"), strings.Index(v, "compare job 100 with:"); a < 0 || b < 0 {
		t.Fatalf("picker on job 100:\n%s", v)
	}
	// Job 300, fetched after 200, comes first.
	dst := filepath.Join(base, "300", "prefill", "base.json.gz")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(sumOwnTrace(t, "hta/trace_compare/base/base.json.gz"))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(dst, later, later); err != nil {
		t.Fatal(err)
	}
	sumPress(s, "esc")
	if strings.Contains(sumView(s), "with:") {
		t.Fatalf("esc left the picker open:\n%s", sumView(s))
	}
	sumPress(s, "c")
	v = sumView(s)
	if i, j := strings.Index(v, "300"), strings.Index(v, "200 "); i < 0 || j < 0 || i > j || !strings.Contains(v, "› 300") {
		t.Fatalf("want 300 first, chosen:\n%s", v)
	}
	sumPress(s, "down")
	if !strings.Contains(sumView(s), "› 200") {
		t.Fatalf("↓ did not move to 200:\n%s", sumView(s))
	}
	// 300 has only a prefill: the decode compare says so.
	sumPress(s, "up")
	_, cmd := s.Update(keyMsg("enter"))
	sumRun(s, cmd)
	c := ansi.Strip(s.content())
	if !strings.Contains(c, "DECODE: only job 100 has traces") || strings.Count(c, "COMPARE · ") != 1 {
		t.Fatalf("compare with a prefill-only run:\n%s", c)
	}
}

// TestSummaryCompareSaysWhenNothingElseWasFetched: c on the only fetched
// run says so in the status line.
func TestSummaryCompareSaysWhenNothingElseWasFetched(t *testing.T) {
	base := fetchedProfiles(t)
	if err := os.RemoveAll(filepath.Join(base, "100")); err != nil {
		t.Fatal(err)
	}
	r, s := rootAt80x24(t, fetchedPaths(t, filepath.Join(base, "200")))
	msgs := sumPress(s, "c")
	if len(msgs) != 1 || !strings.Contains(msgs[0].(StatusMsg).Text, "no other fetched run in "+base) {
		t.Fatalf("c alone: %#v", msgs)
	}
	r.Update(msgs[0])
	if v := rootText(r); !strings.Contains(v, "no other fetched run") || strings.Contains(v, "with:") {
		t.Fatalf("status line:\n%s", v)
	}
}

// TestTeatestSummaryComparesWithEarlierFetch: the monitor's d fetched job
// 200 into profiles/200; s then c then enter compares it with job 100,
// fetched before — the summary finds profiles/ from the folder alone.
func TestTeatestSummaryComparesWithEarlierFetch(t *testing.T) {
	base := fetchedProfiles(t)
	dir := filepath.Join(base, "200")
	tm, eng, see := teatestSummaryMonitor(t, dir)
	eng.ch <- monitor.JobInfoEvent{Info: monTestInfo}
	eng.ch <- autoFetched(dir, "")
	see("s opens their summary")
	tm.Type("s")
	see("read 2 of 2 files")
	tm.Type("c")
	see("compare job 200 with:")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	see("A job 100 base")
	tm.Send(tea.KeyPressMsg{Code: 'q'})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	s, ok := final.Top().(*SummaryScreen)
	if !ok || !s.compare || s.other == nil || s.other.run.ID != "100" {
		t.Fatalf("final screen: %T", final.Top())
	}
}

// TestSummaryLeavingWhileReadingTheOtherRunLetsCStartAgain: esc while the
// chosen run is read drops that read (its result would go to the screen
// below), so c offers the picker again instead of waiting forever.
func TestSummaryLeavingWhileReadingTheOtherRunLetsCStartAgain(t *testing.T) {
	base := fetchedProfiles(t)
	r, s := rootAt80x24(t, fetchedPaths(t, filepath.Join(base, "200")))
	r.Update(keyMsg("c"))
	_, pending := r.Update(keyMsg("enter"))
	if !strings.Contains(rootText(r), "reading job 100 for the compare (2 files)") {
		t.Fatalf("no reading line:\n%s", rootText(r))
	}
	sumPress(s, "esc")
	sumRun(s, pending) // arrives late: ignored
	if s.compare || s.other != nil {
		t.Fatal("a read abandoned by esc still shown")
	}
	sumPress(s, "c")
	if !strings.Contains(sumView(s), "› 100") {
		t.Fatalf("c after esc:\n%s", sumView(s))
	}
}

// teatestSummaryMonitor runs a session's monitor (a fake engine, fetching
// into dir) under the root in a real program loop at 120x30; see waits
// until the screen shows text.
func teatestSummaryMonitor(t *testing.T, dir string) (*teatest.TestModel, *monFakeEngine, func(string)) {
	t.Helper()
	eng := monNewFakeEngine()
	ctx := &Context{Width: 120, Height: 30, Styles: NewStyles(true), NoColor: true}
	m := NewMonitor(ctx, monTestInfo, MonitorOptions{Engine: eng, FetchDir: dir})
	root := NewRoot(ctx, NewSummaryMonitor(m, SummaryMonitorOptions{Engine: eng, FetchDir: dir}))
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(120, 30))
	see := func(text string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
			teatest.WithDuration(10*time.Second))
	}
	return tm, eng, see
}
