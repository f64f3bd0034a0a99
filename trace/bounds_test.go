package trace

import (
	"fmt"
	"strings"
	"testing"
)

// manyNames is a trace of n kernels, each with its own name, in time order
// and disjoint, with one name repeated at the end.
func manyNames(n int) string {
	var b strings.Builder
	b.WriteString(`{"traceEvents": [`)
	for i := range n {
		fmt.Fprintf(&b, `{"ph":"X","cat":"kernel","name":"k%d","ts":%d,"dur":1,"args":{"stream":7,"correlation":%d}},`, i, 2*i, i)
	}
	fmt.Fprintf(&b, `{"ph":"X","cat":"kernel","name":"k0","ts":%d,"dur":3}]}`, 2*n)
	return b.String()
}

// TestManyNamesFoldIntoOneRow: past maxKernelNames the names are not kept,
// their launches add up in one row, and every total stays exact.
func TestManyNamesFoldIntoOneRow(t *testing.T) {
	defer func(n, m int) { maxKernelNames, maxMerged = n, m }(maxKernelNames, maxMerged)
	maxKernelNames, maxMerged = 100, 64
	sum, err := Summarize(strings.NewReader(manyNames(1000)))
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Kernels) != 100 || sum.Folded.Count != 900 || sum.Folded.TotalUS != 900 || sum.Folded.MinUS != 1 || sum.Folded.MaxUS != 1 {
		t.Fatalf("%d kernels kept, folded %+v", len(sum.Kernels), sum.Folded)
	}
	if sum.Kernels[0].Name != "k0" || sum.Kernels[0].Count != 2 || sum.Kernels[0].TotalUS != 4 {
		t.Fatalf("a kept name seen again after the cap: %+v", sum.Kernels[0])
	}
	if sum.KernelTotalUS != 1003 || sum.Category(CatKernel).Count != 1001 {
		t.Fatalf("kernel total %v over %d launches, want 1003 over 1001", sum.KernelTotalUS, sum.Category(CatKernel).Count)
	}
	// 1001 disjoint intervals merged 64 at most at a time: still exact.
	if sum.BusyUS != 1003 || sum.SpanUS != 2003 || sum.BusyApprox {
		t.Fatalf("busy %v of %v (approx %v)", sum.BusyUS, sum.SpanUS, sum.BusyApprox)
	}
	out := Render([]*FileSummary{sum}, 100, RenderOptions{Top: 3, NoColor: true})
	if !strings.Contains(out, "+ 900 launches (900 µs, 89.7%) of kernels whose names were not kept: more than 100 distinct names") {
		t.Fatalf("no folded row:\n%s", out)
	}
	if c := Combine([]*FileSummary{sum, sum}); c.Folded.Count != 1800 || c.Folded.TotalUS != 1800 || c.KernelTotalUS != 2006 {
		t.Fatalf("combined: folded %+v, total %v", c.Folded, c.KernelTotalUS)
	}
	var js strings.Builder
	if err := WriteJSON(&js, []*FileSummary{sum}, 3); err != nil || !strings.Contains(js.String(), `"folded_kernels": {`) {
		t.Fatalf("JSON: %v\n%s", err, js.String())
	}
}

// TestBusyOutOfOrderIsFlagged: past maxMerged disjoint intervals, one that
// arrives far out of order makes the busy time approximate, and says so.
func TestBusyOutOfOrderIsFlagged(t *testing.T) {
	defer func(m, c int) { maxMerged, compactAt = m, c }(maxMerged, compactAt)
	maxMerged, compactAt = 8, 4
	var b busyTracker
	for i := range 40 {
		b.add(float64(2*i), float64(2*i+1))
	}
	if got := b.busy(); got != 40 || b.approx {
		t.Fatalf("in order: busy %v, approx %v", got, b.approx)
	}
	b.add(0.5, 79.5)
	if b.busy(); !b.approx {
		t.Fatal("an interval before the dropped ones did not make the result approximate")
	}
}

// TestAnalysedEventsBounded: past maxAnalysedEvents the analyses cover the
// first events and say how many they left out.
func TestAnalysedEventsBounded(t *testing.T) {
	defer func(n int) { maxAnalysedEvents = n }(maxAnalysedEvents)
	maxAnalysedEvents = 50
	sum, err := Summarize(strings.NewReader(manyNames(80)))
	if err != nil {
		t.Fatal(err)
	}
	if a := sum.Analysis; a.Events != 50 || a.Partial != 30 {
		t.Fatalf("%d events analysed, %d left out", a.Events, a.Partial)
	}
	if !strings.Contains(Render([]*FileSummary{sum}, 100, RenderOptions{Section: SectionOverview}), "30 events beyond the first 50 were not analysed") {
		t.Fatal("the overview does not say the analyses are partial")
	}
}
