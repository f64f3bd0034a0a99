package ui

import (
	"fmt"
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

// Each file is bounded by the gate, but not their number: a directory of
// 40 large YAML files (a valid job each, with a list of 60,000 values)
// held the start screen for seconds and over 100 MB. Large files are
// passed over and the scan parses at most maxScanBytes in all.
func TestJobFilesScanOfManyLargeFilesIsBounded(t *testing.T) {
	dir := t.TempDir()
	big := jobspectest.ValidP1Disagg + "x-data: [" + strings.Repeat("1,", 60000) + "1]\n"
	for i := range 40 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("big%02d.yaml", i)), []byte(big), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Job files of the usual size beyond what the budget parses.
	for i := range maxScanBytes/len(jobspectest.ValidP1Disagg) + 10 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("job%04d.yaml", i)), []byte(jobspectest.ValidP1Disagg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	files := JobFiles(dir)
	runtime.ReadMemStats(&after)
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f.path), "big") {
			t.Fatalf("%s (%d KB) listed", f.path, len(big)>>10)
		}
	}
	if want := maxScanBytes / len(jobspectest.ValidP1Disagg); len(files) != want {
		t.Errorf("%d files listed, want the %d the scan budget holds", len(files), want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 128<<20 {
		t.Errorf("scanning allocated %d MB", alloc>>20)
	}
}
