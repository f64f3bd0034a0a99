package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// One damaged history line no longer breaks `jobs`: the others are
// listed, and a warning names the line.
func TestJobsSkipsADamagedHistoryLine(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	hist := filepath.Join(state, "srtctl-tui", "history.jsonl")
	if err := os.MkdirAll(filepath.Dir(hist), 0o700); err != nil {
		t.Fatal(err)
	}
	lines := `{"cluster":"local","id":"41","name":"first","time":"2026-01-01T00:00:00Z"}
{"cluster":"local","id":"4x2","time":"2026-01-01T00:00:00Z"}
{"cluster":"local","id":"43","name":"third","time":"2026-01-01T00:00:00Z"}
`
	if err := os.WriteFile(hist, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "jobs", "--no-state")
	if code != 0 || !strings.Contains(out, "first") || !strings.Contains(out, "third") || strings.Contains(out, "4x2") {
		t.Errorf("code %d out %q", code, out)
	}
	if !strings.Contains(errOut, "warning: "+hist+`:2: job id "4x2" is not a SLURM job id; line skipped`) {
		t.Errorf("stderr %q", errOut)
	}
}

// One row per job id: a history entry takes the cluster's stage, and its
// directory when the history has none; runs not in the history follow,
// marked, and the picker (newest first) says they were not submitted here.
func TestJobsMergesHistoryWithTheClustersRuns(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)
	hist := []runner.Entry{{Cluster: "c", JobID: "7", Name: "mine", SubmittedAt: at}}
	runs := []monitor.RunRow{
		{ID: "9", Name: "theirs", Dir: "/o/9", State: "RUNNING", Stage: "benchmark", ModTime: at.Add(time.Hour)},
		{ID: "7", Name: "srtctl-name", Dir: "/o/7", State: "PENDING", Stage: "infrastructure"},
	}
	rows := mergeRuns("c", hist, map[string]string{"7": "RUNNING 0:01"}, runs)
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	if r := rows[0]; r.id != "7" || r.name != "mine" || r.state != "RUNNING 0:01" || r.stage != "infrastructure" || r.dir != "/o/7" || r.submitted == notFromHere {
		t.Errorf("history row %+v", r)
	}
	if r := rows[1]; r.id != "9" || r.name != "theirs" || r.state != "RUNNING" || r.stage != "benchmark" || r.submitted != notFromHere {
		t.Errorf("cluster's row %+v", r)
	}
	picked := pickerRows(rows)
	if len(picked) != 2 || picked[0].ID != "9" || picked[0].Stage != "benchmark · not submitted from here" || picked[1].Stage != "infrastructure" {
		t.Errorf("picker rows %+v", picked)
	}
}
