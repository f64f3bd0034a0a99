package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/trace"
)

// sumOwnTrace is a trace of the demo (sim/demotraces) or of the trace
// package's testdata: in every clone.
func sumOwnTrace(t *testing.T, rel string) string {
	t.Helper()
	for _, dir := range [][]string{{"..", "sim", "demotraces"}, {"..", "trace", "testdata", "traces"}} {
		p, err := filepath.Abs(filepath.Join(append(dir, rel)...))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatalf("no trace %s in sim/demotraces or trace/testdata/traces", rel)
	return ""
}

// rootAt80x24 shows a summary screen under the root, as the program does,
// at 80x24.
func rootAt80x24(t *testing.T, paths []string) (*Root, *SummaryScreen) {
	t.Helper()
	ctx := &Context{Styles: NewStyles(true), NoColor: true}
	s := NewSummaryScreen(ctx, SummaryOptions{Paths: paths, Back: true, Source: "job 17 · fetched to ./profiles/17"})
	r := NewRoot(ctx, s)
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	s.Init()
	for !s.Done() {
		s.Update(s.summarizeAt(s.next)())
	}
	r.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return r, s
}

func rootText(r *Root) string { return ansi.Strip(r.View().Content) }

// TestSummaryFitsEightyByTwentyFour: every section, and the full help,
// fit 80x24 with every key the footer offers on screen.
func TestSummaryFitsEightyByTwentyFour(t *testing.T) {
	r, s := rootAt80x24(t, []string{sumOwnTrace(t, "hta/trace_filter/sampled_rank-0.json.gz"), sumOwnTrace(t, "hta/trace_filter/sampled_rank-1.json.gz")})
	check := func(what string, keys []string) {
		t.Helper()
		v := rootText(r)
		lines := strings.Split(v, "\n")
		if len(lines) > 24 {
			t.Fatalf("%s: %d lines in a 24-line screen:\n%s", what, len(lines), v)
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > 80 {
				t.Fatalf("%s: a line of %d cells: %q", what, w, l)
			}
		}
		// The full help aligns keys in columns: compare words, not spaces.
		footer := strings.Join(strings.Fields(strings.Join(lines[len(lines)-6:], "\n")), " ")
		for _, k := range keys {
			if !strings.Contains(footer, k) {
				t.Errorf("%s: key %q not in the footer:\n%s", what, k, footer)
			}
		}
	}
	short := []string{"tab section", "f names", "a all", "s layout", "esc back", "q quit"}
	wantSections := []string{"[kernels]", "[overview]", "[idle]", "[launches]"}
	for i, want := range wantSections {
		v := rootText(r)
		if !strings.Contains(v, want) {
			t.Fatalf("section %d: no %s tab:\n%s", i, want, v)
		}
		check(want, short)
		r.Update(keyMsg("tab"))
	}
	if v := rootText(r); !strings.Contains(v, "[kernels]") {
		t.Fatalf("tab after the last section does not come back to the first:\n%s", v)
	}
	r.Update(keyMsg("tab"))
	if c := ansi.Strip(s.content()); !strings.Contains(c, "where the GPU time went") || !strings.Contains(c, "straggler: rank 1") {
		t.Fatalf("overview:\n%s", c)
	}
	r.Update(keyMsg("?"))
	check("full help", []string{"↑/k", "↓/j", "pgup", "pgdn", "g top", "G bottom", "←/h", "→/l", "tab", "shift+tab", "f names", "a all", "s layout", "esc back", "q quit"})
}

// TestSummaryKernelsScrollSidewaysAtEighty: at 80 columns the kernel tables
// are wider than the screen and → / ← move them; different kernels never
// read the same.
func TestSummaryKernelsScrollSidewaysAtEighty(t *testing.T) {
	r, s := rootAt80x24(t, []string{sumOwnTrace(t, "1795954250-TP-0-prefill.trace.json.gz")})
	before := rootText(r)
	r.Update(keyMsg("right"))
	if rootText(r) == before {
		t.Fatal("→ did not scroll the kernel table sideways at 80 columns")
	}
	r.Update(keyMsg("left"))
	if rootText(r) != before {
		t.Fatal("← did not scroll back")
	}
	s.all = true
	s.render()
	seen := map[string]bool{}
	for _, l := range strings.Split(ansi.Strip(s.content()), "\n") {
		f := strings.Fields(l)
		if len(f) < 8 || f[1] == "kernel" {
			continue
		}
		name := strings.Join(f[1:len(f)-6], " ")
		if seen[name] {
			t.Fatalf("two kernels read %q:\n%s", name, s.content())
		}
		seen[name] = true
	}
	if len(seen) < 10 {
		t.Fatalf("only %d kernel rows found", len(seen))
	}
}

// TestSummaryCompareKey: with two runs, c shows what changed; with one, c
// says what it needs.
func TestSummaryCompareKey(t *testing.T) {
	// A prefill and a decode are two runs, but of different phases.
	r1, one := rootAt80x24(t, []string{sumOwnTrace(t, "1795954250-TP-0-prefill.trace.json.gz"), sumOwnTrace(t, "1795954250-TP-0-decode.trace.json.gz")})
	if msgs := sumPress(one, "c"); len(msgs) != 1 || !strings.Contains(msgs[0].(StatusMsg).Text, "two runs of one phase") {
		t.Fatalf("c with prefill and decode: %#v", msgs)
	}
	if v := rootText(r1); strings.Contains(strings.Split(v, "\n")[2], "compare") || strings.Contains(v, "c compare") {
		t.Fatalf("a compare tab for prefill against decode:\n%s", rootText(r1))
	}
	r, s := rootAt80x24(t, []string{sumOwnTrace(t, "hta/trace_compare/base/base.json.gz"), sumOwnTrace(t, "hta/trace_compare/test/test.json.gz")})
	if !strings.Contains(rootText(r), "c compare") {
		t.Fatalf("two runs of one phase, and the footer does not offer c:\n%s", rootText(r))
	}
	r.Update(keyMsg("c"))
	c := ansi.Strip(s.content())
	if !strings.Contains(rootText(r), "[compare]") || !strings.Contains(c, "COMPARE · A base (1 rank) → B test (1 rank)") || !strings.Contains(c, "-4.00 µs") {
		t.Fatalf("after c:\n%s", c)
	}
}

// TestSummaryReadsTwoFilesAtOnce: Init starts two files, not one; a file
// that finishes first waits for the one before it, so the order stays.
func TestSummaryReadsTwoFilesAtOnce(t *testing.T) {
	started := make(chan struct{}, 3)
	release := make(chan struct{})
	paths := []string{"/x/a/1-TP-0-prefill.trace.json.gz", "/x/b/1-TP-1-prefill.trace.json.gz", "/x/c/1-TP-2-prefill.trace.json.gz"}
	opt := SummaryOptions{Paths: paths, Summarize: func(_ context.Context, p string) (*trace.FileSummary, error) {
		started <- struct{}{}
		<-release
		return &trace.FileSummary{Path: p, Phase: "prefill"}, nil
	}}
	s := NewSummaryScreen(&Context{Styles: NewStyles(true), NoColor: true}, opt)
	s.SetSize(80, 20)
	// Init's commands: the spinner's tick and a batch of the reads.
	var reads []tea.Cmd
	for _, cmd := range s.Init()().(tea.BatchMsg) {
		if inner, ok := cmd().(tea.BatchMsg); ok {
			reads = append(reads, inner...)
		}
	}
	if len(reads) != 2 {
		t.Fatalf("Init started %d reads, want 2", len(reads))
	}
	results := make(chan tea.Msg, 2)
	for _, cmd := range reads {
		go func() { results <- cmd() }()
	}
	<-started
	<-started // both files are being read at the same time
	close(release)
	var files []summaryFileMsg
	for range 2 {
		files = append(files, (<-results).(summaryFileMsg))
	}
	if len(files) != 2 {
		t.Fatalf("%d files read at once, want 2", len(files))
	}
	// The second file first: it waits for the first.
	if files[0].index == 0 {
		files[0], files[1] = files[1], files[0]
	}
	s.Update(files[0])
	if len(s.Summaries()) != 0 {
		t.Fatal("file 2 was added before file 1")
	}
	_, next := s.Update(files[1])
	if got := s.Summaries(); len(got) != 2 || got[0].Path != paths[0] || got[1].Path != paths[1] {
		t.Fatalf("summaries %v", got)
	}
	s.Update(next())
	if !s.Done() || s.Summaries()[2].Path != paths[2] {
		t.Fatalf("the third file: done %v", s.Done())
	}
}
