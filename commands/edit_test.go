package commands

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// edit refuses, before the form opens, what its save would refuse: a
// named pipe (never, --force included) and a read-only file (without
// --force), each with why.
func TestEditRefusesBeforeTheForm(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"edit", fifo}, {"edit", "--force", fifo}} {
		if _, errOut, code := runCLIWithin(t, 10*time.Second, args...); code != 2 || !strings.Contains(errOut, "is a named pipe (FIFO), not a regular file") {
			t.Errorf("%v: code %d stderr %q", args, code, errOut)
		}
	}
	ro := writeFile(t, dir, "ro.yaml", goodJob)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "edit", ro); code != 2 || !strings.Contains(errOut, ro+": not written: it is read-only (mode 0444)") {
		t.Errorf("read-only: code %d stderr %q", code, errOut)
	}
}

// edit --srtctl names the srtctl a file is for: a file that could be P1 or
// 1.0.x, which opens as 1.0.x when no cluster's srtctl is known (saying
// how to open it as P1), opens as P1 with P1's problems; a value that
// names no srtctl is refused.
func TestEditSrtctlFlagChoosesTheDialect(t *testing.T) {
	freshConfig(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("PATH", t.TempDir()+":/usr/bin:/bin") // no srtctl here
	job := writeFile(t, t.TempDir(), "job.yaml", "name: x\nmodel:\n  path: /m\n  container: /c\n  precision: fp8\n"+
		"resources:\n  gpu_type: h100\n  prefill_nodes: 1\n  decode_nodes: 1\n  prefill_workers: 1\n  decode_workers: 1\n  gpus_per_node: 8\n"+
		"profiling:\n  type: torch\n  prefill:\n    start_step: 0\n    stop_step: 20\n  decode:\n    start_step: 0\n    stop_step: 20\n")
	out, _, _ := runCLI(t, "--accessible", "edit", job)
	if !strings.Contains(out, "it opens as 1.0.x. To open it as P1: edit --srtctl p1") {
		t.Errorf("without --srtctl:\n%s", out)
	}
	out, _, _ = runCLI(t, "--accessible", "edit", "--srtctl", "p1", job)
	if strings.Contains(out, "it opens as 1.0.x") || !strings.Contains(out, "profiling.prefill.isl is not set") {
		t.Errorf("--srtctl p1 does not open it as P1:\n%s", out)
	}
	if _, errOut, code := runCLI(t, "edit", "--srtctl", "v9", job); code != 2 || !strings.Contains(errOut, `--srtctl "v9": use v2, v1 or p1`) {
		t.Errorf("--srtctl v9: code %d, stderr %q", code, errOut)
	}
}
