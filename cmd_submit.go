package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/runner"
)

func init() { registerCommand(newSubmitCmd) }

// openMonitor, when set (by the monitor's command file), takes over after a
// submit without --detach: it follows the job on the connection given. It
// is nil until the monitor exists; submit then prints state changes.
var openMonitor func(ctx context.Context, conn *runner.Conn, sub *runner.Submission) error

func newSubmitCmd() *cobra.Command {
	var f clusterFlags
	var detach bool
	cmd := &cobra.Command{
		Use:   "submit FILE",
		Short: "Submit a job file with srtctl apply on a cluster",
		Long: `Upload FILE to the cluster's workdir and run srtctl apply -f on it from the
cluster's srtctl_root. Prints the job id and log directory and records the
job in the history (srtctl-tui jobs). Without --detach, follows the job
until it ends (Ctrl-C stops following; the job keeps running).

If srtctl refuses the file, its own message is shown and the exit status is 1.
Exit status 3: the cluster could not be reached (nothing was submitted).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Stat(args[0]); err != nil {
				return withExit(2, err)
			}
			_, cl, err := f.resolve()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			conn, err := connectCluster(ctx, cl, openHistory())
			if err != nil {
				return err
			}
			defer conn.Close()
			sub, err := conn.Submit(ctx, args[0])
			if err != nil {
				var se *runner.SubmitError
				if errors.As(err, &se) {
					fmt.Fprintln(cmd.ErrOrStderr(), se.Message)
					return withExit(1, fmt.Errorf("srtctl did not submit %s on cluster %s", args[0], cl.Name))
				}
				if sub == nil {
					return withExit(1, err)
				}
				// Submitted, but not recorded: say so and go on.
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Job %s submitted on %s\n", sub.JobID, sub.Cluster)
			if sub.LogDir != "" {
				fmt.Fprintf(out, "Logs: %s\n", sub.LogDir)
			} else {
				fmt.Fprintln(out, "Logs: not found (srtctl printed no Logs: line and no logs/"+sub.JobID+"_* exists yet)")
			}
			if detach {
				return nil
			}
			if openMonitor != nil {
				return openMonitor(ctx, conn, sub)
			}
			return followPlain(ctx, cmd, conn, sub.JobID)
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "submit and return; do not follow the job")
	return cmd
}

// followPlain prints the job's SLURM state each time it changes, polling
// every runner.MinStateInterval, until it ends or ctx is cancelled.
func followPlain(ctx context.Context, cmd *cobra.Command, conn *runner.Conn, id string) error {
	out := cmd.OutOrStdout()
	last := ""
	for {
		st, err := conn.State(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				fmt.Fprintf(out, "Stopped following job %s; it keeps running (srtctl-tui cancel %s stops it).\n", id, id)
				return nil
			}
			var ce *runner.CommandError
			if errors.As(err, &ce) && ce.Transport {
				if rerr := conn.Reconnect(ctx); rerr != nil {
					return withExit(exitUnreachable, rerr)
				}
				continue
			}
			return withExit(1, err)
		}
		if d := st.Describe(); d != last {
			fmt.Fprintf(out, "%s  %s\n", time.Now().Format("15:04:05"), d)
			last = d
		}
		if st.Ended {
			return nil
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(out, "Stopped following job %s; it keeps running (srtctl-tui cancel %s stops it).\n", id, id)
			return nil
		case <-time.After(runner.MinStateInterval):
		}
	}
}
