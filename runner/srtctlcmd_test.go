package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// The srtctl command may be a wrapper of several words with ~/ paths (a
// venv's srtctl, `uv run srtctl`): each word arrives as written, ~/ is the
// login home, and the job is submitted.
func TestSrtctlCommandOfSeveralWords(t *testing.T) {
	tc := needCluster(t)
	cl := tc.cluster(t, 40)
	bin := filepath.Join(cl.SrtctlRoot, "my bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(tc.Home, "..", "..", "opt", "srtctl-test", "bin", "srtctl"), filepath.Join(bin, "srtctl")); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(tc.Home, filepath.Join(bin, "srtctl"))
	if err != nil {
		t.Fatal(err)
	}
	cl.Srtctl = []string{"env", "SRTCTL_TUI_WRAPPED=1", "~/" + rel}
	conn := connect(t, cl, ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sub, err := conn.Submit(ctx, writeJob(t, "job.yaml", jobspectest.P1Example(t)))
	if err != nil {
		t.Fatalf("Submit through %q: %v", cl.Srtctl, err)
	}
	tc.scancelLater(t, sub.JobID)
	if !ValidJobID(sub.JobID) || !strings.HasPrefix(filepath.Base(sub.LogDir), sub.JobID+"_") {
		t.Fatalf("submission %+v", sub)
	}
}
