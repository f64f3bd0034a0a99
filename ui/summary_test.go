package ui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/trace"
)

// sumSharedTrace is one of the real traces of the trace package's testdata
// (in every clone; see its README).
func sumSharedTrace(t *testing.T, name string) string {
	t.Helper()
	return sumOwnTrace(t, name)
}

func sumRealPaths(t *testing.T) []string {
	return []string{
		sumSharedTrace(t, "1795954250-TP-0-prefill.trace.json.gz"),
		sumSharedTrace(t, "1795954250-TP-0-decode.trace.json.gz"),
	}
}

// sumNewScreen builds a summary screen of paths, summarises every file
// the way the program would (one message per file) and sizes it.
func sumNewScreen(t *testing.T, noColor bool, w, h int, opt SummaryOptions) *SummaryScreen {
	t.Helper()
	ctx := &Context{Styles: NewStyles(noColor), NoColor: noColor, Width: w, Height: h}
	s := NewSummaryScreen(ctx, opt)
	s.SetSize(w, h)
	if s.Init() == nil && len(opt.Paths) > 0 {
		t.Fatal("Init started nothing")
	}
	for i := 0; !s.Done(); i++ {
		if i > len(opt.Paths) {
			t.Fatal("summarising does not finish")
		}
		s.Update(s.summarizeAt(s.next)())
	}
	return s
}

func sumPress(s *SummaryScreen, keys ...string) []tea.Msg {
	var msgs []tea.Msg
	for _, k := range keys {
		_, cmd := s.Update(keyMsg(k))
		if cmd != nil {
			msgs = append(msgs, cmd())
		}
	}
	return msgs
}

func sumView(s *SummaryScreen) string { return ansi.Strip(s.View()) }

// sumContent is the whole scrollable text, not just the visible part.
func sumContent(s *SummaryScreen) string { return ansi.Strip(s.content()) }

func lineWith(text, sub string) int {
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			return i
		}
	}
	return -1
}

