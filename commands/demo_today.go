package commands

import (
	"context"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/sim"
	"github.com/srtctl-tui/srtctl-tui/ui"
)

// The demo's jobs for today's srtctl (1.0.x and 2.x): the form builds P1
// jobs, so these are written as a user of today's srtctl would.
const (
	demoJobV1 = `# srtctl 1.0.x: 2 prefill and 2 decode workers, torch profiling driven by sa-bench.
name: "prof-torch-demo"
model:
  path: "/models/deepseek-r1"
  container: "/containers/sglang-v0.5.5.sqsh"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  gpus_per_node: 4
  prefill_nodes: 2
  decode_nodes: 2
  prefill_workers: 2
  decode_workers: 2
benchmark:
  type: "sa-bench"
  isl: 1024
  osl: 128
  concurrencies: [4, 16, 64]
profiling:
  type: "torch"
  prefill:
    start_step: 0
    stop_step: 20
  decode:
    start_step: 10
    stop_step: 40
`
	demoJobV2 = `# srtctl 2.x: one aggregated worker, nsys profiling driven by sa-bench.
schema: 2
name: "prof-nsys-demo"
model:
  path: "/models/qwen3-32b"
  container: "/containers/sglang-v0.5.5.sqsh"
  precision: "bf16"
resources:
  gpu_type: "gb200"
  gpus_per_node: 4
engine: sglang
roles:
  agg:
    nodes: 1
    workers: 1
benchmark:
  type: "sa-bench"
  isl: 128
  osl: 128
  concurrencies: "4x16"
profiling:
  type: "nsys"
  aggregated:
    start_step: 0
    stop_step: 10
`
)

// submitTodayDemo writes the release's job file and submits it.
func submitTodayDemo(ctx context.Context, d *demoSite, release string) (*runner.Conn, *runner.Submission, error) {
	job := demoJobV1
	if release == sim.ReleaseV2 {
		job = demoJobV2
	}
	if err := os.WriteFile(d.jobFile, []byte(job), 0o644); err != nil {
		return nil, nil, withExit(1, err)
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return nil, nil, withExit(1, err)
	}
	sub, err := conn.Submit(ctx, d.jobFile)
	if err != nil {
		conn.Close()
		return nil, nil, withExit(1, err)
	}
	return conn, sub, nil
}

// runTodayDemoPlain: the job is submitted, the monitor's plain mode prints
// every log line and stage until the traces are ready, then they are
// fetched and summarised as text.
func runTodayDemoPlain(ctx context.Context, d *demoSite, release string) error {
	out := os.Stdout
	say := func(format string, a ...any) { fmt.Fprintf(out, "== "+format+"\n", a...) }
	say("SIMULATED cluster in %s (removed at the end): srtctl %s, pace %s", d.dir, release, d.sim.Env[sim.PaceEnv])
	conn, sub, err := submitTodayDemo(ctx, d, release)
	if err != nil {
		return err
	}
	defer conn.Close()
	say("srtctl apply -f %s --json: job %s, run directory %s", d.jobFile, sub.JobID, sub.LogDir)
	engine, _ := demoEngine(conn, sub)
	ectx, stopEngine := context.WithCancel(ctx)
	defer stopEngine()
	go engine.Run(ectx)
	p := monitor.NewPlain(out)
	if code := p.Run(ctx, engine.Events()); code != monitor.ExitTracesReady {
		if ctx.Err() != nil {
			return withExit(130, errDemoInterrupted)
		}
		return withExit(code, fmt.Errorf("demo: the simulated job did not produce its traces (%s: %s)", p.Status.Outcome, p.Status.Reason))
	}
	stopEngine()
	res, err := conn.Fetch(ctx, monitor.ProfilesDir(sub.JobID, sub.LogDir), d.fetchDir, nil)
	if err != nil {
		return withExit(1, err)
	}
	say("fetched %d trace files (%d bytes) to %s", res.Files, res.Bytes, d.fetchDir)
	if release == sim.ReleaseV2 {
		say("the simulated nsys reports are not readable by nsys: no summary")
		return nil
	}
	if err := printDemoSummary(ctx, out, d.fetchDir); err != nil {
		return withExit(1, err)
	}
	return nil
}

// runTodayDemoUI: the job is submitted and the monitor follows it through
// the same ui.Session as on a real cluster, fetching the traces once
// ready and opening their summary.
func runTodayDemoUI(ctx context.Context, d *demoSite, release string) error {
	conn, sub, err := submitTodayDemo(ctx, d, release)
	if err != nil {
		return err
	}
	defer conn.Close()
	uctx := newUIContext()
	uctx.Simulated = true
	sess := ui.NewSession(d.cluster, ui.SessionOptions{
		Context: ctx, Engine: demoEngineOptions, FetchDir: d.fetchDir,
		Reattach: "(a demo job ends with the demo)", AutoSummary: release != sim.ReleaseV2,
	})
	sess.Attach(ui.RunnerBackend{C: conn})
	screen, err := sess.MonitorScreen(uctx, monitor.JobInfo{ID: sub.JobID, Name: sub.Name, LogDir: sub.LogDir, Cluster: d.cluster.Name})
	if err != nil {
		return withExit(1, err)
	}
	root := ui.NewRoot(uctx, screen)
	if _, err := ui.NewProgram(root, tea.WithContext(ctx)).Run(); err != nil && ctx.Err() == nil {
		return withExit(1, err)
	}
	if root.ExitCode != 0 {
		return withExit(root.ExitCode, nil)
	}
	return nil
}
