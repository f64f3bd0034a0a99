package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// gridWidth is the narrowest terminal that shows a today's run as a grid
// of four panes; narrower ones show two.
const gridWidth = 160

// todayPanes are the panes of a today's run (srtctl 1.0.x, 2.x): one per
// log, created when the log appears, shown in two slots side by side (four
// in a grid on wide terminals). By default the slots hold the first
// prefill and the first decode worker (the aggregated worker and
// benchmark.out for an aggregated run), then the sweep log and
// benchmark.out (or the frontend); l lists every log to put in the
// focused slot instead.
type todayPanes struct {
	capacity int
	logs     []tail.LogFile
	panes    map[string]*Pane // by LogFile.Name
	slots    [4]string        // log names; "" while the default log has not appeared
	chosen   [4]bool          // the user put a log in this slot: keep it
	focus    int
	grid     bool
	picker   logList

	width, height int
}

func newTodayPanes(capacity int) *todayPanes {
	return &todayPanes{capacity: capacity, panes: map[string]*Pane{}}
}

// slotCount is how many slots are drawn.
func (t *todayPanes) slotCount() int {
	if t.grid {
		return 4
	}
	return 2
}

// found adds panes for logs that appeared and fills the default slots.
func (t *todayPanes) found(logs []tail.LogFile) {
	for _, l := range logs {
		if _, ok := t.panes[l.Name]; ok {
			continue
		}
		t.logs = append(t.logs, l)
		t.panes[l.Name] = NewPane(logTitle(l), t.capacity)
	}
	slices.SortStableFunc(t.logs, func(a, b tail.LogFile) int {
		if d := logRank(a) - logRank(b); d != 0 {
			return d
		}
		return a.Worker - b.Worker
	})
	want := t.defaults()
	for i := range t.slots {
		if !t.chosen[i] {
			t.slots[i] = want[i]
		}
	}
}

// defaults are the logs the slots show unless the user chose others.
func (t *todayPanes) defaults() [4]string {
	first := func(match func(tail.LogFile) bool) string {
		for _, l := range t.logs {
			if match(l) {
				return l.Name
			}
		}
		return ""
	}
	worker := func(mode string) string {
		return first(func(l tail.LogFile) bool { return l.Kind == tail.LogWorker && l.Mode == mode })
	}
	kind := func(k string) string { return first(func(l tail.LogFile) bool { return l.Kind == k }) }
	if agg := worker("agg"); agg != "" {
		return [4]string{agg, kind(tail.LogBenchmark), kind(tail.LogSweep), kind(tail.LogFrontend)}
	}
	return [4]string{worker("prefill"), worker("decode"), kind(tail.LogSweep), kind(tail.LogBenchmark)}
}

// logRank orders the log list: the story files, then the workers by
// mode, then the frontends.
func logRank(l tail.LogFile) int {
	switch l.Kind {
	case tail.LogSweep:
		return 0
	case tail.LogBenchmark:
		return 1
	case tail.LogWorker:
		return 2 + slices.Index(tail.TodayModes, l.Mode)
	}
	return 9
}

func logTitle(l tail.LogFile) string {
	switch l.Kind {
	case tail.LogWorker:
		return fmt.Sprintf("%s worker %d · %s", l.Mode, l.Worker, l.Name)
	case tail.LogFrontend:
		return "frontend · " + l.Name
	case tail.LogSweep:
		return "sweep · " + l.Name
	}
	return l.Name
}

func (t *todayPanes) lines(ev monitor.LogEvent) {
	if p, ok := t.panes[ev.Log.Name]; ok {
		p.Append(ev.Lines, ev.Partial, ev.Restarted)
	}
}

// shown reports whether log name is in a visible slot.
func (t *todayPanes) shown(name string) bool {
	return slices.Contains(t.slots[:t.slotCount()], name)
}

func (t *todayPanes) refresh() {
	for _, name := range t.slots[:t.slotCount()] {
		if p := t.panes[name]; p != nil {
			p.Refresh()
		}
	}
}

// focused is the pane of the focused slot (nil while its log is missing).
func (t *todayPanes) focused() *Pane { return t.panes[t.slots[t.focus]] }

