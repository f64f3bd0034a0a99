package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/trace"
)

// SummaryOptions configure a summary screen.
type SummaryOptions struct {
	// Paths are local trace files (torch *.json[.gz], nsys *.nsys-rep).
	Paths []string
	// Source says where the traces come from, for the header (e.g. "job
	// 1234 · fetched to ./traces-1234").
	Source string
	// Back lets Esc return to the screen below (the monitor) instead of
	// quitting.
	Back bool
	// Summarize reads one file (default trace.SummarizePath); tests replace it.
	Summarize func(ctx context.Context, path string) (*trace.FileSummary, error)
}

// summaryFileMsg is one file summarised; the screen then starts the next,
// so the header can say how far it got on large traces.
type summaryFileMsg struct {
	screen *SummaryScreen
	index  int
	sum    *trace.FileSummary
	err    error
}

// SummaryScreen shows what the traces say: per phase and rank the GPU
// kernels ranked by time, busy time against the span, prefill and decode
// side by side when the terminal is wide enough. The tables are
// trace.Render's, the same as `srtctl-tui summary`.
type SummaryScreen struct {
	ctx  *Context
	opt  SummaryOptions
	keys SummaryKeys
	vp   viewport.Model
	spin spinner.Model

	sums     []*trace.FileSummary
	errs     []string
	next     int // the next file to add, in order
	launched int // files started so far (up to summaryWorkers ahead of next)
	pending  map[int]summaryFileMsg
	started  bool
	cancel   context.CancelFunc
	runCtx   context.Context

	fullNames bool
	all       bool
	stacked   bool          // the user asked for one column on a wide terminal
	section   int           // index into summarySections
	compare   bool          // showing what changed between two runs
	picking   *picker       // c's list of other fetched runs, while open
	other     *fetchedOther // the fetched run chosen to compare with
	w, h      int
}

// summarySections are the screen's tabs, in order: today's kernel tables
// first, then where the GPU time went, idle per stream, launches.
var summarySections = []trace.Section{trace.SectionKernels, trace.SectionOverview, trace.SectionIdle, trace.SectionLaunches}

// kernelsMinWidth is the width the kernel tables are laid out at, at the
// least: on a narrower terminal ← → scroll them sideways.
const kernelsMinWidth = 120

// NewSummaryScreen summarises opt.Paths when it is first shown.
func NewSummaryScreen(ctx *Context, opt SummaryOptions) *SummaryScreen {
	if opt.Summarize == nil {
		opt.Summarize = trace.SummarizePath
	}
	s := &SummaryScreen{ctx: ctx, opt: opt, keys: DefaultSummaryKeys(), vp: viewport.New()}
	s.vp.SetHorizontalStep(8)
	s.vp.KeyMap = viewport.KeyMap{
		PageDown: s.keys.PageDown, PageUp: s.keys.PageUp,
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d")), HalfPageUp: key.NewBinding(key.WithKeys("ctrl+u")),
		Up: s.keys.Up, Down: s.keys.Down, Left: s.keys.Left, Right: s.keys.Right,
	}
	s.spin = spinner.New(spinner.WithSpinner(spinner.Dot))
	s.runCtx, s.cancel = context.WithCancel(context.Background())
	return s
}

// Summaries are the files summarised so far.
func (s *SummaryScreen) Summaries() []*trace.FileSummary { return s.sums }

// Done reports whether every file has been read.
func (s *SummaryScreen) Done() bool { return s.next >= len(s.opt.Paths) }

func (s *SummaryScreen) Title() string { return "trace summary" }

// Init starts summarising, once: the screen may be shown again after Esc.
func (s *SummaryScreen) Init() tea.Cmd {
	if s.started || s.Done() {
		return nil
	}
	s.started = true
	return tea.Batch(s.startMore(), s.spin.Tick)
}

// summaryWorkers is how many files are read at once: each is already
// decompressed and scanned on two goroutines.
const summaryWorkers = 2

// startMore starts reading files until summaryWorkers are under way.
func (s *SummaryScreen) startMore() tea.Cmd {
	var cmds []tea.Cmd
	for s.launched < len(s.opt.Paths) && s.launched-s.next < summaryWorkers {
		cmds = append(cmds, s.summarizeAt(s.launched))
		s.launched++
	}
	return tea.Batch(cmds...)
}

