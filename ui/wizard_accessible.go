package ui

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"al.essio.dev/pkg/shellescape"
	"charm.land/huh/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// ErrNotSaved is returned by RunAccessible when the user left without
// saving.
var ErrNotSaved = errors.New("not saved")

// AccessibleOptions says what RunAccessible offers after Save.
type AccessibleOptions struct {
	// SubmitTo is the cluster the saved job can be submitted to, as the
	// full-screen review offers; "" offers nothing, and NoSubmit (when set)
	// says why.
	SubmitTo string
	NoSubmit string
}

// AccessibleOutcome is what the user did: the saved (or unchanged) file
// and whether they asked to submit it to SubmitTo.
type AccessibleOutcome struct {
	Path   string
	Submit bool
}

// RunAccessible runs the same steps as plain prompts (huh's accessible
// mode) for screen readers and dumb terminals: each visible step in turn,
// then the review as text, then Save, then the offer to submit.
func RunAccessible(wz *wizard.Wizard, in io.Reader, out io.Writer, opts AccessibleOptions) (AccessibleOutcome, error) {
	lr := &lineReader{r: bufio.NewReader(in)}
	path, err := runAccessibleForm(wz, lr, out)
	if err != nil {
		return AccessibleOutcome{}, err
	}
	res := AccessibleOutcome{Path: path}
	switch {
	case opts.SubmitTo != "":
		res.Submit = lr.ask(out, fmt.Sprintf("Submit %s to cluster %s now?", path, opts.SubmitTo))
	case opts.NoSubmit != "":
		fmt.Fprintln(out, opts.NoSubmit)
	}
	if !res.Submit {
		fmt.Fprintf(out, "Submit it later with:\n  srtctl-tui submit %s\nor on the login node with:\n  srtctl apply -f %s\n", shellescape.Quote(path), shellescape.Quote(path))
	}
	return res, nil
}

func runAccessibleForm(wz *wizard.Wizard, lr *lineReader, out io.Writer) (string, error) {
	if wz.ReadOnly {
		fmt.Fprintln(out, wz.Notice)
		for _, f := range wz.Base().Validate() {
			fmt.Fprintf(out, "%s:%d:%d: %s: %s\n", wz.FileName(), f.Line, f.Col, f.Severity, f.Message)
		}
		return "", ErrNotSaved
	}
	for {
		for _, st := range wz.Steps(true) {
			if st.Hidden() {
				continue
			}
			fmt.Fprintf(out, "\nStep %d/%d · %s\n", st.Number, wizard.StepCount, st.Title)
			if st.Info != nil {
				if info := st.Info(); info != "" {
					fmt.Fprintln(out, info)
				}
			}
			f := huh.NewForm(st.Group).WithAccessible(true).WithInput(lr).WithOutput(out).
				WithTheme(huh.ThemeFunc(huh.ThemeBase))
			if err := f.Run(); err != nil {
				return "", err
			}
			if lr.eof {
				return "", fmt.Errorf("input ended before the form was complete: %w", ErrNotSaved)
			}
		}
		fmt.Fprintf(out, "\nStep %d/%d · %s\n", wizard.StepCount, wizard.StepCount, wizard.StepName(wizard.StepCount))
		res, err := wz.Result()
		if err != nil {
			fmt.Fprintln(out, "Cannot review:", err)
			if lr.ask(out, "Go through the form again?") {
				continue
			}
			return "", ErrNotSaved
		}
		printReview(out, wz, res)
		if !res.CanSave() {
			fmt.Fprintln(out, "This cannot be saved until the errors above are fixed.")
			if lr.ask(out, "Go back to the form?") {
				continue
			}
			return "", ErrNotSaved
		}
		if res.Unchanged() {
			fmt.Fprintln(out, "No changes; nothing written.")
			return res.Path, nil
		}
		if !lr.ask(out, "Save?") {
			if lr.ask(out, "Go back to the form?") {
				continue
			}
			return "", ErrNotSaved
		}
		path := res.Path
		if wz.IsNew() {
			for {
				path = lr.prompt(out, fmt.Sprintf("Save as [%s]: ", wz.SuggestedPath()), wz.SuggestedPath())
				if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) || lr.ask(out, path+" exists. Overwrite it (the old one is kept as .bak)?") {
					break
				}
				if lr.eof {
					return "", ErrNotSaved
				}
			}
		}
		if err := res.Save(path); err != nil {
			return "", err
		}
		fmt.Fprintf(out, "Saved %s\n", path)
		return path, nil
	}
}

func printReview(out io.Writer, wz *wizard.Wizard, res *wizard.Result) {
	if jobspec.HasErrors(res.Findings) {
		fmt.Fprintln(out, "Validation: errors")
	} else {
		fmt.Fprintln(out, "Validation: passes "+wz.RulesName()+"'s rules")
	}
	for _, f := range res.Findings {
		fmt.Fprintf(out, "  %s %d:%d %s: %s\n", f.Severity, f.Line, f.Col, f.Path, f.Message)
	}
	if len(res.Fit) > 0 {
		fmt.Fprintln(out, "Workers and GPUs:")
		for _, f := range res.Fit {
			if f.Problem == "" {
				fmt.Fprintln(out, "  ok: "+f.Text)
			} else {
				fmt.Fprintln(out, "  warning: "+f.Text+": "+f.Problem)
			}
		}
	}
	if len(res.Changes)+len(res.Notes) > 0 {
		fmt.Fprintln(out, "Changed for you:")
		for _, c := range res.Changes {
			fmt.Fprintln(out, "  - "+wizard.ChangeText(c))
		}
		for _, n := range res.Notes {
			fmt.Fprintln(out, "  - "+n)
		}
	}
	switch {
	case wz.IsNew():
		fmt.Fprintln(out, "The new file:")
		fmt.Fprint(out, string(res.Doc.Bytes()))
	case res.Diff == "":
		fmt.Fprintln(out, "No changes.")
	default:
		fmt.Fprint(out, res.Diff)
	}
}

// lineReader hands out one line per Read: huh's accessible prompts wrap
// the input in a new bufio.Scanner each time, which would swallow the
// lines after the first from a pipe.
type lineReader struct {
	r   *bufio.Reader
	eof bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c, err := l.r.ReadByte()
		if err != nil {
			if n == 0 {
				l.eof = true
				return 0, err
			}
			return n, nil
		}
		p[n] = c
		n++
		if c == '\n' {
			break
		}
	}
	return n, nil
}

func (l *lineReader) prompt(out io.Writer, question, def string) string {
	fmt.Fprint(out, question)
	line, err := l.r.ReadString('\n')
	if err != nil && line == "" {
		l.eof = true
		fmt.Fprintln(out)
		return def
	}
	if s := strings.TrimSpace(line); s != "" {
		return s
	}
	return def
}

func (l *lineReader) ask(out io.Writer, question string) bool {
	for {
		switch strings.ToLower(l.prompt(out, question+" [y/N]: ", "n")) {
		case "y", "yes":
			return true
		case "n", "no":
			return false
		}
		if l.eof {
			return false
		}
	}
}
