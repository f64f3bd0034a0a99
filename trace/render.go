package trace

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// RenderOptions shape the text summary.
type RenderOptions struct {
	// Top is how many kernels each table lists: 0 means 15, negative all.
	Top int
	// NoColor renders without colours (NO_COLOR, or a UI in plain mode);
	// bold and the bars stay.
	NoColor bool
	// FullNames lists each table's kernels by their full signatures below it.
	FullNames bool
	// Section is what to draw (default: everything).
	Section Section
}

// Layout constants: two phases go side by side when each column gets at
// least sideBySideMin cells.
const (
	defaultTop    = 15
	countWidth    = 7
	durWidth      = 8
	sideBySideMin = 72
	columnGap     = 3
)

type renderStyles struct {
	title, label, muted, bar, warn lipgloss.Style
}

func newRenderStyles(noColor bool) renderStyles {
	st := renderStyles{
		title: lipgloss.NewStyle().Bold(true),
		label: lipgloss.NewStyle().Bold(true),
		muted: lipgloss.NewStyle().Faint(true),
		bar:   lipgloss.NewStyle(),
		warn:  lipgloss.NewStyle().Bold(true),
	}
	if !noColor {
		st.title = st.title.Foreground(lipgloss.Color("12"))
		st.bar = st.bar.Foreground(lipgloss.Color("14"))
		st.warn = st.warn.Foreground(lipgloss.Color("11"))
	}
	return st
}