// summarizeAt reads file i.
func (s *SummaryScreen) summarizeAt(i int) tea.Cmd {
	if i >= len(s.opt.Paths) {
		return nil
	}
	p, ctx, fn := s.opt.Paths[i], s.runCtx, s.opt.Summarize
	return func() tea.Msg {
		sum, err := fn(ctx, p)
		return summaryFileMsg{screen: s, index: i, sum: sum, err: err}
	}
}

// Stop abandons summarising (the program is ending).
func (s *SummaryScreen) Stop() { s.cancel() }

func (s *SummaryScreen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.vp.SetWidth(max(w, 1))
	s.vp.SetHeight(max(h-s.headerHeight(), 1))
	s.render()
}

// HandleFileMsg takes a summarised file whoever received it (a screen
// below may get it when this one was left while it worked).
// Files may finish out of order; they are added in order.
func (s *SummaryScreen) handleFile(msg summaryFileMsg) tea.Cmd {
	if msg.index < s.next {
		return nil // a repeat
	}
	if s.pending == nil {
		s.pending = map[int]summaryFileMsg{}
	}
	s.pending[msg.index] = msg
	for {
		m, ok := s.pending[s.next]
		if !ok {
			break
		}
		delete(s.pending, s.next)
		s.next++
		if m.err != nil {
			s.errs = append(s.errs, safetext.Field(m.err.Error()))
		}
		if m.sum != nil {
			s.sums = append(s.sums, m.sum)
		}
	}
	s.launched = max(s.launched, s.next)
	s.SetSize(s.w, s.h)
	return s.startMore()
}

