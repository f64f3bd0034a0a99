package commands

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

func init() { registerCommand(newSetCmd) }

func newSetCmd() *cobra.Command {
	var dryRun, force bool
	var unset []string
	var dialect string
	cmd := &cobra.Command{
		Use:   "set FILE KEY=VALUE...",
		Short: "Edit keys of a job file with a minimal diff",
		Long: `set changes keys of a job file in place, touching only the bytes of the
values it changes: comments, blank lines, quoting and key order stay as they
are, and a missing key is added next to its siblings. KEY is a dotted path
(profiling.decode.concurrency); VALUE is typed by the field (ints stay ints,
strings are written double-quoted; "..." forces a string).

It prints the unified diff, validates the result and writes it (keeping the
previous version as FILE.bak) only when it has no errors. A key of another
dialect (a P1 traffic key in a 1.0.x file) is refused, as is any unknown key
where srtctl rejects it (1.0.x, 2.x), naming the owner or the nearest known
key, unless --force; P1 and P3 ignore unknown keys, so there it is a warning.
Exit status: 0 written (or nothing to do), 1 not written because of errors,
2 for usage errors or an unreadable file.`,
		Example: "  srtctl-tui set job.yaml profiling.type=nsys profiling.decode.concurrency=128\n" +
			"  srtctl-tui set --dry-run job.yaml profiling.prefill.start_step=10\n" +
			"  srtctl-tui set job.yaml --unset benchmark.isl",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, assigns := args[0], args[1:]
			if len(assigns) == 0 && len(unset) == 0 {
				return withExit(2, errors.New("nothing to set: give KEY=VALUE pairs or --unset KEY"))
			}
			forced, err := dialectFlag(dialect)
			if err != nil {
				return err
			}
			// Under the writers' lock: the edit is applied to the file as
			// it is now, and no other writer's change can be lost.
			load := jobspec.LoadLocked
			if dryRun {
				load = jobspec.Load
			}
			for attempt := 1; ; attempt++ {
				err := setOnce(cmd, file, load, setEdit{assigns, unset, forced, dryRun, force})
				// Only a writer that does not take the lock (an editor)
				// changes the file between the read and the write: read it
				// again and re-apply the edit, which says so if it no
				// longer applies.
				if errors.Is(err, jobspec.ErrChangedOnDisk) {
					if attempt == 3 {
						return withExit(1, err)
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "%s: changed while being edited; applying the edit again\n", file)
					continue
				}
				return err
			}
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only print the diff and the findings; write nothing")
	cmd.Flags().BoolVar(&force, "force", false, "write even when the result has validation errors, a key is not the file's dialect's, or the file is read-only, hard-linked or another user's")
	cmd.Flags().StringArrayVar(&unset, "unset", nil, "remove KEY (a dotted path); repeatable")
	cmd.Flags().StringVar(&dialect, "dialect", "", "take the file as this dialect ("+dialectNames()+") for its keys and rules")
	return cmd
}

// setEdit is what one set run asks.
type setEdit struct {
	assigns, unset []string
	forced         jobspec.Dialect // --dialect, or "" for the detected one
	dryRun, force  bool
}

// setOnce loads file, applies the assignments and removals, prints the
// diff and the findings and writes the result (unless dryRun).
func setOnce(cmd *cobra.Command, file string, load func(string) (*jobspec.Doc, error), e setEdit) error {
	assigns, unset, forced, dryRun, force := e.assigns, e.unset, e.forced, e.dryRun, e.force
	doc, err := load(file)
	if err != nil {
		var se *jobspec.SyntaxError
		if errors.As(err, &se) {
			return withExit(1, fmt.Errorf("%v; nothing written", se))
		}
		return withExit(2, err)
	}
	defer doc.Unlock()
	before := append([]byte(nil), doc.Bytes()...)
	dia := forced
	if dia == "" {
		dia = doc.Dialect()
	}
	for _, a := range assigns {
		key, raw, ok := strings.Cut(a, "=")
		if !ok || key == "" {
			return withExit(2, fmt.Errorf("%q: expected KEY=VALUE (e.g. profiling.type=nsys)", a))
		}
		switch why, refuse := doc.UnknownKey(dia, key); {
		case refuse && !force:
			return withExit(1, fmt.Errorf("%s: %s; nothing written (--force writes it anyway)", file, why))
		case why != "":
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: warning: %s; srtctl ignores it\n", file, why)
		}
		val, err := doc.ParseValue(key, raw)
		if err != nil {
			return withExit(2, err)
		}
		if err := doc.Set(key, val); err != nil {
			return withExit(1, fmt.Errorf("%s: %v; nothing written", file, err))
		}
	}
	for _, key := range unset {
		if err := doc.Delete(key); err != nil {
			return withExit(1, fmt.Errorf("%s: %v; nothing written", file, err))
		}
	}
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	diff := jobspec.UnifiedDiff(file, file, before, doc.Bytes())
	if diff == "" {
		fmt.Fprintf(errOut, "%s: no change\n", file)
		return nil
	}
	var findings []jobspec.Finding
	if forced != "" {
		findings = doc.ValidateAs(forced)
	} else {
		findings = doc.Validate()
	}
	hasErrs := jobspec.HasErrors(findings)
	var saveErr error
	if !dryRun && (!hasErrs || force) {
		saveErr = doc.SaveWith(file, jobspec.SaveOptions{Force: force})
		if errors.Is(saveErr, jobspec.ErrChangedOnDisk) {
			return saveErr // set applies the edit again, and says so
		}
	}
	fmt.Fprint(out, diff)
	for _, f := range findings {
		fmt.Fprintln(errOut, formatFinding(file, f))
	}
	switch {
	case dryRun:
		fmt.Fprintf(errOut, "%s: dry run, not written\n", file)
		if hasErrs {
			return withExit(1, nil)
		}
		return nil
	case hasErrs && !force:
		return withExit(1, fmt.Errorf("%s: not written: the result has errors (--force writes it anyway)", file))
	case saveErr != nil:
		var unsafe *jobspec.UnsafeTargetError
		if errors.As(saveErr, &unsafe) {
			return withExit(1, saveErr)
		}
		return withExit(2, saveErr)
	}
	fmt.Fprintf(errOut, "%s: written (previous version in %s)\n", file, jobspec.BackupPath(file))
	return nil
}
