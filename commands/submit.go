package commands

import (
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

func init() { registerCommand(newSubmitCmd) }

func newSubmitCmd() *cobra.Command {
	var f clusterFlags
	var detach bool
	cmd := &cobra.Command{
		Use:   "submit FILE",
		Short: "Submit a job file with srtctl apply on a cluster",
		Long: `Upload FILE to the cluster's workdir and run srtctl apply -f on it from the
cluster's srtctl_root. Prints the job id and log directory and records the
job in the history (srtctl-tui jobs). Without --detach, the monitor follows
the job (see srtctl-tui monitor --help): full screen on a terminal, plain
lines otherwise; quitting it leaves the job running.

If srtctl refuses the file, its own message is shown and the exit status is 1.
Exit status 4 before anything was submitted: the cluster could not be
reached. Once the monitor follows the job, its exit statuses apply.`,
		Example: "  srtctl-tui submit prof-torch.yaml --cluster mycluster\n" +
			"  srtctl-tui submit --detach prof-torch.yaml && srtctl-tui jobs",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Stat(args[0]); err != nil {
				return withExit(2, err)
			}
			_, cl, err := f.resolve()
			if err != nil {
				return err
			}
			return submitAndFollow(cmd, args[0], cl, detach, monitorFlags{})
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "submit and return; do not follow the job")
	return cmd
}

// submitAndFollow submits path on cluster cl and, unless detach, follows
// the job with the monitor (mf says how).
func submitAndFollow(cmd *cobra.Command, path string, cl runner.Cluster, detach bool, mf monitorFlags) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	conn, err := connectCluster(ctx, cl, openHistory())
	if err != nil {
		return err
	}
	defer conn.Close()
	sub, err := conn.Submit(ctx, path)
	if err != nil {
		var se *runner.SubmitError
		if errors.As(err, &se) {
			fmt.Fprintln(cmd.ErrOrStderr(), safetext.Plain(se.Message))
			return withExit(1, fmt.Errorf("srtctl did not submit %s on cluster %s", path, cl.Name))
		}
		if sub == nil {
			return withExit(1, err)
		}
		// Submitted, but not recorded: say so and go on.
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", errorText(err))
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "Job %s submitted on %s\n", sub.JobID, safetext.Field(sub.Cluster))
	if sub.LogDir != "" {
		// From srtctl's output or a directory listing of the cluster.
		fmt.Fprintf(out, "Logs: %s\n", safetext.Field(sub.LogDir))
	} else {
		fmt.Fprintln(out, "Logs: not found (srtctl printed no Logs: line and no logs/"+sub.JobID+"_* exists yet)")
	}
	if detach {
		return nil
	}
	info := monitor.JobInfo{ID: sub.JobID, Name: sub.Name, LogDir: sub.LogDir}
	return followJob(ctx, out, conn, info, mf)
}