func (s *SummaryScreen) Update(msg tea.Msg) (Component, tea.Cmd) {
	switch msg := msg.(type) {
	case summaryFileMsg:
		if msg.screen == s {
			return s, s.handleFile(msg)
		}
		return s, nil
	case fetchedRunMsg:
		if msg.screen == s {
			return s, s.handleFetched(msg)
		}
		return s, nil
	case spinner.TickMsg:
		if s.Done() && (s.other == nil || !s.other.loading) {
			return s, nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return s, cmd
	case tea.KeyPressMsg:
		return s, s.handleKey(msg)
	}
	var cmd tea.Cmd
	s.vp, cmd = s.vp.Update(msg)
	return s, cmd
}

func (s *SummaryScreen) handleKey(k tea.KeyPressMsg) tea.Cmd {
	if s.picking != nil {
		return s.pickerKey(k)
	}
	switch {
	case key.Matches(k, s.keys.Quit):
		s.Stop()
		return Quit(false)
	case key.Matches(k, s.keys.Back):
		if s.other != nil && s.other.loading {
			// Its result may reach the monitor below, not this screen:
			// drop the read so c can start it again.
			s.other = nil
			s.SetSize(s.w, s.h)
		}
		if s.opt.Back {
			return Pop
		}
		s.Stop()
		return Quit(false)
	case key.Matches(k, s.keys.FullNames):
		s.fullNames = !s.fullNames
		s.render()
		return Status(onOff("full kernel names", s.fullNames), false)
	case key.Matches(k, s.keys.All):
		s.all = !s.all
		s.render()
		if s.all {
			return Status("every kernel listed", false)
		}
		return Status("top 15 kernels per table", false)
	case key.Matches(k, s.keys.Layout):
		s.stacked = !s.stacked
		s.render()
		if !s.stacked && !s.sideBySideFits() {
			return Status(fmt.Sprintf("side by side needs a terminal %d columns wide", 2*minSummaryColumn+summaryGap), false)
		}
		return nil
	case key.Matches(k, s.keys.NextSection), key.Matches(k, s.keys.PrevSection):
		step := 1
		if key.Matches(k, s.keys.PrevSection) {
			step = len(summarySections) - 1
		}
		s.section = (s.section + step) % len(summarySections)
		s.compare = false
		s.vp.SetYOffset(0)
		s.vp.SetXOffset(0)
		s.render()
		return nil
	case key.Matches(k, s.keys.Compare):
		_, _, two := s.comparedRuns()
		if !two && !s.compare {
			if s.other != nil && s.other.loading {
				return Status("still reading job "+safetext.Label(s.other.run.ID)+" for the compare", false)
			}
			return s.openPicker()
		}
		s.compare = !s.compare
		s.vp.SetYOffset(0)
		s.render()
		return nil
	case key.Matches(k, s.keys.Top):
		s.vp.GotoTop()
		return nil
	case key.Matches(k, s.keys.Bottom):
		s.vp.GotoBottom()
		return nil
	}
	var cmd tea.Cmd
	s.vp, cmd = s.vp.Update(k)
	return cmd
}

func onOff(what string, on bool) string {
	if on {
		return what + ": on"
	}
	return what + ": off"
}

// KeyMap is the footer's keys.
func (s *SummaryScreen) KeyMap() help.KeyMap {
	if s.picking != nil {
		return defaultPickerKeys
	}
	k := s.keys
	if s.opt.Back {
		k.Back.SetHelp("esc", "back")
	}
	_, _, canCompare := s.comparedRuns()
	_, _, fetched := s.fetchedBase()
	k.Compare.SetEnabled(canCompare || fetched)
	return k
}

// headerHeight is the lines above the tables.
func (s *SummaryScreen) headerHeight() int { return lipgloss.Height(s.header()) + 1 }

func (s *SummaryScreen) header() string {
	st := s.ctx.Styles
	var lines []string
	n := len(s.opt.Paths)
	files := fmt.Sprintf("%d trace file", n)
	if n != 1 {
		files += "s"
	}
	if s.opt.Source != "" {
		files += " · " + s.opt.Source
	}
	lines = append(lines, st.Bold.Render("Summary")+st.Muted.Render(" · "+files))
	lines = append(lines, s.tabs())
	switch {
	case n == 0:
		lines = append(lines, st.Warn.Render("no traces to summarise"))
	case !s.Done():
		p := s.opt.Paths[s.next]
		lines = append(lines, fmt.Sprintf("%s summarising %d/%d: %s", s.spin.View(), s.next+1, n, filepath.Base(p)))
	default:
		var size int64
		for _, sum := range s.sums {
			size += sum.Size
		}
		line := fmt.Sprintf("read %d of %d files", len(s.sums), n)
		if size > 0 {
			line += " (" + humanize.IBytes(uint64(size)) + ")"
		}
		lines = append(lines, st.Muted.Render(line))
	}
	for _, e := range s.errs {
		lines = append(lines, st.Error.Render("✘ "+e))
	}
	if s.other != nil && s.other.loading {
		lines = append(lines, fmt.Sprintf("%s reading job %s for the compare (%d files)", s.spin.View(), safetext.Label(s.other.run.ID), len(s.other.run.Files)))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(s.w, 1), "…")
	}
	return strings.Join(lines, "\n")
}

// tabs names the sections, the current one marked.
func (s *SummaryScreen) tabs() string {
	st := s.ctx.Styles
	var parts []string
	for i, sec := range summarySections {
		name := trace.SectionNames[sec]
		if i == s.section && !s.compare {
			parts = append(parts, st.Bold.Render("["+name+"]"))
		} else {
			parts = append(parts, st.Muted.Render(" "+name+" "))
		}
	}
	if _, _, ok := s.comparedRuns(); ok || s.other != nil {
		if s.compare {
			parts = append(parts, st.Bold.Render("[compare]"))
		} else {
			parts = append(parts, st.Muted.Render(" compare "))
		}
	}
	return strings.Join(parts, "")
}

// comparedRuns are the two runs c compares: the first two of one phase
// (a prefill against a decode would compare nothing alike).
func (s *SummaryScreen) comparedRuns() (a, b trace.Run, ok bool) {
	runs := trace.Runs(s.sums)
	for i := range runs {
		for j := i + 1; j < len(runs); j++ {
			if runs[i].Phase == runs[j].Phase {
				return runs[i], runs[j], true
			}
		}
	}
	return a, b, false
}

func (s *SummaryScreen) View() string {
	if s.picking != nil {
		return s.header() + "\n\n" + s.pickerView(max(s.h-s.headerHeight(), 1))
	}
	return s.header() + "\n\n" + s.vp.View()
}

