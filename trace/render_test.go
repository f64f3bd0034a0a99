package trace

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var (
	samplesOnce sync.Once
	samples     []*FileSummary
	samplesErr  error
)

// sampleSummaries returns fresh copies of the prefill and decode summaries,
// read once for all the tests.
func sampleSummaries(t *testing.T) []*FileSummary {
	t.Helper()
	samplesOnce.Do(func() {
		for _, name := range []string{"1795954250-TP-0-prefill.trace.json.gz", "1795954250-TP-0-decode.trace.json.gz"} {
			s, err := SummarizeFile(sharedTrace(t, name))
			if err != nil {
				samplesErr = err
				return
			}
			samples = append(samples, s)
		}
	})
	if samplesErr != nil {
		t.Fatal(samplesErr)
	}
	var out []*FileSummary
	for _, s := range samples {
		c := *s
		out = append(out, &c)
	}
	return out
}

func maxLineWidth(s string) int {
	w := 0
	for _, line := range strings.Split(s, "\n") {
		w = max(w, ansi.StringWidth(line))
	}
	return w
}

// TestRenderSideBySide: wide, prefill and decode share lines; narrow, they
// are stacked; either way no line is wider than asked.
func TestRenderSideBySide(t *testing.T) {
	sums := sampleSummaries(t)
	wide := ansi.Strip(Render(sums, 180, RenderOptions{Top: 5}))
	first := strings.SplitN(wide, "\n", 2)[0]
	if !strings.Contains(first, "PREFILL") || !strings.Contains(first, "DECODE") {
		t.Fatalf("at 180 columns the phases are not side by side; first line %q", first)
	}
	for _, w := range []int{180, 100, 60} {
		out := Render(sums, w, RenderOptions{Top: 5})
		if got := maxLineWidth(out); got > w {
			t.Errorf("width %d: a line is %d wide", w, got)
		}
		if w < 2*sideBySideMin+columnGap {
			plain := ansi.Strip(out)
			if strings.Index(plain, "DECODE") < strings.Index(plain, "elementwise_kernel") {
				t.Errorf("width %d: decode is not below prefill", w)
			}
		}
	}
}

