package commands

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

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
		} else if err != nil && len(entries) == 0 {
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
