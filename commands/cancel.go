package commands

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

func init() { registerCommand(newCancelCmd) }

func newCancelCmd() *cobra.Command {
	var f clusterFlags
	var yes bool
	cmd := &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a job (scancel) after confirmation",
		Long: `Cancel SLURM job ID with scancel. The cluster is --cluster, else the default
of --config, else the one the history recorded for ID, else the default. On
a terminal it asks first and only "y" or "yes" cancels; elsewhere --yes is
required. The question says the job's state; a job that has already ended
is not asked about (exit 1, "nothing to cancel"). When SLURM refuses (no
such job, not yours) it says what SLURM said and exits 1.`,
		Example: "  srtctl-tui cancel 1234\n  srtctl-tui cancel 1234 --cluster mycluster --yes   # scripts: no question",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if !runner.ValidJobID(id) {
				return withExit(2, fmt.Errorf("%q is not a SLURM job id", id))
			}
			entry, cl, err := jobCluster(&f, id)
			if err != nil {
				return err
			}
			what := fmt.Sprintf("job %s", id)
			if entry.Name != "" {
				what += fmt.Sprintf(" (%s)", safetext.Field(entry.Name))
			}
			what += " on " + safetext.Field(cl.Name)
			if !yes && !stdinIsTerminal() {
				return withExit(2, fmt.Errorf("not cancelling %s without confirmation: pass --yes", what))
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Minute)
			defer cancel()
			conn, err := connectCluster(ctx, cl, nil, false)
			if err != nil {
				return err
			}
			defer conn.Close()
			// The question says what is being cancelled, and a job that has
			// ended is not asked about at all. A job SLURM does not know
			// (state unknown) goes to scancel, whose answer is SLURM's.
			if st, err := conn.State(ctx, id); err == nil && st.Source != "none" {
				if st.Ended {
					return withExit(1, fmt.Errorf("%s has already ended (%s): nothing to cancel", what, st.Describe()))
				}
				what += ", " + st.Describe()
			}
			if !yes {
				ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), fmt.Sprintf("Cancel %s? [y/N] ", what))
				if err != nil {
					return withExit(2, err)
				}
				if !ok {
					fmt.Fprintln(cmd.OutOrStdout(), "Not cancelled.")
					return withExit(1, nil)
				}
			}
			if err := conn.Cancel(ctx, id); err != nil {
				return withExit(1, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Cancelled %s.\n", what)
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "cancel without asking (for scripts)")
	return cmd
}

// confirm asks question and accepts only an explicit y or yes.
func confirm(in io.Reader, out io.Writer, question string) (bool, error) {
	fmt.Fprint(out, question)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(out)
		return false, nil
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}

// jobCluster finds the cluster of job id. What the user said wins: with
// --cluster, that cluster; with --config alone, that configuration's
// default. Only with neither does the history's cluster for id count, else
// the default. The history entry (name, log directory) is the one of the
// chosen cluster.
func jobCluster(f *clusterFlags, id string) (runner.Entry, runner.Cluster, error) {
	cfg, err := f.load()
	if err != nil {
		return runner.Entry{}, runner.Cluster{}, err
	}
	hist := openHistory()
	explicit := f.cluster != "" || f.config != ""
	name := f.cluster
	if !explicit {
		entry, found, err := hist.Find("", id)
		if err != nil {
			return entry, runner.Cluster{}, withExit(1, err)
		}
		if found {
			name = entry.Cluster
		}
	}
	cl, err := cfg.Cluster(name)
	if err != nil {
		return runner.Entry{}, cl, withExit(2, err)
	}
	entry, _, err := hist.Find(cl.Name, id)
	if err != nil {
		return entry, cl, withExit(1, err)
	}
	return entry, cl, nil
}