// TestRenderContent: the numbers a reader looks for are there.
func TestRenderContent(t *testing.T) {
	out := ansi.Strip(Render(sampleSummaries(t), 120, RenderOptions{Top: 3, NoColor: true}))
	for _, want := range []string{
		"PREFILL · 1 rank", "rank TP-0 · 1795954250-TP-0-prefill.trace.json.gz",
		"GPU busy 218 ms of 220 ms span (99.2%)", "memset 241 µs ×240", "memcpy none",
		"nvjet_sm90_tst_192x192_64x4_1x2_h_bz_coopB_TNN", "32.6%", "… 8 more kernels",
		"DECODE · 1 rank", "GPU busy 1.16 s of 2.56 s span (45.2%)", "at::native::elementwise_kernel [direct_copy]", "80.4%",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestRenderNoColor: with NoColor no colour sequence is emitted, only
// bold/faint attributes.
func TestRenderNoColor(t *testing.T) {
	out := Render(sampleSummaries(t), 120, RenderOptions{NoColor: true})
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") || strings.Contains(out, "[3") && strings.Contains(out, "m█") {
		t.Fatalf("colour sequences with NoColor: %q", out[:200])
	}
	if colored := Render(sampleSummaries(t), 120, RenderOptions{}); !strings.Contains(colored, "\x1b[") {
		t.Fatal("no styling at all without NoColor")
	}
}

// TestRenderRanksAndCombined: several ranks of one phase get one table
// each and a combined one whose counts add up.
func TestRenderRanksAndCombined(t *testing.T) {
	s := sampleSummaries(t)[1]
	r0, r1 := *s, *s
	r1.Rank = "TP-1"
	out := ansi.Strip(Render([]*FileSummary{&r0, &r1}, 120, RenderOptions{Top: 2}))
	for _, want := range []string{"DECODE · 2 ranks", "rank TP-0", "rank TP-1", "combined · 2 ranks", "3,200", "kernel 2.32 s ×12,400", "span, summed over 2 ranks"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	c := Combine([]*FileSummary{&r0, &r1})
	if c.GPUEvents != 2*s.GPUEvents || c.Kernels[0].Count != 2*s.Kernels[0].Count || c.Share(c.Kernels[0]) != s.Share(s.Kernels[0]) {
		t.Fatalf("combined: %d events, top kernel %d launches, share %v", c.GPUEvents, c.Kernels[0].Count, c.Share(c.Kernels[0]))
	}
	if c.BusyPercent() != s.BusyPercent() {
		t.Fatalf("combined busy %v%%, each rank %v%%", c.BusyPercent(), s.BusyPercent())
	}
}

// TestRenderUntrustedNames: control sequences in kernel names are not
// passed to the terminal.
func TestRenderUntrustedNames(t *testing.T) {
	s := &FileSummary{Phase: "decode", Rank: "TP-0", Kernels: []KernelStat{{Name: "evil\x1b]0;title\x07\x1b[2Jname", Count: 1, TotalUS: 1}}, KernelTotalUS: 1}
	out := Render([]*FileSummary{s}, 100, RenderOptions{NoColor: true, FullNames: true})
	if strings.Contains(out, "\x1b]") || strings.Contains(out, "\x07") || strings.Contains(out, "\x1b[2J") {
		t.Fatalf("control sequence passed through: %q", out)
	}
	if !strings.Contains(ansi.Strip(out), "evil?]0;title??[2Jname") {
		t.Fatalf("name not shown safely: %q", ansi.Strip(out))
	}
}

// TestRenderReports: reports without numbers are listed with size and how
// to open them; an unfinished one says so.
func TestRenderReports(t *testing.T) {
	sums := []*FileSummary{
		{Path: "/logs/profiles/decode_0.nsys-rep", Kind: KindNsysReport, Size: 3 << 20},
		{Path: "/logs/profiles/prefill_0.qdstrm", Kind: KindNsysReport, Size: 10},
	}
	out := ansi.Strip(Render(sums, 100, RenderOptions{}))
	for _, want := range []string{"NSIGHT SYSTEMS REPORTS", "decode_0.nsys-rep  3.0 MiB", "nsys stats --report cuda_gpu_kern_sum /logs/profiles/decode_0.nsys-rep", "nsys-ui", "still writing"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBarAndFormats(t *testing.T) {
	cases := map[float64]string{0: "", 1: "██████████", 0.5: "█████", 0.01: "▏", 0.55: "█████▌", 2: "██████████"}
	for frac, want := range cases {
		if got := Bar(frac, 10); got != want {
			t.Errorf("Bar(%v) = %q, want %q", frac, got, want)
		}
	}
	durs := map[float64]string{0: "0", 2.24: "2.24 µs", 501.4: "501 µs", 1480: "1.48 ms", 71100: "71.1 ms", 11636697.796: "11.6 s"}
	for us, want := range durs {
		if got := FormatDuration(us); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", us, got, want)
		}
	}
	if got := FormatCount(1234567); got != "1,234,567" {
		t.Errorf("FormatCount: %q", got)
	}
}

// The columns the issue asks for (count, total, mean, min, max, share)
// survive an 80-column table; the bar is the first to go.
func TestEightyColumnsKeepMinMax(t *testing.T) {
	l := layoutFor(80, 15)
	if !l.minMax || !l.mean || l.bar {
		t.Fatalf("80 columns: %+v, want min/max and mean without the bar", l)
	}
	if l := layoutFor(120, 15); !l.minMax || !l.bar {
		t.Fatalf("120 columns: %+v, want everything", l)
	}
	out := ansi.Strip(Render(sampleSummaries(t)[1:2], 80, RenderOptions{}))
	for _, col := range []string{"count", "total", "mean", "min", "max", "share"} {
		if !strings.Contains(out, col) {
			t.Errorf("80 columns: no %s column:\n%s", col, out)
		}
	}
}

// TestFitNamesKeepDistinctKernelsDistinct: whatever the width, kernels
// with different labels never read the same, and no name is wider than
// asked; the 80-column case of issue 13 (two nvjet kernels) included.
func TestFitNamesKeepDistinctKernelsDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	parts := []string{"nvjet_sm90_tst_", "192x192_", "64x4_", "1x2_", "2x1_", "h_bz_", "v_bz_", "coopA_", "coopB_", "TNN", "TNT", "NNT"}
	var names []string
	seen := map[string]bool{}
	for len(names) < 60 {
		var b strings.Builder
		for range 3 + rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		if n := b.String(); !seen[KernelLabel(n)] {
			seen[KernelLabel(n)] = true
			names = append(names, n)
		}
	}
	names = append(names, "nvjet_sm90_tst_192x192_64x4_1x2_h_bz_coopB_TNN", "nvjet_sm90_tst_192x192_64x4_2x1_v_bz_coopB_TNN")
	for _, w := range []int{8, 12, 20, 26, 40, 80} {
		fitted := fitNames(names, w)
		got := map[string]string{}
		for i, f := range fitted {
			if ansi.StringWidth(f) > w {
				t.Fatalf("width %d: %q is %d cells", w, f, ansi.StringWidth(f))
			}
			if other, dup := got[f]; dup && other != names[i] {
				t.Fatalf("width %d: %q and %q both read %q", w, other, names[i], f)
			}
			got[f] = names[i]
		}
	}
}

// TestFitNamesManyAlike: 20,000 names that all shorten alike (a long
// common head and tail) are told apart (pairwise comparison took minutes).
func TestFitNamesManyAlike(t *testing.T) {
	head, tail := strings.Repeat("h", 100), strings.Repeat("t", 100)
	var names []string
	for i := range 20000 {
		names = append(names, fmt.Sprintf("%s%d%s", head, i, tail))
	}
	fitted := fitNames(names, 30)
	seen := map[string]bool{}
	for _, f := range fitted {
		if seen[f] || ansi.StringWidth(f) > 30 {
			t.Fatalf("%q twice or too wide", f)
		}
		seen[f] = true
	}
}