func TestSummaryPrefillAndDecodeSideBySideWhenWide(t *testing.T) {
	s := sumNewScreen(t, true, 160, 40, SummaryOptions{Paths: sumRealPaths(t), Source: "job 17"})
	if len(s.Summaries()) != 2 {
		t.Fatalf("summaries: %d, want 2", len(s.Summaries()))
	}
	v := sumView(s)
	if !strings.Contains(v, "Summary · 2 trace files · job 17") || !strings.Contains(v, "read 2 of 2 files") {
		t.Fatalf("header:\n%s", v)
	}
	pre, dec := lineWith(v, "PREFILL"), lineWith(v, "DECODE")
	if pre < 0 || pre != dec {
		t.Fatalf("PREFILL on line %d, DECODE on line %d: want both on one line\n%s", pre, dec, v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 160 {
			t.Fatalf("line %d cells wide in a 160-column screen: %q", w, l)
		}
	}

	// s stacks them; s again puts them back.
	sumPress(s, "s")
	c := sumContent(s)
	if pre, dec := lineWith(c, "PREFILL"), lineWith(c, "DECODE"); pre < 0 || dec <= pre {
		t.Fatalf("after s: PREFILL line %d, DECODE line %d: want decode below\n%s", pre, dec, c)
	}
	sumPress(s, "s")
	c = sumContent(s)
	if lineWith(c, "PREFILL") != lineWith(c, "DECODE") {
		t.Fatal("s twice did not restore side by side")
	}
}

func TestSummaryStacksOnA100ColumnTerminalAndSaysWhy(t *testing.T) {
	s := sumNewScreen(t, true, 100, 30, SummaryOptions{Paths: sumRealPaths(t)})
	c := sumContent(s)
	pre, dec := lineWith(c, "PREFILL"), lineWith(c, "DECODE")
	if pre < 0 || dec <= pre {
		t.Fatalf("PREFILL line %d, DECODE line %d: want stacked\n%s", pre, dec, c)
	}
	// Asking for side by side (s twice: stacked, then side by side)
	// explains what it needs and stays readable.
	sumPress(s, "s")
	got := sumPress(s, "s")
	if len(got) != 1 || !strings.Contains(got[0].(StatusMsg).Text, "123 columns") {
		t.Fatalf("status after s on a narrow screen: %#v", got)
	}
	if c2 := sumContent(s); lineWith(c2, "DECODE") <= lineWith(c2, "PREFILL") {
		t.Fatal("side by side was forced on a screen too narrow for it")
	}
	// The visible part fits the screen height: header, blank, viewport.
	if n := strings.Count(s.View(), "\n") + 1; n > 30 {
		t.Fatalf("view is %d lines in a 30-line screen", n)
	}
}

func TestSummaryFullNamesAndAllKernels(t *testing.T) {
	paths := sumRealPaths(t)
	s := sumNewScreen(t, true, 120, 40, SummaryOptions{Paths: paths})
	// A kernel whose signature is too long for the table's name column.
	var long string
	var total int
	for _, sum := range s.Summaries() {
		total = max(total, len(sum.Kernels))
		for _, k := range sum.Kernels[:min(15, len(sum.Kernels))] {
			if len(k.Name) > 80 && !strings.ContainsAny(k.Name[:60], "\n") {
				long = k.Name
			}
		}
	}
	if long == "" {
		t.Fatal("no long kernel name in the real traces: the test would prove nothing")
	}
	head := long[:60]
	if strings.Contains(sumContent(s), head) {
		t.Fatalf("full name shown before f: %q", head)
	}
	msgs := sumPress(s, "f")
	if !strings.Contains(sumContent(s), "full names:") || !strings.Contains(sumContent(s), head) {
		t.Fatalf("f did not list %q:\n%s", head, sumContent(s))
	}
	if len(msgs) != 1 || msgs[0].(StatusMsg).Text != "full kernel names: on" {
		t.Fatalf("status after f: %#v", msgs)
	}
	sumPress(s, "f")
	if strings.Contains(sumContent(s), head) {
		t.Fatal("f again did not hide the full names")
	}

	if total > 15 {
		t.Fatalf("the real traces now have %d kernels; TestSummaryAllKernels covers the top-15 cut", total)
	}
}

func TestSummaryAllKernels(t *testing.T) {
	// 20 kernels: more than the 15 a table lists by default.
	fake := func(_ context.Context, p string) (*trace.FileSummary, error) {
		sum := &trace.FileSummary{Path: p, Phase: trace.PhaseOf(p), Rank: "TP-0", SpanUS: 1000, BusyUS: 900}
		for i := 0; i < 20; i++ {
			k := trace.KernelStat{Name: fmt.Sprintf("kernel_number_%02d", i), Count: 1, TotalUS: float64(100 - i), MinUS: 1, MaxUS: 2}
			sum.Kernels = append(sum.Kernels, k)
			sum.KernelTotalUS += k.TotalUS
		}
		return sum, nil
	}
	s := sumNewScreen(t, true, 120, 40, SummaryOptions{Paths: []string{"/x/prefill/1-TP-0-prefill.trace.json.gz"}, Summarize: fake})
	c := sumContent(s)
	if !strings.Contains(c, "… 5 more kernels") || strings.Contains(c, "kernel_number_15") {
		t.Fatalf("top 15 by default:\n%s", c)
	}
	msgs := sumPress(s, "a")
	c = sumContent(s)
	if strings.Contains(c, "more kernels") || !strings.Contains(c, "kernel_number_19") {
		t.Fatalf("a did not list every kernel:\n%s", c)
	}
	if len(msgs) != 1 || msgs[0].(StatusMsg).Text != "every kernel listed" {
		t.Fatalf("status after a: %#v", msgs)
	}
	sumPress(s, "a")
	if !strings.Contains(sumContent(s), "… 5 more kernels") {
		t.Fatal("a again did not go back to the top 15")
	}
}

var colorSGR = regexp.MustCompile(`\x1b\[[0-9;]*?(?:^|;|\[)(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38|48)(?:;|m)`)

func TestSummaryNoColorHasNoColours(t *testing.T) {
	paths := sumRealPaths(t)
	plain := sumNewScreen(t, true, 160, 40, SummaryOptions{Paths: paths})
	if m := colorSGR.FindString(plain.View()); m != "" {
		t.Fatalf("NO_COLOR view has a colour sequence %q", m)
	}
	coloured := sumNewScreen(t, false, 160, 40, SummaryOptions{Paths: paths})
	if !colorSGR.MatchString(coloured.View()) {
		t.Fatal("the colour view has no colour: the NO_COLOR check proves nothing")
	}
}

func TestSummaryNarrowTerminalFitsAndScrollsSideways(t *testing.T) {
	s := sumNewScreen(t, true, 30, 20, SummaryOptions{Paths: sumRealPaths(t), Source: "a long source description that does not fit"})
	v := sumView(s)
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 30 {
			t.Fatalf("line of %d cells in a 30-column screen: %q\n%s", w, l, v)
		}
	}
	before := v
	sumPress(s, "right")
	if sumView(s) == before {
		t.Fatal("→ did not scroll the tables sideways")
	}
	sumPress(s, "left")
	if sumView(s) != before {
		t.Fatal("← did not scroll back")
	}
}

