package commands

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/ui"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

func init() { registerCommand(newNewCmd) }

func newNewCmd() *cobra.Command {
	var f clusterFlags
	var srtctl string
	cmd := &cobra.Command{
		Use:   "new [FILE]",
		Short: "Build a new job file in a form that only offers valid choices",
		Long: `new asks for the job step by step (job, resources, profiling, SLURM), shows
the file it would write with every change made on your behalf and srtctl's
verdict, and writes it only when you choose Save (to FILE, or a name you
give). Esc goes back a step; Ctrl-C quits, asking first if answers would be
lost. With --accessible (or ACCESSIBLE=1) the same steps are plain prompts.

After Save it offers to submit the job (y) on the cluster of --cluster
(default: the configured default) and then follows it in the monitor; if
srtctl refuses it, its message is shown. On the local cluster without
srtctl on PATH it shows the srtctl apply command to run instead.

The job is written for the cluster's srtctl (P1, 1.0.x or 2.x): --srtctl
says which; else srtctl_version in the cluster configuration, or what was
learned from the cluster before; with --cluster it is asked once; else
new asks which srtctl the job is for.`,
		Example: "  srtctl-tui new\n  srtctl-tui new prof-torch.yaml --cluster mycluster\n  srtctl-tui new --srtctl v2 job.yaml\n  ACCESSIBLE=1 srtctl-tui new job.yaml",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var target string
			if len(args) == 1 {
				if _, err := os.Stat(args[0]); err == nil {
					return withExit(2, fmt.Errorf("%s exists; use `srtctl-tui edit %s` to change it", args[0], args[0]))
				} else if !errors.Is(err, fs.ErrNotExist) {
					return withExit(2, err)
				}
				target = args[0]
			}
			if srtctl == "" && !globalFlags.accessible {
				// The start screen's "New job" (ui.NewJob): the cluster's
				// srtctl, else the question, in the program.
				ctx, done, err := newUIContextWithClusters(cmd.Context(), f)
				if err != nil {
					return err
				}
				defer done()
				return runUI(ctx, ui.NewJobFirst(ctx, ctx.Clusters.DefaultSession(), target))
			}
			dia, err := newJobDialect(cmd, srtctl, f)
			if err != nil {
				return err
			}
			wz := wizard.NewJobFor(dia)
			wz.Target = target
			return runWizard(cmd, wz, f)
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&srtctl, "srtctl", "", "the srtctl the job is for: v2 (2.x), v1 (1.0.x) or p1")
	return cmd
}
