// Package commands owns srtctl-tui's command tree: one file per command
// (its flags, its help and its wiring to the other packages), the root
// command, exit codes, and the multi-call entry that lets the binary stand in
// for the simulated cluster's tools. main only calls Main.
package commands

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// BuildInfo is what the release build stamps into main (-ldflags -X).
type BuildInfo struct{ Version, Commit, Date string }

// build is set once by Main, before any command runs.
var build = BuildInfo{Version: "dev", Commit: "none", Date: "unknown"}

// exitError carries a process exit code through cobra without printing twice.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// withExit wraps err so that main exits with code; a nil err only sets the code.
func withExit(code int, err error) error { return &exitError{code: code, err: err} }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "srtctl-tui",
		Short: "Build, submit and watch srtctl profiling jobs",
		Long: `srtctl-tui builds srtctl job files that profiling accepts (srtctl 1.0.x,
2.x, or P1 of December 2025: the cluster's srtctl decides the rules),
submits them to a SLURM login node over SSH, follows the job and its logs
side by side until the traces appear, then summarises the traces. Without
a command it opens the start screen (new job, edit a job file of this
directory, follow a submitted job).`,
		Example: "  srtctl-tui demo                      # the whole flow on a simulated cluster\n" +
			"  srtctl-tui new prof.yaml             # a job file, in a form that only offers valid choices\n" +
			"  srtctl-tui submit prof.yaml -c mycluster   # submit and follow it\n" +
			"  srtctl-tui summary profiles/1234     # what its traces say\n" +
			"  srtctl-tui completion bash > ~/.local/share/bash-completion/completions/srtctl-tui",
		Version:       fmt.Sprintf("%s (commit %s, built %s)", build.Version, build.Commit, build.Date),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("srtctl-tui {{.Version}}\n")
	root.PersistentFlags().BoolVar(&globalFlags.accessible, "accessible", os.Getenv("ACCESSIBLE") != "",
		"plain prompts instead of the full-screen UI (screen readers, dumb terminals; also ACCESSIBLE=1)")
	if rootRunE != nil {
		// With no subcommand: the start screen.
		root.Args = cobra.NoArgs
		root.RunE = rootRunE
	}
	if rootFlags != nil {
		rootFlags(root)
	}
	for _, add := range commandConstructors {
		root.AddCommand(add())
	}
	return root
}

// globalFlags are the persistent flags every command sees.
var globalFlags struct {
	accessible bool
}

// rootRunE, when set by a command file (start.go), runs for `srtctl-tui` alone;
// rootFlags adds the flags it takes.
var (
	rootRunE  func(cmd *cobra.Command, args []string) error
	rootFlags func(root *cobra.Command)
)

// commandConstructors is filled by the command files' init functions, so a
// new command is one new file and no edit here.
var commandConstructors []func() *cobra.Command

func registerCommand(f func() *cobra.Command) { commandConstructors = append(commandConstructors, f) }

// Main runs srtctl-tui (or, under another name, the simulated tool of that
// name) with os.Args and returns the process exit code.
func Main(info BuildInfo) int {
	build = info
	if code, handled := runAsMultiCall(os.Args); handled {
		return code
	}
	err := newRootCmd().Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(os.Stderr, "srtctl-tui:", errorText(ee.err))
		}
		return ee.code
	}
	fmt.Fprintln(os.Stderr, "srtctl-tui:", errorText(err))
	return 2
}

// errorText is how a command's error is printed: errors carry remote paths,
// names and messages, so the text goes through safetext.Plain whatever
// wrapped it.
func errorText(err error) string { return safetext.Plain(err.Error()) }
