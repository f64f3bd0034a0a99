package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