// Render draws summaries as text at most width cells wide: for each phase
// (prefill, decode, aggregated, then unknown) and each run of it, where the
// GPU time went per rank side by side, idle time per stream, launches, and
// one kernel table per rank and, with several ranks of the run, a combined
// one; runs side by side when the width allows (only ranks of one run are
// ever combined).
// Nsight Systems reports that could not be summarised are listed at the end
// with their sizes and the commands that open them.
func Render(sums []*FileSummary, width int, opts RenderOptions) string {
	if opts.Top == 0 {
		opts.Top = defaultTop
	}
	width = max(width, 40)
	st := newRenderStyles(opts.NoColor)
	runs, reports := Runs(sums), nsysReports(sums)

	colWidth := width
	sideBySide := len(runs) > 1 && (width-columnGap)/2 >= sideBySideMin
	if sideBySide {
		colWidth = (width - columnGap) / 2
	}
	perPhase := map[string]int{}
	for _, r := range runs {
		perPhase[r.Phase]++
	}
	var blocks []string
	for _, r := range runs {
		blocks = append(blocks, renderRun(r, perPhase[r.Phase] > 1, colWidth, opts, st))
	}
	var out []string
	if sideBySide {
		gap := strings.Repeat(" ", columnGap)
		for i := 0; i < len(blocks); i += 2 {
			if i+1 < len(blocks) {
				out = append(out, lipgloss.JoinHorizontal(lipgloss.Top, padBlock(blocks[i], colWidth), gap, blocks[i+1]))
			} else {
				out = append(out, blocks[i])
			}
		}
	} else {
		out = blocks
	}
	if len(reports) > 0 {
		out = append(out, renderReports(reports, width, st))
	}
	if len(out) == 0 {
		return st.muted.Render("no traces or reports to summarise") + "\n"
	}
	lines := strings.Split(strings.Join(out, "\n\n"), "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRight(line, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// padBlock pads every line to w cells, so the next column starts straight.
func padBlock(block string, w int) string {
	return lipgloss.NewStyle().Width(w).Render(block)
}

// nsysReports are the summaries that are only listed.
func nsysReports(sums []*FileSummary) []*FileSummary {
	var out []*FileSummary
	for _, s := range sums {
		if s != nil && s.Kind == KindNsysReport {
			out = append(out, s)
		}
	}
	return out
}

// renderRun draws one run of one phase: the sections opts asks for.
func renderRun(r Run, named bool, w int, opts RenderOptions, st renderStyles) string {
	name := strings.ToUpper(r.Phase)
	if name == "" {
		name = "UNKNOWN PHASE"
	}
	ranks := countLabel(r.Sums)
	title := st.title.Render(name)
	if named {
		title += st.muted.Render(" · run " + safetext.Label(r.Label))
	}
	parts := []string{ansi.Truncate(title+st.muted.Render(" · "+ranks), w, "…")}
	want := func(sec Section) bool { return opts.Section == SectionAll || opts.Section == sec }
	if want(SectionOverview) {
		parts = append(parts, renderOverview(r.Sums, w, st))
	}
	if opts.Section == SectionAll || opts.Section == SectionKernels {
		for _, s := range r.Sums {
			parts = append(parts, renderTable(s, w, opts, st))
		}
		if len(r.Sums) > 1 {
			combined := Combine(r.Sums)
			combined.Rank = ranks
			parts = append(parts, renderTable(combined, w, opts, st))
			if spread := renderSpread(r.Sums, w, 5, st); spread != "" {
				parts = append(parts, spread)
			}
		}
	}
	if want(SectionIdle) {
		parts = append(parts, renderIdle(r.Sums, w, st))
	}
	if want(SectionLaunches) {
		parts = append(parts, renderLaunches(r.Sums, w, st))
	}
	return strings.Join(parts, "\n\n")
}

// countLabel says "2 ranks", or "3 traces" when some share a rank (several
// profiling windows of one rank).
func countLabel(sums []*FileSummary) string {
	ranks := map[string]bool{}
	for _, s := range sums {
		ranks[s.Rank] = true
	}
	switch n := len(sums); {
	case n == 1:
		return "1 rank"
	case len(ranks) == n:
		return fmt.Sprintf("%d ranks", n)
	default:
		return fmt.Sprintf("%d traces", n)
	}
}

// tableLayout decides which columns fit in w cells.
type tableLayout struct {
	name                int
	minMax, mean, bar   bool
	barWidth, rankWidth int
}

func layoutFor(w, rows int) tableLayout {
	l := tableLayout{minMax: true, mean: true, bar: true, barWidth: 10, rankWidth: len(fmt.Sprint(rows))}
	fixed := func() int {
		n := l.rankWidth + 1 + countWidth + 1 + durWidth + 1 + 6 // rank, count, total, share
		if l.mean {
			n += 1 + durWidth
		}
		if l.minMax {
			n += 2 * (1 + durWidth)
		}
		if l.bar {
			n += 1 + l.barWidth
		}
		return n + 1 // the space after the name
	}
	// The bar is decoration; min and max are data: the bar goes first.
	if w-fixed() < 24 {
		l.bar = false
	}
	if w-fixed() < 20 {
		l.minMax = false
	}
	if w-fixed() < 12 {
		l.mean = false
	}
	l.name = max(w-fixed(), 8)
	return l
}

func renderTable(s *FileSummary, w int, opts RenderOptions, st renderStyles) string {
	var b strings.Builder
	b.WriteString(st.label.Render(tableTitle(s, w)))
	b.WriteString("\n")
	for _, line := range totalsLines(s, w, st) {
		b.WriteString(line + "\n")
	}
	if s.Incomplete != nil {
		b.WriteString(st.warn.Render(ansi.Wordwrap("⚠ "+safetext.Label(s.Incomplete.Error())+"; the numbers cover what was read", w, " ")) + "\n")
	}
	ks := s.Kernels
	if opts.Top > 0 && len(ks) > opts.Top {
		ks = ks[:opts.Top]
	}
	if len(ks) == 0 {
		b.WriteString(st.muted.Render("no GPU kernels"))
		return b.String()
	}
	l := layoutFor(w, len(ks))
	full := make([]string, len(ks))
	for i, k := range ks {
		full[i] = k.Name
	}
	names := fitNames(full, l.name)
	header := []string{pad("#", l.rankWidth, true), pad("kernel", l.name, false), pad("count", countWidth, true), pad("total", durWidth, true)}
	if l.mean {
		header = append(header, pad("mean", durWidth, true))
	}
	if l.minMax {
		header = append(header, pad("min", durWidth, true), pad("max", durWidth, true))
	}
	header = append(header, pad("share", 6, true))
	b.WriteString(st.muted.Render(strings.Join(header, " ")))
	for i, k := range ks {
		share := s.Share(k)
		cells := []string{
			pad(fmt.Sprint(i+1), l.rankWidth, true),
			pad(names[i], l.name, false),
			pad(FormatCount(k.Count), countWidth, true),
			pad(FormatDuration(k.TotalUS), durWidth, true),
		}
		if l.mean {
			cells = append(cells, pad(FormatDuration(k.MeanUS()), durWidth, true))
		}
		if l.minMax {
			cells = append(cells, pad(FormatDuration(k.MinUS), durWidth, true), pad(FormatDuration(k.MaxUS), durWidth, true))
		}
		cells = append(cells, pad(fmt.Sprintf("%.1f%%", share), 6, true))
		if l.bar {
			cells = append(cells, st.bar.Render(Bar(share/100, l.barWidth)))
		}
		b.WriteString("\n" + strings.Join(cells, " "))
	}
	if rest := len(s.Kernels) - len(ks); rest > 0 {
		b.WriteString("\n" + st.muted.Render(fmt.Sprintf("… %d more kernels", rest)))
	}
	if f := s.Folded; f.Count > 0 {
		b.WriteString("\n" + st.warn.Render(ansi.Wordwrap(fmt.Sprintf("+ %s launches (%s, %.1f%%) of kernels whose names were not kept: more than %s distinct names",
			FormatCount(f.Count), FormatDuration(f.TotalUS), s.Share(f), FormatCount(maxKernelNames)), w, " ")))
	}
	if opts.FullNames {
		b.WriteString("\n" + st.muted.Render("full names:"))
		for i, k := range ks {
			b.WriteString("\n" + ansi.Wrap(fmt.Sprintf("%*d  %s", l.rankWidth, i+1, safetext.Label(k.Name)), w, ""))
		}
	}
	return b.String()
}

func tableTitle(s *FileSummary, w int) string {
	var t string
	switch {
	case s.Ranks > 1:
		t = "combined · " + s.Rank
	case s.Rank != "":
		t = "rank " + s.Rank
	default:
		t = "rank ?"
	}
	if s.Path != "" && s.Ranks <= 1 {
		t += " · " + filepath.Base(s.Path)
	}
	if s.Kind == KindNsys {
		t += " · nsys"
	}
	return ansi.Truncate(safetext.Label(t), w, "…")
}

// totalsLines shows busy time against the span and the per-category totals.
func totalsLines(s *FileSummary, w int, st renderStyles) []string {
	var busy string
	if s.Kind == KindNsys {
		busy = st.muted.Render("GPU busy time: not in nsys kernel summaries")
	} else {
		busy = fmt.Sprintf("GPU busy %s of %s span (%.1f%%)", FormatDuration(s.BusyUS), FormatDuration(s.SpanUS), s.BusyPercent())
		if s.Ranks > 1 {
			// Combine adds the ranks' spans: say so, or it reads as wall time.
			busy = fmt.Sprintf("GPU busy %s of %s span, summed over %d ranks (%.1f%%)", FormatDuration(s.BusyUS), FormatDuration(s.SpanUS), s.Ranks, s.BusyPercent())
		}
		// The bar is the first thing a narrow screen does without.
		if ansi.StringWidth(busy)+11 <= w {
			busy += " " + st.bar.Render(Bar(s.BusyPercent()/100, 10))
		} else if ansi.StringWidth(busy) > w {
			busy = ansi.Wordwrap(busy, w, " ")
		}
	}
	var cats []string
	for _, name := range []string{CatKernel, CatMemcpy, CatMemset} {
		c := s.Category(name)
		label := strings.TrimPrefix(name, "gpu_")
		if c.Count == 0 {
			cats = append(cats, label+" "+st.muted.Render("none"))
			continue
		}
		cats = append(cats, fmt.Sprintf("%s %s ×%s", label, FormatDuration(c.TotalUS), FormatCount(c.Count)))
	}
	if s.Kind == KindNsys {
		cats = cats[:1]
	}
	lines := []string{busy}
	if joined := strings.Join(cats, " · "); ansi.StringWidth(joined) <= w {
		lines = append(lines, joined)
	} else {
		lines = append(lines, cats...)
	}
	if s.Skipped > 0 {
		lines = append(lines, st.warn.Render(fmt.Sprintf("%s GPU events without a readable ts or dur were skipped", FormatCount(s.Skipped))))
	}
	if s.BusyApprox {
		lines = append(lines, st.warn.Render(ansi.Wordwrap("busy time approximate: over a million separate GPU intervals came far out of time order", w, " ")))
	}
	return lines
}

// Bar draws frac (0 to 1) as a bar of at most width cells, in eighths of a
// cell, unpadded.
func Bar(frac float64, width int) string {
	if !(frac > 0) { // also NaN
		return ""
	}
	frac = min(frac, 1)
	eighths := int(frac*float64(width*8) + 0.5)
	if eighths == 0 {
		eighths = 1 // something, however small, is not nothing
	}
	partial := []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}
	return strings.Repeat("█", eighths/8) + partial[eighths%8]
}

// fitNames shows kernels in w cells each: the label, else the label
// without namespaces, else that shortened in the middle; names that are
// different stay different (the shortening keeps the part where they
// differ).
func fitNames(full []string, w int) []string {
	w = max(w, 5)
	labels := make([]string, len(full))
	out := make([]string, len(full))
	for i, f := range full {
		labels[i] = safetext.Label(KernelLabel(f))
		if ansi.StringWidth(labels[i]) > w {
			labels[i] = unqualified(labels[i])
		}
		out[i] = middleEllipsis(labels[i], w, -1)
	}
	// Different kernels with the same shortening: show where their labels
	// differ.
	// (Sorted, each label's longest common prefix with another is with
	// a neighbour: n log n, whatever the names.)
	for _, idx := range duplicates(out) {
		slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(labels[a], labels[b]) })
		var runs [][]int // identical labels together
		for _, i := range idx {
			if n := len(runs); n > 0 && labels[runs[n-1][0]] == labels[i] {
				runs[n-1] = append(runs[n-1], i)
			} else {
				runs = append(runs, []int{i})
			}
		}
		for r, run := range runs {
			d := -1
			if r > 0 {
				d = commonPrefix(labels[run[0]], labels[runs[r-1][0]])
			}
			if r+1 < len(runs) {
				d = max(d, commonPrefix(labels[run[0]], labels[runs[r+1][0]]))
			}
			if d >= 0 {
				for _, i := range run {
					out[i] = middleEllipsis(labels[i], w, d)
				}
			}
		}
		slices.Sort(idx)
	}
	// Still the same (or the same label): number them. The first of
	// identical labels stays as it is, the others get " #2", " #3"; names
	// that differ only beyond what fits get their row's number.
	for range 4 {
		dups := duplicates(out)
		if len(dups) == 0 {
			break
		}
		for _, idx := range dups {
			same := true
			for _, i := range idx {
				same = same && labels[i] == labels[idx[0]]
			}
			for n, i := range idx {
				suffix := fmt.Sprintf("#%d", i+1)
				if same {
					if n == 0 {
						continue
					}
					suffix = fmt.Sprintf(" #%d", n+1)
				}
				out[i] = middleEllipsis(labels[i], max(w-len(suffix), 1), -1) + suffix
			}
		}
	}
	return out
}

