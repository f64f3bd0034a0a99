package commands

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/sim"
	"github.com/srtctl-tui/srtctl-tui/tail"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

func init() { registerCommand(newDemoCmd) }

// defaultDemoPace makes the simulated job reach its traces in about 35 s:
// a real P1 job spends most of its first minutes loading the model, which
// the simulation plays at this many times real speed.
const defaultDemoPace = 1.5

// defaultTodayDemoPace plays today's run (about five minutes of model
// loading, health checks and three concurrencies) in about 40 s.
const defaultTodayDemoPace = 8

type demoFlags struct {
	pace   float64
	plain  bool
	traces string
	// srtctl is the release the simulated cluster's srtctl plays.
	srtctl string
}

func newDemoCmd() *cobra.Command {
	var f demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try the whole flow on a simulated cluster: submit, monitor, summary",
		Long: `demo runs srtctl-tui end to end against a simulated cluster built into this
binary, so it needs no cluster, no SSH and nothing installed.

By default its srtctl is today's 1.0.x (--srtctl v2: 2.x): a 2-prefill,
2-decode torch profiling job driven by sa-bench is submitted with srtctl
apply --json, and the monitor follows it stage by stage (infrastructure,
workers, health, benchmark, profiling window) with the first prefill and
decode workers' logs side by side and the benchmark results as they land,
until every profiled endpoint has its trace; the run ends by itself and the
traces are fetched and summarised. (2.x: one aggregated worker, nsys.)

With --srtctl p1 (srtctl of December 2025):

  1. the job form, filled in with a disaggregated torch profiling job
     (change anything you like; Enter accepts each answer),
  2. Save, then y: the job is submitted with srtctl apply, exactly as on a
     login node (the simulated srtctl and SLURM answer),
  3. the monitor follows SLURM and profile_prefill.out / profile_decode.out
     as the job prints them, until the traces appear,
  4. the traces are fetched and summarised: GPU kernels, busy time,
     prefill next to decode.

Everything is marked SIMULATED. The demo writes only under a temporary
directory ($TMPDIR) and removes it when it ends, also on Ctrl-C, SIGTERM,
SIGHUP, or when the reader of its output goes away (| head, quitting less).

--pace sets how many times faster than a real job the simulation runs
(1: the profile script's real timing, about 45 s from submit to traces;
the default 1.5 takes about 30 s).
--plain (also without a terminal, or with --accessible) skips the form
(it submits the pre-filled job) and prints every line prefixed with its
phase, then the summary as text.
The simulated job writes real torch traces (built in); --traces DIR makes
it write yours instead (a *prefill*.trace.json.gz and a
*decode*.trace.json.gz, e.g. from a past job).`,
		Example: "  srtctl-tui demo\n" +
			"  srtctl-tui demo --pace 1          # real time\n" +
			"  srtctl-tui demo --plain | less -R # no full-screen UI\n" +
			"  srtctl-tui demo --traces ./my-traces # holds *prefill* and *decode* .trace.json.gz",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.pace <= 0 {
				return withExit(2, fmt.Errorf("--pace %v: use a positive speed factor (1 is real time, %v the default)", f.pace, float64(defaultDemoPace)))
			}
			if !cmd.Flags().Changed("pace") && f.srtctl != sim.ReleaseP1 {
				f.pace = defaultTodayDemoPace
			}
			switch f.srtctl {
			case sim.ReleaseP1, sim.ReleaseV1, sim.ReleaseV2:
			default:
				return withExit(2, fmt.Errorf("--srtctl %q: use v1 (srtctl 1.0.x, the default), v2 (2.x) or p1 (December 2025)", f.srtctl))
			}
			if f.traces != "" {
				if st, err := os.Stat(f.traces); err != nil || !st.IsDir() {
					return withExit(2, fmt.Errorf("--traces %s: not a directory of *.trace.json.gz files", f.traces))
				}
			}
			return runDemo(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.Float64Var(&f.pace, "pace", defaultDemoPace, fmt.Sprintf("speed of the simulated job: times faster than real time (today's srtctl: %v unless set)", defaultTodayDemoPace))
	fl.BoolVar(&f.plain, "plain", false, "no full-screen UI: print the phases' lines and the summary (the default without a terminal)")
	fl.StringVar(&f.traces, "traces", "", "directory of real torch traces (*prefill*/*decode*.trace.json.gz) for the job to write")
	fl.StringVar(&f.srtctl, "srtctl", sim.ReleaseV1, "which srtctl the simulated cluster runs: v1 (1.0.x), v2 (2.x) or p1 (December 2025, with the job form)")
	return cmd
}

func runDemo(ctx context.Context, f demoFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	// SIGPIPE too: `demo --plain | head` (or quitting less) closes stdout
	// under a running demo. Unhandled, the next write would kill the process
	// and leave the simulated job and the directory behind; asked for here,
	// the write fails with EPIPE instead and the demo cleans up as on Ctrl-C.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGPIPE)
	defer stop()

	d, err := newDemoSite(f.pace, f.traces, f.srtctl)
	if err != nil {
		return withExit(1, err)
	}
	plain := f.plain || globalFlags.accessible || !term.IsTerminal(os.Stdout.Fd())
	switch {
	case f.srtctl != sim.ReleaseP1 && plain:
		err = runTodayDemoPlain(ctx, d, f.srtctl)
	case f.srtctl != sim.ReleaseP1:
		err = runTodayDemoUI(ctx, d, f.srtctl)
	case plain:
		err = runDemoPlain(ctx, d)
	default:
		err = runDemoUI(ctx, d)
	}
	if cerr := d.close(); cerr != nil {
		return withExit(1, cerr)
	}
	prefix := ""
	if plain {
		prefix = "== "
	}
	fmt.Printf("%sdemo over: removed %s (the simulated cluster, its jobs and every file the demo wrote)\n", prefix, d.dir)
	if ctx.Err() != nil && err == nil {
		err = withExit(130, errDemoInterrupted)
	}
	return err
}

// demoSite is everything the demo creates, all under one temporary
// directory: the simulated cluster, the job file and the fetched traces.
type demoSite struct {
	dir      string
	sim      *sim.Cluster
	cluster  runner.Cluster
	jobFile  string
	fetchDir string
}

func newDemoSite(pace float64, traces, release string) (*demoSite, error) {
	if traces != "" {
		abs, err := filepath.Abs(traces)
		if err != nil {
			return nil, err
		}
		traces = abs
	}
	dir, err := os.MkdirTemp("", "srtctl-tui-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: creating its temporary directory: %w", err)
	}
	c, err := sim.NewClusterWith(dir, sim.ClusterOptions{Pace: pace, Traces: traces, Release: release})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("demo: building the simulated cluster: %w", err)
	}
	return &demoSite{
		dir: c.Dir,
		sim: c,
		cluster: runner.Cluster{
			Name: "simulated", Local: true, SrtctlRoot: c.Root, Env: c.Env,
		},
		jobFile:  filepath.Join(c.Dir, "prof-torch-demo.yaml"),
		fetchDir: filepath.Join(c.Dir, "traces"),
	}, nil
}

