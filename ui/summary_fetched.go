package ui

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/trace"
)

// Comparing with an earlier fetch: when the shown traces are one run per
// phase and sit in ./profiles/<ID>/ (where fetch and the monitor's d put
// them), c offers the other runs fetched beside them; the chosen one is
// compared with this one phase by phase, with trace.Compare.

// fetchedOther is a run chosen to compare with, and what it says.
type fetchedOther struct {
	run     trace.FetchedRun
	sums    []*trace.FileSummary
	errs    []string
	loading bool
}

// fetchedRunMsg is the chosen run summarised.
type fetchedRunMsg struct {
	screen *SummaryScreen
	dir    string
	sums   []*trace.FileSummary
	errs   []string
}

// picker is the list of fetched runs c opens.
type picker struct {
	runs []trace.FetchedRun
	at   int
}

// pickerKeys are the picker's footer; they implement help.KeyMap.
type pickerKeys struct{ Up, Down, Choose, Cancel, Quit key.Binding }

var defaultPickerKeys = pickerKeys{
	Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "compare")),
	Cancel: key.NewBinding(key.WithKeys("esc", "c"), key.WithHelp("esc", "cancel")),
	Quit:   key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
}

func (k pickerKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Choose, k.Cancel, k.Quit}
}

func (k pickerKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// fetchedBase is where this screen's traces were fetched, if they were.
func (s *SummaryScreen) fetchedBase() (base, runDir string, ok bool) {
	return trace.FetchedBase(s.opt.Paths)
}

// thisID names the shown run: its folder under profiles/.
func (s *SummaryScreen) thisID() string {
	if _, dir, ok := s.fetchedBase(); ok {
		return filepath.Base(dir)
	}
	return "this run"
}

// openPicker is c on a screen of one run per phase.
func (s *SummaryScreen) openPicker() tea.Cmd {
	base, dir, ok := s.fetchedBase()
	if !ok {
		return Status("compare needs two runs of one phase: summarise the traces of two jobs (or two profilings) together, or open one fetched to ./profiles/<ID>", false)
	}
	runs, err := trace.FetchedRuns(base, dir)
	if err != nil {
		return Status("looking for other fetched runs: "+err.Error(), true)
	}
	if len(runs) == 0 {
		return Status(fmt.Sprintf("no other fetched run in %s to compare with: fetch another job (srtctl-tui fetch ID), then c", base), false)
	}
	s.picking = &picker{runs: runs}
	return nil
}

// pickerKey handles a key while the picker is open.
func (s *SummaryScreen) pickerKey(k tea.KeyPressMsg) tea.Cmd {
	p, keys := s.picking, defaultPickerKeys
	switch {
	case key.Matches(k, keys.Quit):
		s.Stop()
		return Quit(false)
	case key.Matches(k, keys.Cancel):
		s.picking = nil
	case key.Matches(k, keys.Up):
		p.at = (p.at + len(p.runs) - 1) % len(p.runs)
	case key.Matches(k, keys.Down):
		p.at = (p.at + 1) % len(p.runs)
	case key.Matches(k, keys.Choose):
		s.picking = nil
		return s.chooseFetched(p.runs[p.at])
	}
	return nil
}

// chooseFetched compares with run, summarising it first unless it was
// the last one chosen.
func (s *SummaryScreen) chooseFetched(run trace.FetchedRun) tea.Cmd {
	if s.other != nil && s.other.run.Dir == run.Dir && !s.other.loading {
		s.compare = true
		s.vp.SetYOffset(0)
		s.render()
		return nil
	}
	s.other = &fetchedOther{run: run, loading: true}
	s.SetSize(s.w, s.h) // the header says what is being read
	ctx, fn, files, dir := s.runCtx, s.opt.Summarize, run.Files, run.Dir
	return tea.Batch(s.spin.Tick, func() tea.Msg {
		m := fetchedRunMsg{screen: s, dir: dir}
		for _, f := range files {
			sum, err := fn(ctx, f)
			if err != nil {
				m.errs = append(m.errs, safetext.Field(err.Error()))
			}
			if sum != nil {
				m.sums = append(m.sums, sum)
			}
		}
		return m
	})
}

// handleFetched takes the chosen run's summaries and shows the compare.
func (s *SummaryScreen) handleFetched(m fetchedRunMsg) tea.Cmd {
	if s.other == nil || s.other.run.Dir != m.dir {
		return nil // another run was chosen meanwhile
	}
	s.other.sums, s.other.errs, s.other.loading = m.sums, m.errs, false
	s.compare = true
	s.vp.SetYOffset(0)
	s.SetSize(s.w, s.h)
	if len(m.sums) == 0 {
		s.compare = false
		return Status("job "+safetext.Label(m.dir)+" has no readable trace to compare with", true)
	}
	return nil
}

// pickerView lists the fetched runs, the chosen one marked, windowed to
// height lines.
func (s *SummaryScreen) pickerView(height int) string {
	st, p := s.ctx.Styles, s.picking
	lines := []string{st.Bold.Render("compare job " + safetext.Label(s.thisID()) + " with:")}
	rows := max(height-1, 1)
	first := max(0, min(p.at-rows/2, len(p.runs)-rows))
	for i := first; i < len(p.runs) && i < first+rows; i++ {
		r := p.runs[i]
		var phases []string
		for _, ph := range r.Phases {
			phases = append(phases, cmp.Or(ph, "no phase"))
		}
		line := fmt.Sprintf("%-12s %-24s %s", safetext.Label(r.ID), strings.Join(phases, ", "), r.Time.Format("2006-01-02 15:04"))
		if i == p.at {
			line = st.Bold.Render("› " + line)
		} else {
			line = "  " + line
		}
		lines = append(lines, ansi.Truncate(line, max(s.w, 1), "…"))
	}
	return strings.Join(lines, "\n")
}

// fetchedCompareContent is this run against the chosen one, phase by
// phase: A is the chosen run, B this one.
func (s *SummaryScreen) fetchedCompareContent(width int, opts trace.RenderOptions) string {
	st := s.ctx.Styles
	mine, theirs := trace.Runs(s.sums), trace.Runs(s.other.sums)
	thisID, otherID := s.thisID(), s.other.run.ID
	var parts []string
	for _, ph := range append(slices.Clone(trace.Phases), "") {
		a, inA := firstRunOf(theirs, ph)
		b, inB := firstRunOf(mine, ph)
		name := strings.ToUpper(cmp.Or(ph, "no phase"))
		switch {
		case inA && inB:
			c := trace.Compare(a.Sums, b.Sums)
			c.A.Label = "job " + otherID + " " + c.A.Label
			c.B.Label = "job " + thisID + " " + c.B.Label
			parts = append(parts, st.Bold.Render(name)+"\n"+strings.TrimRight(trace.RenderCompare(c, width, opts), "\n"))
		case inA:
			parts = append(parts, st.Muted.Render(name+": only job "+safetext.Label(otherID)+" has traces"))
		case inB:
			parts = append(parts, st.Muted.Render(name+": only job "+safetext.Label(thisID)+" has traces"))
		}
	}
	for _, e := range s.other.errs {
		parts = append(parts, st.Error.Render("✘ "+e))
	}
	return strings.Join(parts, "\n\n") + "\n"
}

func firstRunOf(runs []trace.Run, phase string) (trace.Run, bool) {
	for _, r := range runs {
		if r.Phase == phase {
			return r, true
		}
	}
	return trace.Run{}, false
}

var _ help.KeyMap = pickerKeys{}
