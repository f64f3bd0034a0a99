package commands

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/ui"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// chooseSrtctlLine is the plain-prompt question which srtctl a new job
// is for (full screen, ui.NewJob asks it): numbered choices, one answer
// line. It reads that line a byte at a time, so the form that
// follows gets the rest of the input.
func chooseSrtctlLine(in io.Reader, out io.Writer) (jobspec.Dialect, error) {
	fmt.Fprintln(out, ui.SrtctlQuestion)
	for i, c := range ui.SrtctlChoices {
		fmt.Fprintf(out, "%d. %s\n", i+1, c.Label)
	}
	for {
		fmt.Fprintf(out, "Enter a number between 1 and %d (Enter: 1): ", len(ui.SrtctlChoices))
		var line []byte
		var b [1]byte
		for {
			n, err := in.Read(b[:])
			if n == 1 && b[0] != '\n' {
				line = append(line, b[0])
			}
			if n == 1 && b[0] == '\n' {
				break
			}
			if err != nil {
				return "", fmt.Errorf("input ended before the srtctl was chosen: %w", err)
			}
		}
		answer := strings.TrimSpace(string(line))
		if answer == "" {
			return ui.SrtctlChoices[0].Dialect, nil
		}
		if k, err := strconv.Atoi(answer); err == nil && k >= 1 && k <= len(ui.SrtctlChoices) {
			return ui.SrtctlChoices[k-1].Dialect, nil
		}
		fmt.Fprintf(out, "%q is not one of the choices.\n", answer)
	}
}

// newJobDialect decides which srtctl `new` with --srtctl or as plain
// prompts (and the accessible start menu's "New job") writes for:
// --srtctl; else the cluster's (--cluster, else the default), when known
// (configuration or cache) or learned now over a BatchMode connection;
// else the user says. Full screen, ui.NewJob follows the same rule.
func newJobDialect(cmd interface {
	InOrStdin() io.Reader
	OutOrStdout() io.Writer
}, flag string, f clusterFlags) (jobspec.Dialect, error) {
	if flag != "" {
		return parseSrtctlFlag(flag)
	}
	if d := clusterDialect(f); d != "" {
		return d, nil
	}
	return chooseSrtctlLine(cmd.InOrStdin(), cmd.OutOrStdout())
}

// parseSrtctlFlag reads --srtctl (new, edit).
func parseSrtctlFlag(flag string) (jobspec.Dialect, error) {
	d, ok := runner.ParseSrtctlVersion(flag)
	if !ok {
		return "", withExit(2, fmt.Errorf("--srtctl %q: use v2, v1 or p1 (or a version such as 1.0.68)", flag))
	}
	return d, nil
}

// clusterDialect is the srtctl the cluster of f (--cluster, else the
// default) runs: known from the configuration or the cache, else asked once
// over a BatchMode connection, which never prompts; "" when not known.
func clusterDialect(f clusterFlags) jobspec.Dialect {
	s := clusterSession(f)
	if s == nil {
		return ""
	}
	defer s.Close()
	return s.Dialect()
}

// editFor opens doc in the form for the srtctl of the cluster of f, by
// the rule the start screen follows too (ui.EditFor).
func editFor(doc *jobspec.Doc, f clusterFlags) *wizard.Wizard {
	s := clusterSession(f)
	if s != nil {
		defer s.Close()
	}
	return ui.EditFor(doc, s)
}

// clusterSession is a session on the cluster of f (--cluster, else the
// default), nil when there is no usable one; the caller closes it.
func clusterSession(f clusterFlags) *ui.Session {
	_, cl, unusable, err := formCluster(f)
	if err != nil || unusable != nil {
		return nil
	}
	return ui.NewSession(cl, ui.SessionOptions{})
}
