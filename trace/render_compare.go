package trace

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// RenderCompare draws what changed from run A to run B: the temporal and
// type breakdowns side by side, then per kernel the count, total and mean
// in each with the change, what changed most first (opts.Top rows).
func RenderCompare(c *Comparison, width int, opts RenderOptions) string {
	if opts.Top == 0 {
		opts.Top = defaultTop
	}
	w := max(width, 40)
	st := newRenderStyles(opts.NoColor)
	a, b := c.A, c.B
	var lines []string
	lines = append(lines, st.title.Render("COMPARE")+st.muted.Render(ansi.Truncate(fmt.Sprintf(" · A %s (%s) → B %s (%s)",
		safetext.Label(a.Label), rankWord(a.Ranks), safetext.Label(b.Label), rankWord(b.Ranks)), w-7, "…")))
	for _, t := range []RunTotals{a, b} {
		lines = append(lines, st.muted.Render(ansi.Truncate(fmt.Sprintf("  %s: %s", runLetter(t, a), safetext.Label(strings.Join(t.Files, ", "))), w, "…")))
	}
	if a.Ranks > 1 || b.Ranks > 1 {
		lines = append(lines, st.muted.Render("times are summed over each run's ranks"))
	}
	row := func(label, x, y, change string) string {
		return pad(label, 16, false) + pad(x, 11, true) + pad(y, 11, true) + pad(change, 11, true)
	}
	lines = append(lines, "", st.label.Render("where the GPU time went"), st.muted.Render(row("", "A", "B", "change")))
	for _, r := range []struct {
		label string
		f     func(t RunTotals) float64
	}{
		{"span", func(t RunTotals) float64 { return t.Temporal.SpanUS }},
		{glyphCompute + " compute", func(t RunTotals) float64 { return t.Temporal.ComputeUS }},
		{glyphNonCompute + " non-compute", func(t RunTotals) float64 { return t.Temporal.NonComputeUS }},
		{glyphSync + " sync", func(t RunTotals) float64 { return t.Temporal.SyncUS }},
		{glyphIdle + " idle", func(t RunTotals) float64 { return t.Temporal.IdleUS }},
		{"COMPUTATION", func(t RunTotals) float64 { return t.Types[Computation] }},
		{"COMMUNICATION", func(t RunTotals) float64 { return t.Types[Communication] }},
		{"MEMORY", func(t RunTotals) float64 { return t.Types[Memory] }},
		{"OTHER", func(t RunTotals) float64 { return t.Types[OtherType] }},
	} {
		x, y := r.f(a), r.f(b)
		lines = append(lines, row(r.label, FormatDuration(x), FormatDuration(y), signed(y-x)))
	}
	ov := func(t RunTotals) string {
		if !t.HasComm {
			return "none"
		}
		return pct(t.OverlapPct)
	}
	lines = append(lines, row("comm overlap", ov(a), ov(b), ""))

	lines = append(lines, "", st.label.Render("kernels, what changed most first"))
	nameW := max(w-4*9-3*9-2, 12)
	num := func(s string) string { return pad(s, 9, true) }
	lines = append(lines, st.muted.Render(pad("kernel", nameW, false)+num("count A")+num("count B")+num("total A")+num("total B")+num("change")+num("mean A")+num("mean B")))
	ks := c.Kernels
	if opts.Top > 0 && len(ks) > opts.Top {
		ks = ks[:opts.Top]
	}
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = k.Name
	}
	fitted := fitNames(names, nameW-1)
	dash := func(ok bool, s string) string {
		if !ok {
			return "—"
		}
		return s
	}
	for i, k := range ks {
		lines = append(lines, pad(fitted[i], nameW, false)+
			num(dash(k.InA, FormatCount(k.A.Count)))+num(dash(k.InB, FormatCount(k.B.Count)))+
			num(dash(k.InA, FormatDuration(k.A.TotalUS)))+num(dash(k.InB, FormatDuration(k.B.TotalUS)))+num(signed(k.DeltaUS()))+
			num(dash(k.InA, FormatDuration(k.A.MeanUS())))+num(dash(k.InB, FormatDuration(k.B.MeanUS()))))
	}
	onlyA, onlyB := 0, 0
	for _, k := range c.Kernels {
		switch {
		case !k.InB:
			onlyA++
		case !k.InA:
			onlyB++
		}
	}
	lines = append(lines, st.muted.Render(fmt.Sprintf("%d kernels only in A, %d only in B (— marks them); %d kernels in all", onlyA, onlyB, len(c.Kernels))))
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func runLetter(t, a RunTotals) string {
	if t.Label == a.Label && strings.Join(t.Files, "") == strings.Join(a.Files, "") {
		return "A"
	}
	return "B"
}

func rankWord(n int) string {
	if n == 1 {
		return "1 rank"
	}
	return fmt.Sprintf("%d ranks", n)
}

// signed is a change with its sign: +1.20 ms, -3.00 µs.
func signed(us float64) string {
	if us > 0 {
		return "+" + FormatDuration(us)
	}
	return FormatDuration(us)
}
