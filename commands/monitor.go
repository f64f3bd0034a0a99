package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/ui"
)

func init() { registerCommand(newMonitorCmd) }

type monitorFlags struct {
	cluster, config, logDir, saveLogs, fetchDir string
	plain                                       bool
}

func newMonitorCmd() *cobra.Command {
	var f monitorFlags
	var cf clusterFlags
	cmd := &cobra.Command{
		Use:   "monitor JOBID",
		Short: "Follow a submitted profiling job until its traces are ready",
		Long: `monitor follows one srtctl profiling job: its SLURM state (asked at most
every 2 s), profile_prefill.out and profile_decode.out (or
profile_aggregated.out) side by side, log.out on a key, and the traces under
profiles/ until every profiled phase has them. It survives a dropped
connection: it reconnects and every file resumes where it was.

d fetches the traces to ./profiles/<id>/ (--fetch-dir), then s shows their
summary; Esc comes back to the monitor, which kept following the job.

Quitting leaves the job running. A P1 profiling job keeps its GPUs until its
time limit after the traces are written: the monitor offers to cancel it
(c, then y).

A srtctl 1.0.x or 2.x run (<output base>/<id>/) is followed by its own
layout: its stage from logs/sweep_<id>.log and logs/benchmark.out
(infrastructure, workers, health "have x of y", benchmark concurrency i of n,
the profiling window), the first prefill and decode workers' logs side by
side (l lists every log; a 2x2 grid from 160 columns), the benchmark results,
and the traces under logs/profiles/<mode>/ until every endpoint the window
started on has one. Such a run ends by itself; a mode that can produce no
trace says why from the job's own line.

The job's directory comes from the local job history, else from the output
base (srtslurm.yaml's output_dir, else <srtctl_root>/outputs/<id>), else from
<srtctl_root>/logs/<id>_*, else --log-dir.

Without a terminal on stdout, or with --plain, it prints each line prefixed
with its phase and each state change as a line starting "== ", and exits
0 when the traces are ready, 1 when the job failed, 3 when someone else
cancelled it, 4 when the cluster could not be reached.`,
		Example: "  srtctl-tui monitor 1234 --cluster mycluster\n" +
			"  srtctl-tui monitor 1234 -c mycluster --config ./clusters.yaml\n" +
			"  srtctl-tui monitor 1234 --plain | tee job.log",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.cluster, f.config = cf.cluster, cf.config
			return runMonitor(cmd.Context(), cmd.OutOrStdout(), args[0], f)
		},
	}
	// -c/--cluster and --config as every cluster command takes them.
	cf.add(cmd)
	cmd.Flags().Lookup("cluster").Usage = "cluster the job runs on (default: the history's, else the configured default)"
	fl := cmd.Flags()
	fl.BoolVar(&f.plain, "plain", false, "plain line output (the default when stdout is not a terminal)")
	fl.StringVar(&f.logDir, "log-dir", "", "the job's log directory on the cluster, when it is not in the history")
	fl.StringVar(&f.saveLogs, "save-logs", "", "also keep a local copy of the followed files, as received, in this directory")
	fl.StringVar(&f.fetchDir, "fetch-dir", "", "where d copies the traces (default ./profiles/<id>, as srtctl-tui fetch)")
	return cmd
}

func runMonitor(ctx context.Context, out io.Writer, id string, f monitorFlags) error {
	if !runner.ValidJobID(id) {
		return withExit(2, fmt.Errorf("%q is not a SLURM job id (digits, or N_M for an array task)", id))
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, err := (&clusterFlags{config: f.config}).load()
	if err != nil {
		return err
	}
	info := monitor.JobInfo{ID: id, LogDir: f.logDir}
	if e, ok, err := runner.OpenHistory(runner.DefaultHistoryPath()).Find(f.cluster, id); err == nil && ok {
		if f.cluster == "" {
			f.cluster = e.Cluster
		}
		info.Name = e.Name
		if info.LogDir == "" {
			info.LogDir = e.LogDir
		}
	}
	cluster, err := cfg.Cluster(f.cluster)
	if err != nil {
		return withExit(2, err)
	}
	conn, err := connectForMonitor(ctx, cluster)
	if err != nil {
		return withExit(1, err)
	}
	defer conn.Close()
	if info.LogDir == "" {
		dir, err := conn.FindLogDir(id)
		if err != nil {
			return withExit(1, fmt.Errorf("job %s is not in the history and %v; give --log-dir", id, err))
		}
		info.LogDir = dir
	}

	return followJob(ctx, out, conn, info, f)
}

// followJob shows the monitor (or plain lines) for a job on an open
// connection, until the user quits or, in plain mode, the job's outcome is
// known. submit without --detach ends here too.
func followJob(ctx context.Context, out io.Writer, conn *runner.Conn, info monitor.JobInfo, f monitorFlags) error {
	id := info.ID
	info.Cluster = conn.Cluster().Name
	plain := f.plain || !isTerminal(out)
	engineOpts := monitor.Options{SaveDir: f.saveLogs}
	reattach := ui.ReattachCommand(id, info.Cluster)
	if plain {
		engine := monitor.New(monitor.RunnerConn{C: conn}, info, engineOpts)
		go engine.Run(ctx)
		p := monitor.NewPlain(out)
		p.Reattach = reattach
		if code := p.Run(ctx, engine.Events()); code != 0 {
			return withExit(code, nil)
		}
		return nil
	}

	uctx := newUIContext()
	// The same session the form's "Submit now" and the start screen use;
	// the connection stays the caller's to close.
	sess := ui.NewSession(conn.Cluster(), ui.SessionOptions{
		Context: ctx, Engine: engineOpts, FetchDir: f.fetchDir, Reattach: reattach,
	})
	sess.Attach(ui.RunnerBackend{C: conn})
	screen, err := sess.MonitorScreen(uctx, info)
	if err != nil {
		return withExit(1, err)
	}
	root := ui.NewRoot(uctx, screen)
	if _, err := ui.NewProgram(root, tea.WithContext(ctx)).Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return withExit(1, err)
	}
	if root.ExitMessage != "" {
		// It quotes SLURM's reason and the logs: no escapes after the screen.
		fmt.Fprintln(out, safetext.Plain(root.ExitMessage))
	} else {
		fmt.Fprintf(out, "Job %s keeps running. Re-attach with: %s\n", id, reattach)
	}
	if root.ExitCode != 0 {
		return withExit(root.ExitCode, nil)
	}
	return nil
}

// connectForMonitor opens the master connection with the terminal (so ssh
// may prompt) before any screen is drawn; the connection's reconnects are
// in BatchMode: a reconnect in the middle of the screen must fail and
// retry, never prompt over it. When a retry fails because ssh needs the
// user, the monitor offers r, which hands the terminal to ssh again
// (ui.Session).
func connectForMonitor(ctx context.Context, cluster runner.Cluster) (*runner.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	opts := runner.ConnectOptions{KeepMaster: true}
	if !cluster.Local && term.IsTerminal(os.Stdin.Fd()) {
		opts.Stdin, opts.Stdout, opts.Stderr = os.Stdin, os.Stderr, os.Stderr
	}
	return runner.Connect(cctx, cluster, opts)
}
