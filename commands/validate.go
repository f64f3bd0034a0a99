package commands

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

func init() { registerCommand(newValidateCmd) }

// validateResult is one file's outcome, as --json prints it.
type validateResult struct {
	File    string          `json:"file"`
	Dialect jobspec.Dialect `json:"dialect,omitempty"` // detected
	// Reason says what gave the dialect away (and what was assumed).
	Reason string `json:"dialect_reason,omitempty"`
	// RulesOf is the dialect whose rules were applied: Dialect, or --dialect.
	RulesOf  jobspec.Dialect   `json:"rules,omitempty"`
	Findings []jobspec.Finding `json:"findings"`
	Error    string            `json:"error,omitempty"` // unreadable file
	syntax   *jobspec.SyntaxError
}

func newValidateCmd() *cobra.Command {
	var asJSON bool
	var dialect string
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check job files with srtctl's rules before submitting",
		Long: `validate checks each job file with the rules of the srtctl version it is
written for (detected, or forced with --dialect): srtctl's own load-time rules
with its exact messages, plus what srtctl leaves to the cluster (a profiled
phase without isl/osl/concurrency, a bad step window).

Prints file:line:col: error|warning|notice: message per finding and a summary
line; an explanation several findings of a file share is printed with the
first of them only. On a terminal the severities are coloured (not with
NO_COLOR set).
Exit status: 0 when no file has errors, 1 when any has, 2 for usage errors or
unreadable files.`,
		Example: "  srtctl-tui validate job.yaml\n  srtctl-tui validate --json --dialect p1 recipes/*.yaml",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			force, err := dialectFlag(dialect)
			if err != nil {
				return err
			}
			results := make([]validateResult, 0, len(args))
			for _, f := range args {
				results = append(results, validateFile(f, force))
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := printValidateJSON(out, results); err != nil {
					return withExit(2, err)
				}
			} else {
				printValidateText(out, cmd.ErrOrStderr(), results, isTerminal(out) && os.Getenv("NO_COLOR") == "")
			}
			return validateExit(results)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings and each file's dialect as JSON")
	cmd.Flags().StringVar(&dialect, "dialect", "", "apply this dialect's rules ("+dialectNames()+") instead of the detected one")
	return cmd
}

func validateFile(path string, force jobspec.Dialect) validateResult {
	r := validateResult{File: path, Findings: []jobspec.Finding{}}
	doc, err := jobspec.Load(path)
	if err != nil {
		var se *jobspec.SyntaxError
		if errors.As(err, &se) {
			r.syntax = se
			r.Findings = append(r.Findings, jobspec.Finding{Severity: jobspec.Error, Line: se.Line, Col: se.Col, Message: se.Reason})
			return r
		}
		r.Error = strings.TrimPrefix(err.Error(), path+": ") // printed after the file name
		return r
	}
	det := doc.Detect("")
	r.Dialect, r.RulesOf, r.Reason = det.Dialect, det.Dialect, det.Reason
	if det.Assumed && force == "" {
		r.Reason += "; --dialect p1 checks it as P1"
	}
	if force != "" {
		r.RulesOf = force
	}
	if fs := doc.ValidateAs(r.RulesOf); len(fs) > 0 {
		r.Findings = fs // a clean file keeps [] (not null) for jq's .findings[]
	}
	return r
}

func countFindings(results []validateResult) (errs, warns, badFiles, unreadable int) {
	for _, r := range results {
		if r.Error != "" {
			unreadable++
			continue
		}
		fileErrs := 0
		for _, f := range r.Findings {
			switch f.Severity {
			case jobspec.Error:
				fileErrs++
			case jobspec.Warning:
				warns++
			}
		}
		errs += fileErrs
		if fileErrs > 0 {
			badFiles++
		}
	}
	return
}

