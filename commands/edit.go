package commands

import (
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

func init() { registerCommand(newEditCmd) }

func newEditCmd() *cobra.Command {
	var f clusterFlags
	cmd := &cobra.Command{
		Use:   "edit FILE",
		Short: "Change a job file in the form; writes back only what changed",
		Long: `edit opens FILE in the job form. A file that breaks srtctl's rules opens with
the problems listed and the fix proposed; the form cannot save an invalid
file. The review shows the exact diff Save will write (only the lines you
changed, comments and layout kept; the previous version is kept as FILE.bak).
A file written for another srtctl version (P3, current) opens read-only with
a notice of what differs. After Save it offers to submit the job on the
cluster of --cluster (default: the configured default), as new does.`,
		Example: "  srtctl-tui edit job.yaml\n  srtctl-tui --accessible edit job.yaml",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := jobspec.Load(args[0])
			if err != nil {
				return withExit(2, err)
			}
			return runWizard(cmd, wizard.Edit(doc), f)
		},
	}
	f.add(cmd)
	return cmd
}
