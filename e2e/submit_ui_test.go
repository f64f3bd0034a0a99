package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner"
)

// `srtctl-tui new --cluster test` on the real test cluster: the job typed
// through the form, saved, y submits it (recorded in the history), the
// monitor replaces the form and shows the job's panes; c, y cancels it.
func TestNewSubmitNowFollowsJobOnCluster(t *testing.T) {
	start := time.Now()
	c := newMonCluster(t, 20)
	dir := t.TempDir()
	mp := c.startIn(t, dir, 100, 30, "new", "--cluster", "test")
	p := &pane{t: t, socket: mp.socket}

	// The name the cluster's clean-up cancels by.
	p.walkJobAndResources("monitor-e2e", "/models/deepseek-r1", "/containers/sglang.sqsh", 1)
	p.enterTo("Input length (isl)", "prefill phase")
	p.walkPhase("prefill", nil, "Input length (isl)", "decode phase")
	p.walkPhase("decode", nil, "Account", "Step 4/5")
	p.waitFor(focused("Account"))
	p.enterTo("Partition")
	p.enterTo("Time limit")
	p.text("00:30:00")
	p.keys("Enter")
	p.waitFor("Step 5/5 Review", "passes srtctl P1's rules")
	p.keys("s")
	p.waitFor("Save as: monitor-e2e.yaml")
	p.keys("Enter")
	p.waitFor("Saved monitor-e2e.yaml", "Submit now?", "cluster test")
	p.keys("y")

	// The monitor replaces the form once srtctl took the job.
	s := mp.waitFor(60*time.Second, "monitor-e2e #", "cluster test", "profile_prefill.out", "profile_decode.out")
	if strings.Contains(s, "Step 5/5") {
		t.Fatalf("the review is still on screen:\n%s", s)
	}
	entries, _, err := runner.OpenHistory(filepath.Join(c.xdg, "state", "srtctl-tui", "history.jsonl")).Entries()
	if err != nil || len(entries) != 1 {
		t.Fatalf("history: %v, %d entries (want the submitted job)", err, len(entries))
	}
	e := entries[0]
	if e.Cluster != "test" || e.Name != "monitor-e2e" || e.JobFile != filepath.Join(dir, "monitor-e2e.yaml") ||
		!strings.HasPrefix(e.LogDir, c.root+"/logs/"+e.JobID+"_") {
		t.Fatalf("history entry %+v", e)
	}
	if !strings.Contains(s, "#"+e.JobID) {
		t.Fatalf("the monitor does not follow job %s:\n%s", e.JobID, s)
	}
	if _, err := os.Stat(filepath.Join(dir, "monitor-e2e.yaml")); err != nil {
		t.Fatal(err)
	}
	// The job's own lines arrive in both panes (which line is on screen
	// depends on how far the fast-paced job got: the panes follow the end).
	mp.waitUntil("the job's lines in both panes", 60*time.Second, func(s string) bool {
		for _, l := range []string{"Waiting for server at http://127.0.0.1:30000", "Running profiler...",
			"Initial test run completed", "Profiling results saved to /logs/profiles/"} {
			if sideBySide(s, l) {
				return true
			}
		}
		return false
	})

	mp.keys("c")
	mp.waitFor(10*time.Second, "Cancel job "+e.JobID+"?")
	mp.keys("y")
	mp.waitFor(60*time.Second, "job cancelled")
	mp.keys("q")
	s = mp.waitFor(15*time.Second, "EXIT=")
	if !strings.Contains(s, "Job "+e.JobID+": cancelled") {
		t.Fatalf("quit message:\n%s", s)
	}
	t.Logf("form to cancelled job in %s", time.Since(start).Round(100*time.Millisecond))
}

// Bare srtctl-tui, "Monitor a job": the history's job is listed and Enter
// follows it on its cluster.
func TestStartScreenMonitorsJobFromHistory(t *testing.T) {
	c := newMonCluster(t, 20)
	sub := c.submit(t)
	mp := c.startIn(t, t.TempDir(), 120, 30)
	p := &pane{t: t, socket: mp.socket}
	p.waitFor("What would you like to do?", "Monitor a job")
	p.keys("Up") // the last item
	p.waitFor("> Monitor a job")
	p.keys("Enter")
	p.waitFor("Jobs submitted from this machine", "test", sub.JobID, "monitor-e2e")
	p.keys("Enter")
	mp.waitFor(60*time.Second, "monitor-e2e #"+sub.JobID, "cluster test", "profile_prefill.out", "profile_decode.out")
	mp.keys("q")
	s := mp.waitFor(15*time.Second, "EXIT=")
	if !strings.Contains(s, "Job "+sub.JobID+" keeps running on test") || !strings.Contains(s, "srtctl-tui monitor "+sub.JobID+" --cluster test") {
		t.Fatalf("quit message:\n%s", s)
	}
}
