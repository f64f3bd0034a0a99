package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner"
)

// scancel exits 0 for a job SLURM does not know: cancel must still say
// what SLURM said and exit 1, never "Cancelled".
func TestCancelUnknownJobSaysWhatSlurmSaid(t *testing.T) {
	cliCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, errOut, code := runCLIIn(t, ctx, "", "cancel", "--yes", "99999999")
	if code != 1 || strings.Contains(out, "Cancelled") ||
		!strings.Contains(errOut, "cluster tc: job 99999999 not cancelled: SLURM says: Invalid job id specified") {
		t.Fatalf("cancel of an unknown job: exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
}

// The history says job 99999998 ran on "down"; an explicit --config (or
// --cluster) wins over it, and only with neither does the history count.
func TestCancelExplicitConfigWinsOverHistory(t *testing.T) {
	cliCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := runner.OpenHistory(runner.DefaultHistoryPath()).Append(runner.Entry{Cluster: "down", JobID: "99999998", SubmittedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "srtctl-tui", "config.yaml")
	for _, args := range [][]string{{"--config", cfg}, {"--cluster", "tc"}} {
		_, errOut, code := runCLIIn(t, ctx, "", append([]string{"cancel", "--yes", "99999998"}, args...)...)
		if code != 1 || !strings.Contains(errOut, "cluster tc: job 99999998 not cancelled: SLURM says: Invalid job id specified") {
			t.Fatalf("cancel %v: exit %d, want SLURM's answer from tc\n%s", args, code, errOut)
		}
	}
	_, errOut, code := runCLIIn(t, ctx, "", "cancel", "--yes", "99999998")
	if code != exitUnreachable || !strings.Contains(errOut, "cluster down: cannot connect") {
		t.Fatalf("cancel with no flag: exit %d, want the history's cluster (down)\n%s", code, errOut)
	}
}