func (t *todayPanes) cycle(back bool) {
	n := t.slotCount()
	if back {
		t.focus = (t.focus + n - 1) % n
	} else {
		t.focus = (t.focus + 1) % n
	}
}

// put shows log name in the focused slot.
func (t *todayPanes) put(name string) {
	if _, ok := t.panes[name]; !ok {
		return
	}
	t.slots[t.focus], t.chosen[t.focus] = name, true
	t.layout(t.width, t.height)
}

func (t *todayPanes) setWrap(on bool) {
	for _, p := range t.panes {
		p.SetWrap(on)
	}
}

// layout sizes the slots: a 2×2 grid from gridWidth columns, two side by
// side from sideBySideWidth, else stacked.
func (t *todayPanes) layout(w, h int) {
	t.width, t.height = w, h
	t.grid = w >= gridWidth && h >= 16
	if t.focus >= t.slotCount() {
		t.focus = 0
	}
	sizes := t.slotSizes()
	for i, name := range t.slots[:t.slotCount()] {
		if p := t.panes[name]; p != nil {
			p.SetSize(sizes[i][0], sizes[i][1])
			// A pane that was hidden kept its lines without drawing them.
			p.Refresh()
		}
	}
}

func (t *todayPanes) slotSizes() [][2]int {
	w, h := t.width, t.height
	half := func(n int) (int, int) { return n / 2, n - n/2 }
	switch {
	case t.grid:
		lw, rw := half(w)
		th, bh := half(h)
		return [][2]int{{lw, th}, {rw, th}, {lw, bh}, {rw, bh}}
	case w >= sideBySideWidth:
		lw, rw := half(w)
		return [][2]int{{lw, h}, {rw, h}}
	default:
		th, bh := half(h)
		return [][2]int{{w, th}, {w, bh}}
	}
}

// view draws the slots (or the log list while it is open).
func (t *todayPanes) view(st Styles, status *monitor.Status) string {
	if t.picker.open {
		return t.picker.view(st, t.logs, t.width, t.height)
	}
	sizes := t.slotSizes()
	views := make([]string, t.slotCount())
	for i, name := range t.slots[:t.slotCount()] {
		if p := t.panes[name]; p != nil {
			views[i] = p.View(st, i == t.focus)
			continue
		}
		frame := st.Pane
		if i == t.focus {
			frame = st.FocusedPane
		}
		w, h := sizes[i][0], sizes[i][1]
		msg := st.Muted.Render(ansi.Truncate(t.waitingFor(i, status), max(w-2, 1), "…"))
		views[i] = frame.Width(w).Height(h).MaxHeight(h).Render(
			lipgloss.NewStyle().Width(max(w-2, 1)).Height(max(h-2, 1)).Render(msg))
	}
	switch {
	case t.grid:
		return lipgloss.JoinVertical(lipgloss.Left,
			lipgloss.JoinHorizontal(lipgloss.Top, views[0], views[1]),
			lipgloss.JoinHorizontal(lipgloss.Top, views[2], views[3]))
	case t.width >= sideBySideWidth:
		return lipgloss.JoinHorizontal(lipgloss.Top, views...)
	}
	return lipgloss.JoinVertical(lipgloss.Left, views...)
}

// waitingFor says which log an empty slot waits for.
func (t *todayPanes) waitingFor(i int, status *monitor.Status) string {
	agg := slices.Contains(status.PhaseStreams(), monitor.StreamAggregated)
	what := [4]string{"the first prefill worker's log", "the first decode worker's log", "the sweep log", "benchmark.out"}
	if agg {
		what = [4]string{"the aggregated worker's log", "benchmark.out", "the sweep log", "the frontend's log"}
	}
	return "waiting for " + what[i] + " (l lists every log)"
}

// benchLine is the benchmark results so far, one cell per concurrency,
// as srtctl's own monitor shows them.
func benchLine(st Styles, results []tail.BenchResult) string {
	if len(results) == 0 {
		return ""
	}
	cells := make([]string, len(results))
	for i, r := range results {
		cells[i] = fmt.Sprintf("c=%d %.0f tok/s TTFT %.0f ms TPOT %.2f ms", r.Concurrency, r.OutputThroughput, r.TTFT, r.TPOT)
	}
	return st.Bold.Render("results ") + strings.Join(cells, st.Muted.Render(" │ "))
}