// duplicates lists the groups of indexes whose strings are equal, in the
// order of their first index.
func duplicates(out []string) [][]int {
	at := map[string]int{}
	var groups [][]int
	for i, o := range out {
		g, ok := at[o]
		if !ok {
			g = len(groups)
			at[o] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	var dups [][]int
	for _, g := range groups {
		if len(g) > 1 {
			dups = append(dups, g)
		}
	}
	return dups
}

func commonPrefix(a, b string) int {
	r1, r2 := []rune(a), []rune(b)
	i := 0
	for i < len(r1) && i < len(r2) && r1[i] == r2[i] {
		i++
	}
	return i
}

// middleEllipsis fits s in w cells: its head, "…", and its tail; when at
// (a rune index) is not negative, the tail starts a little before it, so
// that the character at is shown.
func middleEllipsis(s string, w, at int) string {
	r := []rune(s)
	if ansi.StringWidth(s) <= w {
		return s
	}
	if w < 5 {
		return ansi.Truncate(s, w, "…")
	}
	// The head says what the kernel is (cudnn_generated_fort_native_sdpa,
	// nvjet_sm90_tst_192x192): it gets the larger part.
	head := (w - 1) * 3 / 5
	tailFrom := len(r) - (w - 1 - head)
	if at >= 0 && at >= tailFrom {
		at = -1 // already shown
	}
	if at >= 0 {
		if at < head {
			return string(r[:w-1]) + "…" // the difference is in the head
		}
		// head … window from a little before at … (tail cut)
		head = min(head, max(w/3, 4))
		from := max(at-3, head)
		n := w - head - 2
		if from+n >= len(r) {
			return string(r[:head]) + "…" + string(r[len(r)-(w-1-head):])
		}
		return string(r[:head]) + "…" + string(r[from:from+n]) + "…"
	}
	return string(r[:head]) + "…" + string(r[tailFrom:])
}

// pad fits s to w cells, right-aligned for numbers.
func pad(s string, w int, right bool) string {
	n := ansi.StringWidth(s)
	if n >= w {
		return s
	}
	if right {
		return strings.Repeat(" ", w-n) + s
	}
	return s + strings.Repeat(" ", w-n)
}

// renderReports lists Nsight Systems reports that could not be summarised.
func renderReports(reports []*FileSummary, w int, st renderStyles) string {
	var b strings.Builder
	b.WriteString(st.title.Render("NSIGHT SYSTEMS REPORTS"))
	for _, r := range reports {
		path := safetext.Label(r.Path)
		b.WriteString("\n" + st.label.Render(ansi.Truncate(path, w, "…")) + "  " + humanize.IBytes(uint64(max(r.Size, 0))))
		if KindOf(r.Path) == FileNsysPartial {
			b.WriteString("\n  " + st.warn.Render("not a report yet: Nsight Systems is still writing it (or was stopped before it finished)"))
			continue
		}
		if r.Incomplete != nil {
			b.WriteString("\n  " + st.warn.Render(ansi.Wordwrap(safetext.Label(r.Incomplete.Error()), w-2, " ")))
		}
		for _, hint := range OpenHints(r.Path) {
			b.WriteString("\n  " + st.muted.Render(ansi.Wrap(safetext.Label(hint), w-2, "")))
		}
	}
	return b.String()
}