func TestSummaryScrollsAndShowsUnreadableFiles(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "prefill", "9-TP-1-prefill.trace.json.gz")
	paths := append(sumRealPaths(t), missing)
	s := sumNewScreen(t, true, 100, 20, SummaryOptions{Paths: paths})
	v := sumView(s)
	if !strings.Contains(v, "read 2 of 3 files") || !strings.Contains(v, "✘") || !strings.Contains(v, "9-TP-1-prefill") {
		t.Fatalf("an unreadable file is not reported:\n%s", v)
	}
	top := sumView(s)
	sumPress(s, "space")
	if sumView(s) == top {
		t.Fatal("page down did not scroll")
	}
	sumPress(s, "G")
	bottom := sumView(s)
	sumPress(s, "g")
	if sumView(s) != top || bottom == top {
		t.Fatal("g/G do not go to the top and bottom")
	}
}

func TestSummaryShowsProgressWhileReading(t *testing.T) {
	release := make(chan struct{})
	opt := SummaryOptions{Paths: []string{"/x/prefill/1-TP-0-prefill.trace.json.gz", "/x/decode/1-TP-0-decode.trace.json.gz"},
		Summarize: func(ctx context.Context, p string) (*trace.FileSummary, error) {
			<-release
			return nil, errors.New(filepath.Base(p) + ": test error")
		}}
	ctx := &Context{Styles: NewStyles(true), NoColor: true}
	s := NewSummaryScreen(ctx, opt)
	s.SetSize(80, 20)
	s.Init()
	if v := sumView(s); !strings.Contains(v, "summarising 1/2: 1-TP-0-prefill.trace.json.gz") {
		t.Fatalf("no progress while reading:\n%s", v)
	}
	close(release)
	s.Update(s.summarizeAt(s.next)())
	if v := sumView(s); !strings.Contains(v, "summarising 2/2") {
		t.Fatalf("progress did not advance:\n%s", v)
	}
	// A message from an earlier screen (or a repeated one) changes nothing.
	s.Update(summaryFileMsg{screen: s, index: 0})
	s.Update(s.summarizeAt(s.next)())
	if !s.Done() || len(s.errs) != 2 {
		t.Fatalf("done=%v errs=%v", s.Done(), s.errs)
	}
	if s.Init() != nil {
		t.Fatal("showing the screen again re-read the files")
	}
}

func TestSummaryEscGoesBackOrQuits(t *testing.T) {
	back := sumNewScreen(t, true, 80, 20, SummaryOptions{Back: true})
	msgs := sumPress(back, "esc")
	if len(msgs) != 1 {
		t.Fatalf("esc: %#v", msgs)
	}
	if _, ok := msgs[0].(PopMsg); !ok {
		t.Fatalf("esc with Back: %#v, want PopMsg", msgs[0])
	}
	if !strings.Contains(helpText(back.KeyMap()), "esc back") {
		t.Fatal("the footer does not say esc goes back")
	}
	alone := sumNewScreen(t, true, 80, 20, SummaryOptions{})
	if q, ok := sumPress(alone, "esc")[0].(QuitMsg); !ok || q.Force {
		t.Fatalf("esc without Back: want a QuitMsg")
	}
	if q, ok := sumPress(alone, "q")[0].(QuitMsg); !ok || q.Force {
		t.Fatalf("q: want a QuitMsg")
	}
	if v := sumView(alone); !strings.Contains(v, "no traces to summarise") {
		t.Fatalf("empty summary:\n%s", v)
	}
}

// helpText is every binding of a key map as "key desc" lines.
func helpText(km help.KeyMap) string {
	var b strings.Builder
	for _, col := range km.FullHelp() {
		for _, k := range col {
			b.WriteString(k.Help().Key + " " + k.Help().Desc + "\n")
		}
	}
	return b.String()
}
