package e2e

import (
	"strings"
	"testing"
	"time"
)

// footerShows waits until the screen holds every key with what it does
// ("key desc"), and checks that no row is cut at the right edge.
func (p *pane) footerShows(keys ...string) string {
	p.t.Helper()
	s := p.waitLong(30*time.Second, keys...)
	for i, row := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if len([]rune(row)) > 80 {
			p.t.Errorf("row %d wider than 80: %q", i, row)
		}
	}
	return s
}

// The whole demo at 80x24: every key each screen offers (its footer, and
// the monitor's ? overlay) is on screen, none cut off, and the monitor's
// header keeps the elapsed time.
func TestDemoAt80x24ShowsEveryKey(t *testing.T) {
	tmp := t.TempDir()
	p := startDemoPaneSized(t, tmp, 80, 24, "--pace", demoPace)
	p.waitFor("SIMULATED", focused("Job name"))
	p.footerShows("esc back a step", "enter next", "ctrl+c quit")
	p.enterTo("Model path")
	p.footerShows("esc back a step", "shift+tab back", "enter next", "ctrl+c quit")
	for _, field := range []string{"Container", "Precision", "GPU type", "Serving mode",
		"GPUs per node", "Prefill nodes", "Decode nodes", "Profiler"} {
		p.enterTo(field)
	}
	p.footerShows("esc back a step", "enter select", "ctrl+c quit")
	p.enterTo("Input length (isl)", "prefill phase")
	for _, f := range []string{"Output length (osl)", "Concurrency", "Start step", "Stop step", "Input length (isl)",
		"Output length (osl)", "Concurrency", "Start step", "Stop step", "Account", "Partition", "Time limit"} {
		p.enterTo(f)
	}
	// Enter on the last field opens the review; it submits nothing.
	p.footerShows("esc back a step", "enter review", "ctrl+c quit")
	p.keys("Enter")
	p.waitFor("Step 5/5 Review")
	p.footerShows("s save", "b/esc back", "enter choose", "tab switch", "↑/↓ scroll", "ctrl+c quit")
	p.keys("s")
	p.footerShows("enter save to this path", "esc cancel", "ctrl+c quit")
	p.keys("Enter")
	p.footerShows("Submit now?", "y submit now", "enter/q exit")
	p.keys("y")

	p.footerShows("tab switch pane", "G end, follow", "/ search", "l log.out", "d fetch traces", "c cancel job",
		"q quit (job keeps running)", "? more keys")
	// The header keeps the job's state with its elapsed time.
	p.waitLong(30*time.Second, "RUNNING 00:")
	p.keys("?")
	p.footerShows("↑/k scroll up (pauses follow)", "↓/j scroll down", "pgup page up", "pgdn page down", "g top",
		"← scroll left", "→ scroll right", "w wrap", "n next match", "N previous match", "z zoom pane", "? fewer keys")
	p.keys("?")

	// The demo fetches the traces and opens their summary by itself.
	p.waitLong(90*time.Second, "Summary ·")
	p.footerShows("tab section", "f names", "a all", "s layout", "esc back", "q quit", "? more keys")
	// The summary's ? overlay: every key it offers, within 80x24.
	p.keys("?")
	p.footerShows("↑/k up", "↓/j down", "pgup page up", "pgdn page down", "g top", "G bottom", "←/h left", "→/l right",
		"tab section", "shift+tab prev", "f names", "a all", "s layout", "esc back", "q quit")
	p.keys("?")
	p.keys("Escape")
	s := p.footerShows("s summary", "c cancel job", "q quit (job keeps running)")
	if strings.Contains(s, "d fetch") {
		t.Errorf("d offered after the fetch:\n%s", s)
	}
	p.keys("c")
	p.footerShows("y yes", "any other key no")
	p.keys("y")
	p.waitLong(30*time.Second, "job cancelled")
	p.keys("C-c")
	p.waitLong(20*time.Second, "EXIT=0")
	assertEmptyDir(t, tmp)
}
