package commands

import (
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

func init() { registerCommand(newEditCmd) }

func newEditCmd() *cobra.Command {
	var f clusterFlags
	var force bool
	var srtctl string
	cmd := &cobra.Command{
		Use:   "edit FILE",
		Short: "Change a job file in the form; writes back only what changed",
		Long: `edit opens FILE in the job form. A file that breaks srtctl's rules opens with
the problems listed and the fix proposed; the form cannot save an invalid
file. The review shows the exact diff Save will write (only the lines you
changed, comments and layout kept; the previous version is kept as FILE.bak).
A 1.0.x or 2.x file opens in the form of today's srtctl; a file that could
be P1 or 1.0.x follows the cluster's srtctl when it is known (else 1.0.x)
and says which it assumed. A file older than the cluster's srtctl (P1 or P3
for 1.0.x, 1.0.x for 2.x) opens converted, the review showing the
conversion as a diff before anything is written. A P3 file for a P1 or
unknown cluster opens read-only. --srtctl names the srtctl the file is
for (v2, v1 or p1), instead of the cluster's. After Save it offers to submit the job on the
cluster of --cluster (default: the configured default), as new does.
A read-only, hard-linked or another user's file is not opened for editing
(saving would silently change what it is); --force opens and replaces it.`,
		Example: "  srtctl-tui edit job.yaml\n  srtctl-tui edit --srtctl p1 old-recipe.yaml\n  srtctl-tui --accessible edit job.yaml",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := jobspec.Load(args[0])
			if err != nil {
				return withExit(2, err)
			}
			// Said before the form opens, not after the user's edits.
			if err := jobspec.CheckReplace(args[0]); err != nil && !force {
				return withExit(2, err)
			}
			var w *wizard.Wizard
			if srtctl != "" {
				d, err := parseSrtctlFlag(srtctl)
				if err != nil {
					return err
				}
				w = wizard.EditFor(doc, d)
			} else {
				w = editFor(doc, f)
			}
			w.Force = force
			return runWizard(cmd, w, f)
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&srtctl, "srtctl", "", "the srtctl the file is for: v2 (2.x), v1 (1.0.x) or p1; default: the cluster's")
	cmd.Flags().BoolVar(&force, "force", false, "edit and replace a file that is read-only, hard-linked or another user's")
	return cmd
}
