package commands

import (
	"context"
	"fmt"
	"slices"
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
	var noState, local, remote bool
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List the cluster's srtctl runs and the jobs submitted from here, with state and stage",
		Long: `List every srtctl run the cluster has, wherever it was submitted from, merged
with the jobs srtctl-tui submitted from this machine (the history file
` + runner.DefaultHistoryPath() + `): one row per job id, newest last, with SLURM's state
and, for srtctl 1.0.x and 2.x runs, the stage their sweep log tells. The
cluster's runs are those in its output base (srtslurm.yaml's output_dir,
else <srtctl_root>/outputs), P1's <srtctl_root>/logs/, and your jobs in
squeue; the clusters asked are --cluster (else the default one) and those
of the history, one connection each. A run not in the history says
"not from here" where the submission time would be. A cluster that cannot
be reached leaves its history rows with a "?" state and why under the table.

On a terminal, when every row is on one cluster, the list is full screen
and Enter follows the chosen run; otherwise it is a table (follow one with
srtctl-tui monitor ID).

--local lists only the history (newest last), with states asked of SLURM;
--no-state lists the history without connecting.`,
		Example: "  srtctl-tui jobs\n  srtctl-tui jobs --cluster mycluster --limit 5\n  srtctl-tui jobs --local\n  srtctl-tui jobs --no-state",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.checkExplicit(); err != nil {
				return err
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
			for _, s := range skipped {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning: "+safetext.Plain(s))
			}
			if !local && !noState {
				return clusterJobs(cmd, &f, entries, limit)
			}
			out := cmd.OutOrStdout()
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
	cmd.Flags().IntVarP(&limit, "limit", "n", 20, "show the last N jobs of the history and the newest N runs of each cluster (0: all)")
	cmd.Flags().BoolVar(&noState, "no-state", false, "list the history without connecting")
	cmd.Flags().BoolVar(&local, "local", false, "list only the jobs submitted from this machine (the history)")
	// --remote was the cluster-wide listing before it became the default;
	// scripts that pass it keep working.
	cmd.Flags().BoolVar(&remote, "remote", false, "list every srtctl run the cluster has (the default)")
	cmd.Flags().MarkHidden("remote")
	cmd.MarkFlagsMutuallyExclusive("local", "remote")
	return cmd
}

// liveStates asks each cluster once (one connection) about its jobs. A
// cluster that cannot be reached marks its jobs "unreachable", and why is
// in problems (one line per cluster, for under the table).
func liveStates(ctx context.Context, f *clusterFlags, entries []runner.Entry) (states map[string]string, problems []string) {
	states = map[string]string{}
	order, byCluster := historyByCluster(entries)
	cfg, cfgErr := f.load()
	for _, name := range order {
		got, _, probs := askCluster(ctx, cfg, cfgErr, name, jobIDs(byCluster[name]), false, 0)
		for id, st := range got {
			states[name+"/"+id] = st
		}
		problems = append(problems, probs...)
	}
	return states, problems
}

// historyByCluster groups entries by cluster, clusters in the order they
// first appear.
func historyByCluster(entries []runner.Entry) (order []string, byCluster map[string][]runner.Entry) {
	byCluster = map[string][]runner.Entry{}
	for _, e := range entries {
		if _, ok := byCluster[e.Cluster]; !ok {
			order = append(order, e.Cluster)
		}
		byCluster[e.Cluster] = append(byCluster[e.Cluster], e)
	}
	return order, byCluster
}

func jobIDs(entries []runner.Entry) []string {
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.JobID
	}
	return ids
}

