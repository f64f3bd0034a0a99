package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/ui"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// Bare `srtctl-tui` opens the start screen.
func init() {
	var f clusterFlags
	rootRunE = func(cmd *cobra.Command, _ []string) error { return runStart(cmd, f) }
	rootFlags = func(root *cobra.Command) { f.add(root) }
}

func runStart(cmd *cobra.Command, f clusterFlags) error {
	dir, err := os.Getwd()
	if err != nil {
		return withExit(2, err)
	}
	if globalFlags.accessible {
		return startAccessible(cmd, dir, f)
	}
	ctx, done, err := newUIContextWithClusters(cmd.Context(), f)
	if err != nil {
		return err
	}
	defer done()
	return runUI(ctx, ui.NewStartScreen(ctx, dir))
}

func newUIContext() *ui.Context {
	ctx := ui.NewContext()
	ctx.Accessible = globalFlags.accessible
	return ctx
}

// runUI runs the full-screen program with first as its screen and prints
// what the last screen asked to print once the terminal is restored.
func runUI(ctx *ui.Context, first ui.Component) error {
	root := ui.NewRoot(ctx, first)
	if _, err := ui.NewProgram(root).Run(); err != nil {
		return withExit(2, err)
	}
	if root.ExitMessage != "" {
		fmt.Println(root.ExitMessage)
	}
	if root.ExitCode != 0 {
		return withExit(root.ExitCode, nil)
	}
	return nil
}

// runWizard runs a wizard full-screen, or as plain prompts. Full screen,
// the review offers to submit the saved job on the cluster of f.
func runWizard(cmd *cobra.Command, wz *wizard.Wizard, f clusterFlags) error {
	if globalFlags.accessible {
		return runWizardAccessible(cmd, wz, f)
	}
	ctx, done, err := newUIContextWithClusters(cmd.Context(), f)
	if err != nil {
		return err
	}
	defer done()
	return runUI(ctx, ui.OpenJob(ctx, wz))
}

// runWizardAccessible runs the wizard as plain prompts; after Save it
// offers to submit on the cluster of f, as the full-screen review does, and
// then follows the job in plain lines.
func runWizardAccessible(cmd *cobra.Command, wz *wizard.Wizard, f clusterFlags) error {
	_, cl, unusable, err := formCluster(f)
	if err != nil {
		return err
	}
	var opts ui.AccessibleOptions
	switch {
	case unusable != nil:
		opts.NoSubmit = noSubmitText(unusable)
	default:
		// The full-screen review's rule: local without srtctl on PATH
		// is not offered (it would fail and leave a copy behind).
		if ok, why := ui.NewSession(cl, ui.SessionOptions{}).CanSubmit(); !ok {
			opts.NoSubmit = why
		} else {
			opts.SubmitTo = cl.Name
		}
	}
	res, err := ui.RunAccessible(wz, cmd.InOrStdin(), cmd.OutOrStdout(), opts)
	if errors.Is(err, ui.ErrNotSaved) {
		return withExit(1, err)
	}
	if err != nil || !res.Submit {
		return err
	}
	// The form wrote the file for this cluster's srtctl.
	return submitAndFollow(cmd, res.Path, cl, false, false, monitorFlags{plain: true})
}

// newUIContextWithClusters is a UI context whose screens submit to the
// cluster of f (default: the configured default) and follow jobs of the
// history on theirs. done closes the connections they opened.
//
// Without --cluster, a missing configuration is not created (only the
// built-in local cluster is known) and a broken one only turns submitting
// off, with its message in the review: building a job file needs neither.
func newUIContextWithClusters(parent context.Context, f clusterFlags) (*ui.Context, func(), error) {
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	uctx := newUIContext()
	cls := &ui.Clusters{Options: ui.SessionOptions{Context: ctx, History: openHistory()}}
	cfg, cl, unusable, err := formCluster(f)
	switch {
	case err != nil:
		cancel()
		return nil, nil, err
	case unusable != nil:
		cls.NoSubmit = noSubmitText(unusable)
		cls.Lookup = func(string) (runner.Cluster, error) { return runner.Cluster{}, unusable }
	default:
		cls.Default, cls.Lookup = cl.Name, cfg.Cluster
	}
	uctx.Clusters = cls
	return uctx, func() { cls.Close(); cancel() }, nil
}

