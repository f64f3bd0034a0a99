package commands

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/ui"
)

// runDemoUI is the full-screen demo: the pre-filled form, Save and submit
// from the review, then the monitor, which fetches the traces once they
// are ready and opens the summary. Submitting and following go through
// the same ui.Session as on a real cluster.
func runDemoUI(ctx context.Context, d *demoSite) error {
	uctx := newUIContext()
	uctx.Simulated = true
	uctx.Clusters = &ui.Clusters{
		Default: d.cluster.Name,
		Lookup: func(name string) (runner.Cluster, error) {
			if name != d.cluster.Name {
				return runner.Cluster{}, fmt.Errorf("the demo has no cluster %q", name)
			}
			return d.cluster, nil
		},
		Options: ui.SessionOptions{
			Context: ctx, Engine: demoEngineOptions, FetchDir: d.fetchDir,
			Reattach: "(a demo job ends with the demo)", AutoSummary: true,
		},
	}
	defer uctx.Clusters.Close()

	root := ui.NewRoot(uctx, ui.OpenJob(uctx, demoWizard(d.jobFile)))
	p := ui.NewProgram(root, tea.WithContext(ctx))
	go p.Send(ui.StatusMsg{Text: "Demo: the job is filled in. Enter accepts each answer; change any you like."})
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		return withExit(1, err)
	}
	if root.ExitCode != 0 {
		return withExit(root.ExitCode, nil)
	}
	return nil
}
