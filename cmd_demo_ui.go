package main

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/ui"
)

// runDemoUI is the full-screen demo: the pre-filled form, Save and submit
// from the review, then the monitor, which fetches the traces once they
// are ready and opens the summary.
func runDemoUI(ctx context.Context, d *demoSite) error {
	conn, err := d.connect(ctx)
	if err != nil {
		return withExit(1, err)
	}
	defer conn.Close()

	uctx := newUIContext()
	uctx.Simulated = true
	ui.Submit = func(path string) tea.Cmd {
		submit := func() tea.Msg {
			sub, err := conn.Submit(ctx, path)
			if err != nil {
				first, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
				return ui.StatusMsg{Text: "not submitted: " + first, Error: true}
			}
			engine, info := demoEngine(conn, sub)
			m := ui.NewMonitor(uctx, info, ui.MonitorOptions{
				Engine: engine, Run: engine.Run, FetchDir: d.fetchDir,
				Reattach: "(a demo job ends with the demo)",
			})
			return ui.ReplaceMsg{Screen: ui.NewAutoSummary(m, ui.AutoSummaryOptions{
				Engine: engine, FetchDir: d.fetchDir, Context: ctx,
			})}
		}
		return tea.Sequence(ui.Status("submitting: srtctl apply -f "+path+" on the simulated cluster…", false), submit)
	}

	root := ui.NewRoot(uctx, ui.OpenJob(uctx, demoWizard(d.jobFile)))
	p := tea.NewProgram(root, tea.WithContext(ctx))
	go p.Send(ui.StatusMsg{Text: "Demo: the job is filled in. Enter accepts each answer; change any you like."})
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return withExit(1, err)
	}
	if root.ExitCode != 0 {
		return withExit(root.ExitCode, nil)
	}
	return nil
}