// formCluster is the cluster a form's "Submit now" goes to: that of f
// (default: the configured default). Without --cluster or --config, a
// configuration that cannot be used only turns submitting off: it comes
// back as unusable, and err stays nil, since building a job file needs no
// cluster.
func formCluster(f clusterFlags) (cfg *runner.Config, cl runner.Cluster, unusable, err error) {
	cfg, err = loadUIConfig(f)
	switch {
	case err != nil && (f.cluster != "" || f.config != ""):
		return nil, cl, nil, err
	case err != nil:
		return nil, cl, unwrapExit(err), nil
	}
	if cl, err = cfg.Cluster(f.cluster); err != nil {
		return nil, cl, nil, withExit(2, err)
	}
	return cfg, cl, nil, nil
}

func noSubmitText(unusable error) string { return "Submit now is not offered: " + unusable.Error() }

// loadUIConfig reads the cluster configuration; without one (and without
// --cluster or --config) it is the built-in local cluster alone, and no
// file is written.
func loadUIConfig(f clusterFlags) (*runner.Config, error) {
	p := runner.DefaultConfigPath()
	if f.cluster == "" && f.config == "" {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return runner.ParseConfig(p, nil)
		}
	}
	return f.load()
}

// startAccessible is the start screen as a numbered prompt, with the same
// choices: new job, the job files here, another file, monitor a job.
func startAccessible(cmd *cobra.Command, dir string, f clusterFlags) error {
	out, in := cmd.OutOrStdout(), cmd.InOrStdin()
	files := ui.JobFiles(dir)
	fmt.Fprintln(out, "What would you like to do?")
	fmt.Fprintln(out, "1. New job")
	for i, l := range ui.AlignedLabels(files, "Edit ", 0) {
		fmt.Fprintf(out, "%d. %s\n", i+2, l)
	}
	other, follow := len(files)+2, len(files)+3
	fmt.Fprintf(out, "%d. Edit another file\n", other)
	fmt.Fprintf(out, "%d. Monitor a job\n", follow)
	fmt.Fprintf(out, "Enter a number between 1 and %d: ", follow)
	line := readLine(in)
	n, err := strconv.Atoi(line)
	if err != nil || n < 1 || n > follow {
		return withExit(2, fmt.Errorf("no such choice: %q", line))
	}
	path := ""
	switch {
	case n == 1:
		// `new`'s rule: the cluster's srtctl, else the question.
		dia, err := newJobDialect(cmd, "", f)
		if err != nil {
			return err
		}
		return runWizard(cmd, wizard.NewJobFor(dia), f)
	case n == other:
		fmt.Fprint(out, "File: ")
		if path = readLine(in); path == "" {
			return withExit(2, errors.New("no file given"))
		}
	case n == follow:
		fmt.Fprint(out, "Job id: ")
		id := readLine(in)
		return runMonitor(cmd.Context(), out, id, monitorFlags{cluster: f.cluster, config: f.config, plain: true})
	default:
		path = files[n-2].Path()
	}
	doc, err := jobspec.Load(path)
	if err != nil {
		return withExit(2, err)
	}
	return runWizard(cmd, editFor(doc, f), f)
}

// readLine reads one line, a byte at a time: the form reads the same
// input next, and a buffered reader would swallow its answers.
func readLine(r io.Reader) string {
	var b strings.Builder
	one := make([]byte, 1)
	for b.Len() < 4096 {
		if n, err := r.Read(one); n == 0 || err != nil || one[0] == '\n' {
			break
		}
		b.WriteByte(one[0])
	}
	return strings.TrimSpace(b.String())
}
