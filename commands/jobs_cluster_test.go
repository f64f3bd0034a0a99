package commands

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// A run another srtctl-tui submitted (its own configuration and history)
// is listed by plain `jobs`, marked as not from here, and by the hidden
// --remote alias; --local lists only this machine's history. Once the job
// is in the history too, it is one row, with the history's name and the
// cluster's directory and state.
func TestJobsListsRunsSubmittedElsewhere(t *testing.T) {
	tc, _ := cliCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	job := writeFile(t, t.TempDir(), "job.yaml", string(jobspectest.P1Example(t)))
	out, errOut, code := runCLIIn(t, ctx, "", "submit", "--detach", job)
	m := regexp.MustCompile(`(?m)^Job ([0-9]+) submitted on tc\nLogs: (\S+)$`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("submit by the other srtctl-tui: exit %d\n%s\n%s", code, out, errOut)
	}
	id, logDir := m[1], m[2]
	tc.ScancelLater(t, id)

	// This machine: the same cluster in a configuration of its own, and
	// an empty history.
	cfg, err := os.ReadFile(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "srtctl-tui", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	writeCLIConfig(t, string(cfg))

	elsewhere := regexp.MustCompile(`(?m)^` + id + ` +tc +\S+ +not from here +(PENDING|RUNNING|COMPLETED)\b.* ` + regexp.QuoteMeta(logDir) + `$`)
	// The run's directory appears once SLURM starts the job.
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(time.Second) {
		out, errOut, code = runCLIIn(t, ctx, "", "jobs")
		if code == 0 && elsewhere.MatchString(out) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs does not list the run submitted elsewhere: exit %d\n%s\n%s", code, out, errOut)
		}
	}
	if out, errOut, code = runCLIIn(t, ctx, "", "jobs", "--remote"); code != 0 || !elsewhere.MatchString(out) {
		t.Fatalf("jobs --remote: exit %d\n%s\n%s", code, out, errOut)
	}
	if out, errOut, code = runCLIIn(t, ctx, "", "jobs", "--local"); code != 0 || out != "No jobs submitted yet (srtctl-tui submit FILE).\n" {
		t.Fatalf("jobs --local with an empty history: exit %d\n%s\n%s", code, out, errOut)
	}

	if err := runner.OpenHistory(runner.DefaultHistoryPath()).Append(runner.Entry{Cluster: "tc", JobID: id, Name: "mine", SubmittedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLIIn(t, ctx, "", "jobs")
	mine := regexp.MustCompile(`(?m)^` + id + ` +tc +mine +\S+ \S+ +(PENDING|RUNNING|COMPLETED)\b.* ` + regexp.QuoteMeta(logDir) + `$`)
	if code != 0 || !mine.MatchString(out) || strings.Count(out, "\n"+id+" ") != 1 {
		t.Fatalf("jobs with the run in the history: exit %d\n%s\n%s", code, out, errOut)
	}
	if out, errOut, code = runCLIIn(t, ctx, "", "jobs", "--local"); code != 0 || !regexp.MustCompile(`(?m)^`+id+` +tc +mine +\S+ \S+ +(PENDING|RUNNING|COMPLETED)\b.* -$`).MatchString(out) {
		t.Fatalf("jobs --local: exit %d\n%s\n%s", code, out, errOut)
	}
}
