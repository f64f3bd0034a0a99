package ui

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// The start screen parses every *.yaml of the directory: they go through
// jobspec's YAML gate, so a 120 KB file of 60,000 nested brackets beside
// the job costs next to nothing (it took gigabytes), and a named pipe is
// passed over instead of blocking the screen.
func TestJobFilesScanIsBounded(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "job.yaml")
	deep := "name: " + strings.Repeat("[", 60000) + strings.Repeat("]", 60000) + "\n"
	for p, body := range map[string]string{good: jobspectest.ValidP1Disagg, filepath.Join(dir, "deep.yaml"): deep} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	files := JobFiles(dir)
	runtime.ReadMemStats(&after)
	if len(files) != 1 || files[0].path != good {
		t.Errorf("files %+v", files)
	}
	// Allocation, not time: the same on any machine.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("scanning allocated %d MB", alloc>>20)
	}
}