// close stops the simulated jobs and removes the directory.
func (d *demoSite) close() error {
	if err := d.sim.Cleanup(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// connect opens the runner's local transport on the simulated cluster.
func (d *demoSite) connect(ctx context.Context) (*runner.Conn, error) {
	return runner.Connect(ctx, d.cluster, runner.ConnectOptions{})
}

// demoWizard is the form pre-filled with a disaggregated torch profiling
// job: one prefill and one decode worker, srtctl's default phases.
func demoWizard(target string) *wizard.Wizard {
	v := wizard.NewValues()
	v.Name = "prof-torch-demo"
	v.ModelPath = "/models/deepseek-r1"
	v.Container = "/containers/sglang-v0.5.5.sqsh"
	v.Precision = "fp8"
	v.GPUType = "gb200"
	v.Mode = wizard.ModeDisaggregated
	v.ProfilingType = "torch"
	v.Account = "demo"
	v.Partition = "batch"
	v.TimeLimit = "00:30:00"
	// The pre-filled answers are where the form starts, not changes to
	// lose; and the job file stays in the demo's directory.
	wz := wizard.NewJobWith(v)
	wz.Target, wz.KeepTarget = target, true
	return wz
}

// demoEngineOptions poll files faster than over SSH: the simulated
// cluster is this machine.
var demoEngineOptions = monitor.Options{Watch: tail.Options{FastInterval: 250 * time.Millisecond, SlowInterval: time.Second}}

// demoEngine follows a submitted job (the plain demo).
func demoEngine(conn *runner.Conn, sub *runner.Submission) (*monitor.Engine, monitor.JobInfo) {
	info := monitor.JobInfo{ID: sub.JobID, LogDir: sub.LogDir, Cluster: conn.Cluster().Name, Name: sub.Name}
	return monitor.New(monitor.RunnerConn{C: conn}, info, demoEngineOptions), info
}

// errDemoInterrupted reports a demo stopped by a signal.
var errDemoInterrupted = errors.New("demo interrupted")
