package runner

import (
	"context"
	"encoding/json"
	"errors"
	"path"
	"regexp"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// todayDialect: the job file is for srtctl 1.0.x or 2.x, whose apply has
// --json (P1 and P3 files go to an srtctl that has not).
func todayDialect(data []byte) bool {
	doc, err := jobspec.Parse("job.yaml", data)
	if err != nil {
		return false
	}
	d := doc.Dialect()
	return doc.Has("schema") || d == jobspec.DialectV1 || d == jobspec.DialectV2
}

// wideColumns keeps Rich from wrapping srtctl's prose: off a terminal it
// wraps at 80 columns, or at COLUMNS when set.
const wideColumns = "COLUMNS=4096"

// applyToday runs `srtctl apply -f F --json` and reads its one JSON line.
// An srtctl without --json (argparse refuses it, exit 2, nothing
// submitted) is asked again without it, and its prose is read instead.
func (c *Conn) applyToday(ctx context.Context, remote string) (id, dir string, argv []string, output string, err error) {
	cl := c.cluster
	base := append([]string{"env", wideColumns}, cl.SrtctlCommand()...)
	argv = append(append([]string{}, base...), "apply", "-f", remote, "--json")
	stdout, _, combined, err := c.runIn(ctx, cl.SrtctlRoot, argv)
	output = safetext.Plain(string(combined))
	rec, found := applyJSON(string(stdout))
	if found {
		switch rec.Status {
		case "submitted":
			return rec.SlurmJobID, rec.OutputDir, argv, output, nil
		case "error":
			code := 1
			var ce *CommandError
			if errors.As(err, &ce) {
				code = ce.ExitCode
			}
			return "", "", argv, output, &SubmitError{Cluster: cl.Name, Command: shellCommand(cl.SrtctlRoot, argv),
				ExitCode: code, Message: safetext.Plain(rec.Error), Output: output}
		}
	}
	var ce *CommandError
	if errors.As(err, &ce) && ce.ExitCode == 2 && strings.Contains(output, "--json") {
		argv = append(append([]string{}, base...), "apply", "-f", remote)
		_, _, combined, err = c.runIn(ctx, cl.SrtctlRoot, argv)
		output = safetext.Plain(string(combined))
	}
	if err != nil {
		return "", "", argv, output, err
	}
	id, dir = ParseApplyOutput(output)
	if id != "" && path.Base(dir) == "logs" && path.Base(path.Dir(dir)) == id {
		// Today's "📁 Logs:" names <base>/<id>/logs; the run is its parent.
		dir = path.Dir(dir)
	}
	return id, dir, argv, output, nil
}

// applyRecord is the line `srtctl apply --json` prints per job.
type applyRecord struct {
	Status     string `json:"status"`
	SlurmJobID string `json:"slurm_job_id"`
	OutputDir  string `json:"output_dir"`
	Error      string `json:"error"`
}

// applyJSON finds apply's JSON line in its stdout (the last one wins: a
// sweep prints one per job).
func applyJSON(stdout string) (applyRecord, bool) {
	var rec applyRecord
	found := false
	for _, l := range strings.Split(stdout, "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var r applyRecord
		if json.Unmarshal([]byte(l), &r) == nil && r.Status != "" {
			if r.Status == "submitted" && !ValidJobID(r.SlurmJobID) {
				continue
			}
			rec, found = r, true
		}
	}
	return rec, found
}

// wrappedLogs matches "📁 Logs:" and what Rich wrapped onto the lines
// after it: lines without spaces until a blank line or the next emoji line.
var wrappedLogs = regexp.MustCompile(`(?m)Logs:[ \t]*(\S*)[ \t]*\n((?:[^\s📋📊🚀✅📁][^\s]*[ \t]*\n)*)`)

// joinWrappedLogs returns the Logs: path with Rich's wrapped
// continuation lines joined, or "" when there are none to join.
func joinWrappedLogs(out string) string {
	m := wrappedLogs.FindStringSubmatch(out + "\n")
	if m == nil || strings.TrimSpace(m[2]) == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(m[1])
	for _, l := range strings.Split(m[2], "\n") {
		b.WriteString(strings.TrimSpace(l))
	}
	return b.String()
}
