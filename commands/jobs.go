package commands

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/ui"
)

func init() { registerCommand(newJobsCmd) }

func newJobsCmd() *cobra.Command {
	var f clusterFlags
	var limit int
	var noState, remote bool
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List submitted jobs with their SLURM state",
		Long: `List the jobs srtctl-tui submitted (newest last), read from the history file
` + runner.DefaultHistoryPath() + `, with each job's state asked of SLURM
(one connection per cluster). --no-state lists without connecting.

--remote lists every srtctl run the cluster has instead, wherever it was
submitted from: the runs in its output base (srtslurm.yaml's output_dir, else
<srtctl_root>/outputs), P1's <srtctl_root>/logs/, and your jobs in squeue,
newest first, with SLURM's state and, for srtctl 1.0.x and 2.x runs, the stage
their sweep log tells. On a terminal the list is full screen and Enter
follows the chosen run; otherwise it is a table (follow one with
srtctl-tui monitor ID).`,
		Example: "  srtctl-tui jobs\n  srtctl-tui jobs --cluster mycluster --limit 5\n  srtctl-tui jobs --no-state\n  srtctl-tui jobs --remote --cluster mycluster",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if remote {
				return remoteJobs(cmd, &f, limit)
			}
			hist := openHistory()
			entries, skipped, err := hist.Entries()
			if err != nil {
				return withExit(1, err)
			}
			if f.cluster != "" {
				var kept []runner.Entry
				for _, e := range entries {
					if e.Cluster == f.cluster {
						kept = append(kept, e)
					}
				}
				entries = kept
			}
			if limit > 0 && len(entries) > limit {
				entries = entries[len(entries)-limit:]
			}
			out := cmd.OutOrStdout()
			for _, s := range skipped {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: "+safetext.Plain(s))
			}
			if len(entries) == 0 {
				fmt.Fprintln(out, "No jobs submitted yet (srtctl-tui submit FILE).")
				return nil
			}
			states := map[string]string{}
			var problems []string
			if !noState {
				states, problems = liveStates(cmd.Context(), &f, entries)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCLUSTER\tNAME\tSUBMITTED\tSTATE\tLOGS")
			for _, e := range entries {
				st := states[e.Cluster+"/"+e.JobID]
				if noState {
					st = "-"
				}
				// Names and paths came from srtctl, states from SLURM, and
				// the history is a file anyone may have edited.
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", safetext.Field(e.JobID), safetext.Field(e.Cluster),
					orDash(safetext.Field(e.Name)), e.SubmittedAt.Local().Format("2006-01-02 15:04"),
					safetext.Field(st), orDash(safetext.Field(e.LogDir)))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			for _, p := range problems {
				fmt.Fprintln(cmd.ErrOrStderr(), safetext.Plain(p))
			}
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().IntVarP(&limit, "limit", "n", 20, "show the last N jobs (0: all)")
	cmd.Flags().BoolVar(&noState, "no-state", false, "do not connect to ask SLURM")
	cmd.Flags().BoolVar(&remote, "remote", false, "list every srtctl run the cluster has (output base, logs/, squeue --me), not the local history")
	return cmd
}

// liveStates asks each cluster once (one connection) about its jobs. A
// cluster that cannot be reached marks its jobs "unreachable", and why is
// in problems (one line per cluster, for under the table).
func liveStates(ctx context.Context, f *clusterFlags, entries []runner.Entry) (states map[string]string, problems []string) {
	states = map[string]string{}
	byCluster := map[string][]string{}
	var order []string
	for _, e := range entries {
		if _, ok := byCluster[e.Cluster]; !ok {
			order = append(order, e.Cluster)
		}
		byCluster[e.Cluster] = append(byCluster[e.Cluster], e.JobID)
	}
	cfg, err := f.load()
	for _, name := range order {
		mark := func(s string) {
			for _, id := range byCluster[name] {
				states[name+"/"+id] = s
			}
		}
		if err != nil {
			mark("? (no configuration)")
			problems = append(problems, unwrapExit(err).Error())
			continue
		}
		cl, cerr := cfg.Cluster(name)
		if cerr != nil {
			mark("? (cluster not configured)")
			problems = append(problems, cerr.Error())
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		conn, cerr := connectCluster(cctx, cl, nil, false)
		if cerr != nil {
			mark("? (unreachable)")
			problems = append(problems, unwrapExit(cerr).Error())
			cancel()
			continue
		}
		got, serr := conn.States(cctx, byCluster[name])
		if serr != nil {
			mark("? (" + firstLine(serr.Error()) + ")")
			problems = append(problems, serr.Error())
		}
		for id, st := range got {
			states[name+"/"+id] = st.Describe()
		}
		conn.Close()
		cancel()
	}
	return states, problems
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// remoteJobs prints every run the cluster has (jobs --remote).
func remoteJobs(cmd *cobra.Command, f *clusterFlags, limit int) error {
	_, cl, err := f.resolve()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Minute)
	defer cancel()
	conn, err := connectCluster(ctx, cl, nil, false)
	if err != nil {
		return err
	}
	defer conn.Close()
	rows, err := monitor.ClusterRuns(ctx, conn, limit)
	out := cmd.OutOrStdout()
	if isTerminal(out) && len(rows) > 0 && !globalFlags.accessible {
		return pickRun(cmd, f, cl.Name, rows)
	}
	if len(rows) == 0 && err == nil {
		fmt.Fprintf(out, "No srtctl runs on cluster %s (output base %s).\n", cl.Name, conn.OutputBase(ctx))
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTATE\tSTAGE\tDIR")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, orDash(safetext.Field(r.Name)), orDash(safetext.Field(r.State)),
			orDash(safetext.Field(r.Stage)), orDash(safetext.Field(r.Dir)))
	}
	if ferr := tw.Flush(); ferr != nil {
		return ferr
	}
	if err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), safetext.Plain(err.Error()))
	}
	return nil
}

// pickRun shows the cluster's runs full screen; Enter follows one.
func pickRun(cmd *cobra.Command, f *clusterFlags, cluster string, rows []monitor.RunRow) error {
	ctx, done, err := newUIContextWithClusters(cmd.Context(), *f)
	if err != nil {
		return err
	}
	defer done()
	return runUI(ctx, ui.NewRunPicker(ctx, cluster, rows))
}
