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