// render lays the summaries out for the current width and options.
func (s *SummaryScreen) render() {
	if s.w <= 0 {
		return
	}
	y := s.vp.YOffset()
	s.vp.SetContent(s.content())
	s.vp.SetYOffset(y)
}

// Layout: two phases go side by side when each column gets this many
// cells, enough for the kernel, count, total, mean and share columns.
const (
	minSummaryColumn = 60
	summaryGap       = 3
)

func (s *SummaryScreen) sideBySideFits() bool { return (s.w-summaryGap)/2 >= minSummaryColumn }

func (s *SummaryScreen) content() string {
	if len(s.sums) == 0 {
		return ""
	}
	opts := trace.RenderOptions{NoColor: s.ctx.NoColor, FullNames: s.fullNames, Section: summarySections[s.section]}
	if s.all {
		opts.Top = -1
	}
	if a, b, ok := s.comparedRuns(); ok && s.compare {
		return trace.RenderCompare(trace.Compare(a.Sums, b.Sums), max(s.w, kernelsMinWidth), opts)
	}
	if s.compare && s.other != nil && !s.other.loading {
		return s.fetchedCompareContent(max(s.w, kernelsMinWidth), opts)
	}
	groups := phaseGroups(s.sums)
	w := s.w
	if opts.Section == trace.SectionKernels {
		w = max(w, kernelsMinWidth)
	}
	if len(groups) < 2 {
		return trace.Render(s.sums, w, opts)
	}
	if s.stacked || !s.sideBySideFits() {
		// One phase at a time: trace.Render alone would put two phases
		// side by side on a very wide screen.
		var parts []string
		for _, g := range groups {
			parts = append(parts, strings.TrimRight(trace.Render(g, w, opts), "\n"))
		}
		return strings.Join(parts, "\n\n") + "\n"
	}
	col := (s.w - summaryGap) / 2
	var rows []string
	for i := 0; i < len(groups); i += 2 {
		left := strings.TrimRight(trace.Render(groups[i], col, opts), "\n")
		if i+1 == len(groups) {
			rows = append(rows, left)
			break
		}
		right := strings.TrimRight(trace.Render(groups[i+1], col, opts), "\n")
		rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top,
			lipgloss.NewStyle().Width(col).Render(left), strings.Repeat(" ", summaryGap), right))
	}
	return strings.Join(rows, "\n\n") + "\n"
}

// phaseGroups splits summaries by phase, in the order trace.Render uses
// (prefill, decode, aggregated, unknown); nsys reports without numbers go
// with their phase.
func phaseGroups(sums []*trace.FileSummary) [][]*trace.FileSummary {
	order := []string{"prefill", "decode", "aggregated", ""}
	var out [][]*trace.FileSummary
	for _, ph := range order {
		var g []*trace.FileSummary
		for _, s := range sums {
			p := s.Phase
			if p != "prefill" && p != "decode" && p != "aggregated" {
				p = ""
			}
			if p == ph {
				g = append(g, s)
			}
		}
		if len(g) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// SummaryKeys are the summary screen's keys; they implement help.KeyMap.
type SummaryKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Left, Right key.Binding
	NextSection, PrevSection, Compare                    key.Binding
	FullNames, All, Layout, Back, Quit                   key.Binding
}

// DefaultSummaryKeys are the bindings the footer shows.
func DefaultSummaryKeys() SummaryKeys {
	return SummaryKeys{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Left:        key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "left")),
		Right:       key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "right")),
		NextSection: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "section")),
		PrevSection: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "prev")),
		Compare:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "compare")),
		FullNames:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "names")),
		All:         key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all")),
		Layout:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "layout")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "quit")),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the one-line footer.
func (k SummaryKeys) ShortHelp() []key.Binding {
	// Scrolling is in the full help ("?"): this line must fit 80 columns.
	return []key.Binding{k.NextSection, k.Compare, k.FullNames, k.All, k.Layout, k.Back, k.Quit}
}

// FullHelp is the footer after "?".
func (k SummaryKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown},
		{k.Top, k.Bottom, k.Left, k.Right},
		{k.NextSection, k.PrevSection, k.Compare},
		{k.FullNames, k.All, k.Layout},
		{k.Back, k.Quit},
	}
}