// askCluster connects once to cluster name for the SLURM states of ids
// (jobs of the history) and, with runs, the srtctl runs it has (newest
// first, at most limit). When it cannot connect, every id's state is a
// "?" saying why, and problems has the details.
func askCluster(ctx context.Context, cfg *runner.Config, cfgErr error, name string, ids []string, runs bool, limit int) (states map[string]string, found []monitor.RunRow, problems []string) {
	states = map[string]string{}
	mark := func(s string) {
		for _, id := range ids {
			states[id] = s
		}
	}
	if cfgErr != nil {
		mark("? (no configuration)")
		return states, nil, []string{unwrapExit(cfgErr).Error()}
	}
	cl, err := cfg.Cluster(name)
	if err != nil {
		mark("? (cluster not configured)")
		return states, nil, []string{err.Error()}
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	conn, err := connectCluster(cctx, cl, nil, false)
	if err != nil {
		mark("? (unreachable)")
		return states, nil, []string{unwrapExit(err).Error()}
	}
	defer conn.Close()
	if runs {
		var rerr error
		found, rerr = monitor.ClusterRuns(cctx, conn, limit)
		if rerr != nil {
			problems = append(problems, rerr.Error())
		}
	}
	if len(ids) > 0 {
		got, serr := conn.States(cctx, ids)
		if serr != nil {
			mark("? (" + firstLine(serr.Error()) + ")")
			problems = append(problems, serr.Error())
		}
		for id, st := range got {
			states[id] = st.Describe()
		}
	}
	return states, found, problems
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

// pickRun shows the cluster's runs full screen; Enter follows one.
func pickRun(cmd *cobra.Command, f *clusterFlags, cluster string, rows []monitor.RunRow) error {
	ctx, done, err := newUIContextWithClusters(cmd.Context(), *f)
	if err != nil {
		return err
	}
	defer done()
	return runUI(ctx, ui.NewRunPicker(ctx, cluster, rows))
}

// notFromHere stands where the submission time would be for a run found
// on a cluster but not in this machine's history.
const notFromHere = "not from here"

// jobRow is one job id of the merged listing: a history entry with what
// its cluster says of it, or a run only the cluster knows.
type jobRow struct {
	cluster, id, name, submitted, state, stage, dir string
	when                                            time.Time
}

// clusterJobs lists every run of the clusters asked (--cluster or the
// default, and those of the history) merged with the history: one row per
// job id, newest last.
func clusterJobs(cmd *cobra.Command, f *clusterFlags, entries []runner.Entry, limit int) error {
	order, byCluster := historyByCluster(entries)
	cfg, cfgErr := f.load()
	if cfgErr == nil {
		if cl, err := cfg.Cluster(f.cluster); err == nil && !slices.Contains(order, cl.Name) {
			order = append([]string{cl.Name}, order...)
		} else if err != nil && len(entries) == 0 && f.cluster != "" {
			return withExit(2, err)
		}
	} else if len(entries) == 0 && f.cluster != "" {
		return cfgErr
	}
	var rows []jobRow
	var problems []string
	reached := 0
	for _, name := range order {
		hist := byCluster[name]
		states, runs, probs := askCluster(cmd.Context(), cfg, cfgErr, name, jobIDs(hist), true, limit)
		problems = append(problems, probs...)
		if runs != nil || len(probs) == 0 {
			reached++
		}
		rows = append(rows, mergeRuns(name, hist, states, runs)...)
	}
	// Newest last, as the history is; a queued job without a directory
	// yet is the newest of all.
	now := time.Now()
	slices.SortStableFunc(rows, func(a, b jobRow) int {
		return orNow(a.when, now).Compare(orNow(b.when, now))
	})

	out := cmd.OutOrStdout()
	if len(rows) == 0 {
		if reached == 0 {
			fmt.Fprintln(out, "No jobs submitted yet (srtctl-tui submit FILE).")
		} else {
			fmt.Fprintf(out, "No srtctl runs on cluster %s, and no jobs submitted from here.\n", safetext.Field(order[0]))
		}
	} else if len(order) == 1 && isTerminal(out) && !globalFlags.accessible {
		return pickRun(cmd, f, order[0], pickerRows(rows))
	} else {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCLUSTER\tNAME\tSUBMITTED\tSTATE\tSTAGE\tLOGS")
		for _, r := range rows {
			// Names, stages and paths came from srtctl, states from SLURM,
			// and the history is a file anyone may have edited.
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safetext.Field(r.id), safetext.Field(r.cluster),
				orDash(safetext.Field(r.name)), r.submitted, orDash(safetext.Field(r.state)),
				orDash(safetext.Field(r.stage)), orDash(safetext.Field(r.dir)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, p := range problems {
		fmt.Fprintln(cmd.ErrOrStderr(), safetext.Plain(p))
	}
	return nil
}

// mergeRuns gives cluster's history entries the state SLURM told and the
// stage and directory its runs show, then adds the runs not in the
// history.
func mergeRuns(cluster string, hist []runner.Entry, states map[string]string, runs []monitor.RunRow) []jobRow {
	var rows []jobRow
	mine := map[string]bool{}
	for _, e := range hist {
		mine[e.JobID] = true
		row := jobRow{cluster: cluster, id: e.JobID, name: e.Name, state: states[e.JobID], dir: e.LogDir,
			submitted: e.SubmittedAt.Local().Format("2006-01-02 15:04"), when: e.SubmittedAt}
		if i := slices.IndexFunc(runs, func(r monitor.RunRow) bool { return r.ID == e.JobID }); i >= 0 {
			r := runs[i]
			row.stage = r.Stage
			if row.dir == "" {
				row.dir = r.Dir
			}
			if row.name == "" {
				row.name = r.Name
			}
			if row.state == "" {
				row.state = r.State
			}
		}
		rows = append(rows, row)
	}
	for _, r := range runs {
		if mine[r.ID] {
			continue
		}
		rows = append(rows, jobRow{cluster: cluster, id: r.ID, name: r.Name, submitted: notFromHere,
			state: r.State, stage: r.Stage, dir: r.Dir, when: r.ModTime})
	}
	return rows
}

// pickerRows turns rows (newest last) into the run picker's, newest first;
// a run not submitted from here says so after its stage.
func pickerRows(rows []jobRow) []monitor.RunRow {
	var out []monitor.RunRow
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		stage := r.stage
		if r.submitted == notFromHere {
			stage = strings.TrimPrefix(stage+" · not submitted from here", " · ")
		}
		out = append(out, monitor.RunRow{ID: r.id, Name: r.name, Dir: r.dir, State: r.state, Stage: stage, ModTime: r.when})
	}
	return out
}

func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return t
}
