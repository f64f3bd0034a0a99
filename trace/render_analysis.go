package trace

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Section picks what Render draws; SectionAll is every one, in order.
type Section int

const (
	SectionAll Section = iota
	SectionOverview
	SectionIdle
	SectionLaunches
	SectionKernels
)

// SectionNames name the sections (tabs in the UI), by Section.
var SectionNames = [...]string{"all", "overview", "idle", "launches", "kernels"}

// Bar glyphs of the temporal breakdown.
const (
	glyphCompute    = "█"
	glyphNonCompute = "▓"
	glyphSync       = "▒"
	glyphIdle       = "░"
)

// analysed are the summaries with an analysis.
func analysed(sums []*FileSummary) []*FileSummary {
	var out []*FileSummary
	for _, s := range sums {
		if s.Analysis != nil {
			out = append(out, s)
		}
	}
	return out
}

// stepNote says how ProfilerStep markers cut the analyses, "" when not.
func stepNote(sums []*FileSummary) string {
	for _, s := range analysed(sums) {
		if st := s.Analysis.Steps; st.Cut {
			return fmt.Sprintf("ProfilerStep#%d–%d: breakdowns cover the complete steps (the last and what follows dropped); the kernel table covers everything", st.First, st.Last)
		}
	}
	return ""
}

