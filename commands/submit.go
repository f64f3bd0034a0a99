package commands

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/ui"
)

func init() { registerCommand(newSubmitCmd) }

func newSubmitCmd() *cobra.Command {
	var f clusterFlags
	var detach, force bool
	cmd := &cobra.Command{
		Use:   "submit FILE",
		Short: "Submit a job file with srtctl apply on a cluster",
		Long: `Upload FILE to the cluster's workdir and run srtctl apply -f on it from the
cluster's srtctl_root. Prints the job id and log directory and records the
job in the history (srtctl-tui jobs). Without --detach, the monitor follows
the job (see srtctl-tui monitor --help): full screen on a terminal, plain
lines otherwise; quitting it leaves the job running.

Before anything leaves this machine, FILE gets the checks of srtctl-tui
validate (for its dialect): with errors it is not uploaded, each error is
shown as file:line:col and the exit status is 1; --force submits anyway.
If srtctl refuses the file, its own message is shown (naming FILE) and the
exit status is 1.
Exit status 4 before anything was submitted: the cluster could not be
reached. Once the monitor follows the job, its exit statuses apply.`,
		Example: "  srtctl-tui submit prof-torch.yaml --cluster mycluster\n" +
			"  srtctl-tui submit --detach prof-torch.yaml && srtctl-tui jobs",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Stat(args[0]); err != nil {
				return withExit(2, err)
			}
			cfg, cl, err := f.resolve()
			if err != nil {
				return err
			}
			if err := refuseLocalWithoutSrtctl(cfg, cl); err != nil {
				return err
			}
			if err := checkBeforeSubmit(cmd.ErrOrStderr(), args[0], force); err != nil {
				return err
			}
			return submitAndFollow(cmd, args[0], cl, detach, monitorFlags{})
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "submit and return; do not follow the job")
	cmd.Flags().BoolVar(&force, "force", false, "submit even when validate finds errors in FILE")
	return cmd
}

// checkBeforeSubmit runs validate's checks on path (validateFile, so the
// rules are validate's for every dialect) and refuses a file with errors,
// unless force: srtctl would refuse it on the cluster, or worse, queue a
// job that burns its GPU allocation for nothing. Findings go to w.
func checkBeforeSubmit(w io.Writer, path string, force bool) error {
	r := validateFile(path, "")
	if r.Error != "" {
		return withExit(2, fmt.Errorf("%s: %s", path, r.Error))
	}
	errs, _, _, _ := countFindings([]validateResult{r})
	for _, f := range r.Findings {
		fmt.Fprintln(w, formatFinding(path, f))
	}
	switch {
	case errs == 0:
		return nil
	case force:
		fmt.Fprintf(w, "warning: submitting %s with %s (--force)\n", path, plural(errs, "error"))
		return nil
	}
	return withExit(1, fmt.Errorf("not submitted: %s has %s (above); fix it, or submit anyway with --force", path, plural(errs, "error")))
}

// submitAndFollow submits path on cluster cl and, unless detach, follows
// the job with the monitor (mf says how).
func submitAndFollow(cmd *cobra.Command, path string, cl runner.Cluster, detach bool, mf monitorFlags) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	// A followed job keeps the master for the monitor's re-attach; a
	// detached submit ends it unless someone else (a monitor) uses it.
	conn, err := connectCluster(ctx, cl, openHistory(), !detach)
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

// refuseLocalWithoutSrtctl stops a submit to the local cluster on a
// machine without srtctl before anything is copied (the upload would leave
// a ./jobs/ copy and then fail), and says how to configure a cluster.
func refuseLocalWithoutSrtctl(cfg *runner.Config, cl runner.Cluster) error {
	ok, _ := ui.NewSession(cl, ui.SessionOptions{}).CanSubmit()
	if ok {
		return nil
	}
	return withExit(2, fmt.Errorf("cannot submit: %s is not on this machine's PATH, and the cluster is %q (this machine). "+
		"Configure your login node in %s, for example:\n"+
		"  default: mycluster\n  clusters:\n    - name: mycluster\n      host: login01.example.org   # ssh destination or alias\n"+
		"      srtctl_root: ~/srt-slurm     # srtctl's checkout on the login node\n"+
		"then run srtctl-tui submit again (or -c mycluster); srtctl-tui clusters checks it", cl.SrtctlCommand()[0], cl.Name, cfg.Path))
}
