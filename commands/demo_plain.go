package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"

	"charm.land/lipgloss/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/sim"
	"github.com/srtctl-tui/srtctl-tui/trace"
)

// runDemoPlain is the demo without the full-screen UI: the pre-filled job
// is saved and submitted, the monitor's plain mode prints every line, then
// the traces are fetched and summarised as text.
func runDemoPlain(ctx context.Context, d *demoSite) error {
	out := os.Stdout
	say := func(format string, a ...any) { fmt.Fprintf(out, "== "+format+"\n", a...) }
	say("SIMULATED cluster in %s (removed at the end); pace %s", d.dir, d.sim.Env[sim.PaceEnv])

	res, err := demoWizard(d.jobFile).Result()
	if err != nil {
		return withExit(1, fmt.Errorf("demo: building the job file: %w", err))
	}
	if !res.CanSave() {
		return withExit(1, fmt.Errorf("demo: the pre-filled job breaks srtctl's rules: %v", res.Findings))
	}
	if err := res.Save(d.jobFile); err != nil {
		return withExit(1, err)
	}
	say("wrote the job file %s", d.jobFile)

	conn, err := d.connect(ctx)
	if err != nil {
		return withExit(1, err)
	}
	defer conn.Close()
	sub, err := conn.Submit(ctx, d.jobFile)
	if err != nil {
		return withExit(1, err)
	}
	say("srtctl apply -f %s: job %s, logs in %s", path.Base(sub.RemoteJobFile), sub.JobID, sub.LogDir)

	engine, _ := demoEngine(conn, sub)
	ectx, stopEngine := context.WithCancel(ctx)
	defer stopEngine()
	go engine.Run(ectx)
	p := monitor.NewPlain(out)
	if err := followPlain(ctx, p, engine.Events()); err != nil {
		return err
	}
	stopEngine()
	say("cancelling job %s: the demo is done with it (a real P1 job keeps its GPUs until its time limit)", sub.JobID)
	if err := conn.Cancel(ctx, sub.JobID); err != nil {
		return withExit(1, err)
	}

	remote := path.Join(sub.LogDir, "profiles")
	res2, err := conn.Fetch(ctx, remote, d.fetchDir, nil)
	if err != nil {
		return withExit(1, err)
	}
	say("fetched %d trace files (%d bytes) to %s", res2.Files, res2.Bytes, d.fetchDir)
	if err := printDemoSummary(ctx, out, d.fetchDir); err != nil {
		return withExit(1, err)
	}
	return nil
}

// followPlain prints the engine's events until the traces are ready and
// every profiled phase has printed its last line (the load generator runs
// on after the trace is dumped), so the output is each phase's whole log.
// It is the monitor's plain mode without its ending: the demo's job does
// not keep running after the demo.
func followPlain(ctx context.Context, p *monitor.Plain, events <-chan monitor.Event) error {
	ready := false
	for {
		select {
		case <-ctx.Done():
			return withExit(130, errDemoInterrupted)
		case ev, ok := <-events:
			if !ok {
				if ready {
					return nil
				}
				return withExit(1, errors.New("demo: the monitor stopped before the traces were ready"))
			}
			decided := p.Handle(ev)
			if decided && !ready {
				if p.Status.Outcome != monitor.OutcomeTracesReady {
					return withExit(1, fmt.Errorf("demo: the simulated job did not produce its traces (%s: %s)", p.Status.Outcome, p.Status.Reason))
				}
				ready = true
			}
			if ready && phasesDone(&p.Status) {
				return nil
			}
		}
	}
}

// phasesDone: every profiled phase has ended (completed or failed).
func phasesDone(st *monitor.Status) bool {
	for _, ph := range st.Info.Phases {
		if v := st.Phase(ph); v == nil || !v.State.Status.Done() {
			return false
		}
	}
	return len(st.Info.Phases) > 0
}

// printDemoSummary summarises every trace under dir, as `srtctl-tui
// summary` would.
func printDemoSummary(ctx context.Context, out io.Writer, dir string) error {
	paths, err := trace.Find([]string{dir})
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("demo: no traces under %s", dir)
	}
	var sums []*trace.FileSummary
	for _, p := range paths {
		sum, err := trace.SummarizePath(ctx, p)
		if err != nil {
			return err
		}
		sums = append(sums, sum)
	}
	opts := trace.RenderOptions{NoColor: os.Getenv("NO_COLOR") != ""}
	_, err = lipgloss.Fprint(out, trace.Render(sums, outputWidth(out), opts))
	return err
}