// temporalBar draws compute, non-compute, sync and idle in w cells, each
// part rounded to whole cells by largest remainder.
func temporalBar(t Temporal, w int) string {
	if t.SpanUS <= 0 || w <= 0 {
		return ""
	}
	parts := []float64{t.ComputeUS, t.NonComputeUS, t.SyncUS, t.IdleUS}
	glyphs := []string{glyphCompute, glyphNonCompute, glyphSync, glyphIdle}
	cells := make([]int, len(parts))
	type rem struct {
		i int
		r float64
	}
	var rems []rem
	used := 0
	for i, p := range parts {
		x := max(p, 0) / t.SpanUS * float64(w)
		cells[i] = int(x)
		used += cells[i]
		rems = append(rems, rem{i, x - math.Floor(x)})
	}
	for used < w {
		best := 0
		for j := range rems {
			if rems[j].r > rems[best].r {
				best = j
			}
		}
		cells[rems[best].i]++
		rems[best].r = -1
		used++
	}
	var b strings.Builder
	for i, n := range cells {
		b.WriteString(strings.Repeat(glyphs[i], n))
	}
	return b.String()
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", x) }

// rankColumns lays out a table with one column per rank, in chunks that
// fit w cells.
func rankColumns(ranks []*FileSummary, w, labelW, colW int, rows []rankRow, st renderStyles) []string {
	perChunk := max((w-labelW)/colW, 1)
	var lines []string
	for from := 0; from < len(ranks); from += perChunk {
		chunk := ranks[from:min(from+perChunk, len(ranks))]
		head := pad("", labelW, false)
		for _, r := range chunk {
			head += pad(ansi.Truncate(safetext.Label(rankName(r)), colW-1, "…"), colW, true)
		}
		lines = append(lines, st.muted.Render(head))
		for _, row := range rows {
			line := pad(row.label, labelW, false)
			for _, r := range chunk {
				line += pad(row.cell(r.Analysis), colW, true)
			}
			lines = append(lines, line)
		}
	}
	return lines
}

type rankRow struct {
	label string
	cell  func(a *Analysis) string
}

// renderOverview is where the time went per rank, side by side, with the
// type breakdown, the overlap and, for several ranks, the skew.
func renderOverview(sums []*FileSummary, w int, st renderStyles) string {
	all := analysed(sums)
	if len(all) == 0 {
		return st.muted.Render("no GPU timeline (nsys kernel summaries have none)")
	}
	var lines []string
	lines = append(lines, st.label.Render("where the GPU time went"))
	if note := stepNote(all); note != "" {
		lines = append(lines, st.warn.Render(ansi.Wordwrap(note, w, " ")))
	}
	var ranks []*FileSummary
	for _, r := range all {
		if r.Analysis.Events > 0 {
			ranks = append(ranks, r)
			continue
		}
		why := "no GPU events on a stream"
		if r.Analysis.Steps.Cut {
			why = "no GPU event of a complete step has its launch in the trace"
		}
		lines = append(lines, st.muted.Render(ansi.Wordwrap(safetext.Label(rankName(r))+": "+why, w, " ")))
	}
	if len(ranks) == 0 {
		return strings.Join(lines, "\n")
	}
	tp := func(f func(t Temporal) float64) func(a *Analysis) string {
		return func(a *Analysis) string { return pct(a.Temporal.Pct(f(a.Temporal))) }
	}
	idleBy := func(f func(s StreamIdle) float64) func(a *Analysis) string {
		return func(a *Analysis) string {
			sum := 0.0
			for _, s := range a.Streams {
				sum += f(s)
			}
			return FormatDuration(sum)
		}
	}
	rows := []rankRow{
		{"span", func(a *Analysis) string { return FormatDuration(a.Temporal.SpanUS) }},
		{glyphCompute + " compute", tp(func(t Temporal) float64 { return t.ComputeUS })},
		{glyphNonCompute + " non-compute", tp(func(t Temporal) float64 { return t.NonComputeUS })},
		{glyphSync + " sync", tp(func(t Temporal) float64 { return t.SyncUS })},
		{glyphIdle + " idle", tp(func(t Temporal) float64 { return t.IdleUS })},
		{"COMPUTATION", func(a *Analysis) string { return FormatDuration(a.Types[Computation]) }},
		{"COMMUNICATION", func(a *Analysis) string { return FormatDuration(a.Types[Communication]) }},
		{"MEMORY", func(a *Analysis) string { return FormatDuration(a.Types[Memory]) }},
		{"OTHER", func(a *Analysis) string { return FormatDuration(a.Types[OtherType]) }},
		{"comm overlap", func(a *Analysis) string {
			if !a.HasComm {
				return "none"
			}
			return pct(a.OverlapPct)
		}},
		{"host wait Σ", idleBy(func(s StreamIdle) float64 { return s.HostWaitUS })},
		{"kernel wait Σ", idleBy(func(s StreamIdle) float64 { return s.KernelWaitUS })},
		{"other idle Σ", idleBy(func(s StreamIdle) float64 { return s.OtherUS })},
	}
	// The bars first: what a reader sees before scrolling.
	nameW := 0
	for _, r := range ranks {
		nameW = max(nameW, min(ansi.StringWidth(safetext.Label(rankName(r))), 12))
	}
	for _, r := range ranks {
		name := pad(ansi.Truncate(safetext.Label(rankName(r)), nameW, "…"), nameW, false)
		lines = append(lines, name+" "+st.bar.Render(temporalBar(r.Analysis.Temporal, max(w-nameW-1, 10))))
	}
	lines = append(lines, st.muted.Render(ansi.Truncate(glyphCompute+" compute  "+glyphNonCompute+" non-compute  "+glyphSync+" sync  "+glyphIdle+" idle", w, "…")))
	lines = append(lines, rankColumns(ranks, w, 15, 11, rows, st)...)
	lines = append(lines, st.muted.Render(ansi.Wordwrap("Σ: all streams added up (see idle)", w, " ")))
	if len(ranks) == 1 {
		a := ranks[0].Analysis
		var states []string
		for _, s := range a.States[:min(len(a.States), 4)] {
			states = append(states, fmt.Sprintf("%s %s", s.Name(), FormatDuration(s.US)))
		}
		if len(states) > 0 {
			lines = append(lines, st.muted.Render(ansi.Wordwrap("running at once: "+strings.Join(states, " · "), w, " ")))
		}
	}
	if sk := SkewOf(ranks); sk != nil {
		lines = append(lines, fmt.Sprintf("skew: busy %s–%s · idle %s–%s", pct(sk.BusyMinPct), pct(sk.BusyMaxPct), FormatDuration(sk.IdleMinUS), FormatDuration(sk.IdleMaxUS)))
		if sk.Straggler != "" {
			lines = append(lines, ansi.Wordwrap(fmt.Sprintf("straggler: %s (least communication: %s; the others wait for it)", safetext.Label(sk.Straggler), FormatDuration(sk.StragglerCommUS)), w, " "))
		}
	}
	for _, a := range ranks {
		if p := a.Analysis.Partial; p > 0 {
			lines = append(lines, st.warn.Render(ansi.Wordwrap(fmt.Sprintf("%s: %s events beyond the first %s were not analysed", safetext.Label(rankName(a)), FormatCount(p), FormatCount(maxAnalysedEvents)), w, " ")))
		}
	}
	return strings.Join(lines, "\n")
}

// renderIdle is each rank's idle time per stream, by cause.
func renderIdle(sums []*FileSummary, w int, st renderStyles) string {
	ranks := analysed(sums)
	if len(ranks) == 0 {
		return st.muted.Render("no GPU timeline")
	}
	const col = 9
	labelW := max(min(w-5*col-8, 24), 6)
	var blocks []string
	for _, r := range ranks {
		lines := []string{st.label.Render(ansi.Truncate("idle by stream · "+safetext.Label(rankName(r)), w, "…"))}
		head := pad("stream", labelW, false) + pad("host", col, true) + pad("kernel", col, true) + pad("other", col, true) +
			pad("gaps", 8, true) + pad("median", col, true) + pad("p90", col, true)
		lines = append(lines, st.muted.Render(head))
		for _, s := range r.Analysis.Streams {
			lines = append(lines, pad(ansi.Truncate(fmt.Sprint(s.Stream), labelW-1, "…"), labelW, false)+
				pad(FormatDuration(s.HostWaitUS), col, true)+pad(FormatDuration(s.KernelWaitUS), col, true)+pad(FormatDuration(s.OtherUS), col, true)+
				pad(FormatCount(s.Gaps), 8, true)+pad(FormatDuration(s.GapMedianUS), col, true)+pad(FormatDuration(s.GapP90US), col, true))
		}
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	blocks = append(blocks, st.muted.Render(ansi.Wordwrap("host: the next launch came after the GPU ran dry · kernel: launched in time, gap under 30 µs · other: the rest", w, " ")))
	return strings.Join(blocks, "\n\n")
}

// renderLaunches is how each rank's GPU work was launched.
func renderLaunches(sums []*FileSummary, w int, st renderStyles) string {
	ranks := analysed(sums)
	if len(ranks) == 0 {
		return st.muted.Render("no launches")
	}
	var blocks []string
	for _, r := range ranks {
		l := r.Analysis.Launch
		lines := []string{st.label.Render(ansi.Truncate("launches · "+safetext.Label(rankName(r)), w, "…"))}
		lines = append(lines, ansi.Wordwrap(fmt.Sprintf("%s calls launched GPU work · launch delay median %s · p90 %s · max %s",
			FormatCount(l.Launches), FormatDuration(l.DelayMedianUS), FormatDuration(l.DelayP90US), FormatDuration(l.DelayMaxUS)), w, " "))
		nameW := max(min(w-31, 32), 8)
		lines = append(lines, st.muted.Render(pad("API", nameW, false)+pad("calls", 10, true)+pad("kernels", 10, true)+pad("GPU events", 11, true)))
		for _, api := range l.APIs {
			lines = append(lines, pad(ansi.Truncate(safetext.Label(api.Name), nameW-1, "…"), nameW, false)+
				pad(FormatCount(api.Launches), 10, true)+pad(FormatCount(api.Kernels), 10, true)+pad(FormatCount(api.Events), 11, true))
		}
		if g := l.Graphs; g.Launches > 0 {
			each := fmt.Sprintf("%d kernels each", g.KernelsMin)
			if g.KernelsMin != g.KernelsMax {
				each = fmt.Sprintf("%d–%d kernels each (median %g)", g.KernelsMin, g.KernelsMax, g.KernelsMedian)
			}
			lines = append(lines, fmt.Sprintf("CUDA graphs: %s launches, %s", FormatCount(g.Launches), each))
		} else {
			lines = append(lines, st.muted.Render("CUDA graphs: none"))
		}
		if l.Unlaunched > 0 {
			lines = append(lines, st.muted.Render(fmt.Sprintf("%s GPU events without their launch in the trace", FormatCount(l.Unlaunched))))
		}
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	return strings.Join(blocks, "\n\n")
}

// renderSpread lists the kernels whose total differs most across ranks.
func renderSpread(sums []*FileSummary, w, top int, st renderStyles) string {
	sk := SkewOf(sums)
	if sk == nil || len(sk.Kernels) == 0 {
		return ""
	}
	n := min(len(sk.Kernels), max(top, 5))
	nameW := max(w-40, 12)
	lines := []string{st.label.Render("kernel spread across ranks"), st.muted.Render(pad("kernel", nameW, false) + pad("min", 9, true) + pad("max", 9, true) + pad("max/min", 9, true) + "  slowest")}
	names := make([]string, n)
	for i := range n {
		names[i] = sk.Kernels[i].Name
	}
	fitted := fitNames(names, nameW-1)
	for i, k := range sk.Kernels[:n] {
		ratio := "∞"
		if r := k.Ratio(); !math.IsInf(r, 0) {
			ratio = fmt.Sprintf("%.2fx", r)
		}
		lines = append(lines, pad(fitted[i], nameW, false)+pad(FormatDuration(k.MinUS), 9, true)+pad(FormatDuration(k.MaxUS), 9, true)+pad(ratio, 9, true)+"  "+ansi.Truncate(safetext.Label(k.MaxRank), 12, "…"))
	}
	return strings.Join(lines, "\n")
}
