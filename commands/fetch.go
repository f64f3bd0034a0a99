package commands

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

func init() { registerCommand(newFetchCmd) }

func newFetchCmd() *cobra.Command {
	var f clusterFlags
	var dest string
	cmd := &cobra.Command{
		Use:   "fetch ID",
		Short: "Copy a job's profiles/ (its traces) to ./profiles/ID/",
		Long: `Copy the profiles/ directory of job ID to ./profiles/ID/ (or --dest) over the
cluster's SFTP session: for srtctl 1.0.x and 2.x runs <run>/logs/profiles/
with one directory per mode (prefill/, decode/, agg/), every rank's file; for
P1 jobs <log dir>/profiles/. Files already complete are skipped, partial ones
are resumed, and every size is checked at the end; run it again after an
interruption. The cluster is --cluster, else the default of --config, else
the one the history recorded for ID, else the default. The job's directory
comes from the history, else from the output base (srtslurm.yaml's
output_dir, else <srtctl_root>/outputs/ID), else from <srtctl_root>/logs/ID_*.
Remote names with control characters (a newline, a tab, an escape), bidi
controls or invisible characters, and anything but regular files and
directories, are not copied.`,
		Example: "  srtctl-tui fetch 1234\n  srtctl-tui fetch 1234 --dest /scratch/traces/1234 && srtctl-tui summary /scratch/traces/1234",
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
			if dest == "" {
				dest = filepath.Join("profiles", id)
			}
			ctx, cancel := signalContext(cmd.Context())
			defer cancel()
			conn, err := connectCluster(ctx, cl, nil, false)
			if err != nil {
				return err
			}
			defer conn.Close()
			logDir := entry.LogDir
			if logDir == "" {
				logDir, err = conn.FindLogDir(id)
				if err != nil {
					return withExit(1, err)
				}
			}
			remote := monitor.ProfilesDir(id, logDir)
			if _, err := conn.FS().Stat(remote); err != nil {
				return withExit(1, fmt.Errorf("cluster %s: %s: %w (no traces yet?)", cl.Name, remote, err))
			}
			line := &progressLine{w: cmd.ErrOrStderr(), tty: isTerminal(os.Stderr)}
			start := time.Now()
			res, err := conn.Fetch(ctx, remote, dest, func(done, total int64, file string) {
				line.set(fmt.Sprintf("%s %s / %s  %s", bar(done, total, 24), humanize.IBytes(uint64(done)), humanize.IBytes(uint64(total)), file))
			})
			line.done()
			if err != nil {
				return withExit(1, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d file(s) in %s: %d copied (%d resumed), %d already complete, %s in %s; sizes checked.\n",
				res.Files, dest, res.Copied, res.Resumed, res.Skipped, humanize.IBytes(uint64(res.Bytes)), time.Since(start).Round(100*time.Millisecond))
			return nil
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&dest, "dest", "", "local directory (default ./profiles/ID)")
	return cmd
}

func bar(done, total int64, width int) string {
	filled := width
	if total > 0 {
		filled = int(float64(width) * float64(done) / float64(total))
	}
	if filled > width {
		filled = width
	}
	b := make([]rune, width)
	for i := range b {
		b[i] = '░'
		if i < filled {
			b[i] = '█'
		}
	}
	return "[" + string(b) + "]"
}

func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt)
}
