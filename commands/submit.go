package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
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
A file the cluster's srtctl cannot load (a 2.x file for 1.0.x, a 1.0.x or
P1 file for 2.x, a P1 file for 1.0.x) is refused the same way, saying how
to convert it.
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
			return submitAndFollow(cmd, args[0], cl, detach, !force, monitorFlags{})
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
// the job with the monitor (mf says how). With checkSrtctl, a file the
// cluster's srtctl cannot load is refused before the upload.
func submitAndFollow(cmd *cobra.Command, path string, cl runner.Cluster, detach, checkSrtctl bool, mf monitorFlags) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	// A followed job keeps the master for the monitor's re-attach; a
	// detached submit ends it unless someone else (a monitor) uses it.
	conn, err := connectCluster(ctx, cl, openHistory(), !detach)
	if err != nil {
		return err
	}
	defer conn.Close()
	if checkSrtctl {
		if err := checkClusterSrtctl(ctx, conn, path); err != nil {
			return err
		}
	}
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

// checkClusterSrtctl refuses, before the upload, a file the cluster's
// srtctl cannot load: a 2.x file for an older srtctl, an older file for
// 2.x (which loads schema 2 only), a P1 or P3 file for 1.0.x (which
// refuses their traffic keys). srtctl would refuse it too, at load, in
// its own words; this says why in ours, and what to do. An srtctl that
// cannot be learned is no reason to refuse.
func checkClusterSrtctl(ctx context.Context, conn *runner.Conn, path string) error {
	v, err := conn.SrtctlVersion(ctx)
	if err != nil || v.Dialect == "" {
		return nil
	}
	doc, err := jobspec.Load(path)
	if err != nil {
		return nil // checkBeforeSubmit has said what is wrong with it
	}
	file, cluster := doc.Detect(v.Dialect).Dialect, v.Dialect
	var fix string
	switch {
	case file == jobspec.DialectV2 && cluster != jobspec.DialectV2:
		fix = "submit it to a 2.x cluster"
	case file != jobspec.DialectV2 && cluster == jobspec.DialectV2:
		fix = "srtctl-tui edit " + path + " -c " + conn.Cluster().Name + " opens it converted to schema 2 (srtctl migrate)"
	case (file == jobspec.DialectP1 || file == jobspec.DialectP3) && cluster == jobspec.DialectV1:
		fix = "srtctl-tui edit " + path + " -c " + conn.Cluster().Name + " opens it converted to 1.0.x"
	default:
		return nil
	}
	return withExit(1, fmt.Errorf("not submitted: %s is written for %s; cluster %s runs %s, which does not load it: %s, or submit anyway with --force",
		path, file.Title(), safetext.Field(conn.Cluster().Name), cluster.Title(), fix))
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