func printValidateText(out, errOut io.Writer, results []validateResult, color bool) {
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(errOut, "%s: %s\n", r.File, r.Error)
			continue
		}
		if r.syntax == nil {
			fmt.Fprintln(out, dialectLine(r))
		}
		told := map[string]string{} // explanation -> the finding that gave it
		for _, f := range r.Findings {
			// "profiling.decode.isl is not set: <why>" six times reads
			// as a wall: the why is said once per file.
			if head, why, ok := strings.Cut(f.Message, ": "); ok && len(why) > 60 && !strings.Contains(f.Message, "\n") {
				if first, ok := told[why]; ok {
					f.Message = head + " (why: as for " + first + " above)"
				} else {
					told[why] = cmp.Or(f.Path, head)
				}
			}
			line := formatFinding(r.File, f)
			if color {
				line = colorSeverity(line, f.Severity)
			}
			fmt.Fprintln(out, line)
		}
	}
	errs, warns, badFiles, unreadable := countFindings(results)
	summary := fmt.Sprintf("%s checked: %s, %s", plural(len(results)-unreadable, "file"), plural(errs, "error"), plural(warns, "warning"))
	if badFiles > 0 {
		summary += fmt.Sprintf(" (%s with errors)", plural(badFiles, "file"))
	}
	if unreadable > 0 {
		summary += fmt.Sprintf("; %s could not be read", plural(unreadable, "file"))
	}
	fmt.Fprintln(out, summary)
}

// dialectLine says which srtctl the file was checked for, and why.
func dialectLine(r validateResult) string {
	line := fmt.Sprintf("%s: %s (dialect %s; %s)", r.File, r.Dialect.Title(), r.Dialect, r.Reason)
	if r.RulesOf != r.Dialect {
		line = fmt.Sprintf("%s: checked with the rules of %s (--dialect %s); the file reads as %s (dialect %s; %s)",
			r.File, r.RulesOf.Title(), r.RulesOf, r.Dialect.Title(), r.Dialect, r.Reason)
	}
	return line
}

// dialectFlag reads a --dialect value ("" is none: detect the file's own);
// a name it does not know is a usage error (exit 2).
func dialectFlag(name string) (jobspec.Dialect, error) {
	if name == "" {
		return "", nil
	}
	d, ok := jobspec.ParseDialect(name)
	if !ok {
		return "", withExit(2, fmt.Errorf("--dialect %q: use %s", name, dialectNames()))
	}
	return d, nil
}

// dialectNames lists what --dialect takes, newest first.
func dialectNames() string {
	names := make([]string, len(jobspec.Dialects))
	for i, d := range jobspec.Dialects {
		names[i] = string(d)
	}
	return strings.Join(names, ", ")
}

// formatFinding prints "file:line:col: severity: message"; the further
// lines of a multi-line message (srtctl's resource mismatch) follow as is.
func formatFinding(file string, f jobspec.Finding) string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", file, f.Line, f.Col, f.Severity, f.Message)
}

// colorSeverity colours the severity word of a finding's line: red
// errors, yellow warnings, dim notices (plain ANSI: validate has no UI).
func colorSeverity(line string, sev jobspec.Severity) string {
	code := map[jobspec.Severity]string{jobspec.Error: "1;31", jobspec.Warning: "33", jobspec.Notice: "2"}[sev]
	word := ": " + sev.String() + ":"
	if code == "" {
		return line
	}
	return strings.Replace(line, word, ": \x1b["+code+"m"+sev.String()+"\x1b[0m:", 1)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func printValidateJSON(out io.Writer, results []validateResult) error {
	errs, warns, _, _ := countFindings(results)
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		Files    []validateResult `json:"files"`
		Errors   int              `json:"errors"`
		Warnings int              `json:"warnings"`
	}{results, errs, warns})
}

func validateExit(results []validateResult) error {
	errs, _, _, unreadable := countFindings(results)
	switch {
	case unreadable > 0:
		return withExit(2, nil)
	case errs > 0:
		return withExit(1, nil)
	}
	return nil
}
