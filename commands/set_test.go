package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetCommand(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "job.yaml", goodJob)

	out, _, code := runCLI(t, "set", "--dry-run", p, "profiling.decode.concurrency=128")
	if code != 0 || !strings.Contains(out, "-    concurrency: 256\n+    concurrency: 128\n") {
		t.Errorf("dry run: code %d out %q", code, out)
	}
	if now, _ := os.ReadFile(p); string(now) != goodJob {
		t.Fatal("dry run wrote the file")
	}

	out, errOut, code := runCLI(t, "set", p, "profiling.type=nsys", "profiling.decode.concurrency=128", "slurm.time_limit=2:00:00")
	if code != 0 {
		t.Fatalf("set: code %d stderr %q", code, errOut)
	}
	now, _ := os.ReadFile(p)
	if !strings.Contains(string(now), "  type: \"nsys\"\n") || !strings.Contains(string(now), "    concurrency: 128\n") || !strings.Contains(string(now), "slurm:\n  time_limit: \"2:00:00\"\n") {
		t.Errorf("written file:\n%s", now)
	}
	if bak, _ := os.ReadFile(p + ".bak"); string(bak) != goodJob {
		t.Errorf("no .bak of the previous version")
	}
	if !strings.HasPrefix(out, "--- "+p+"\n+++ "+p+"\n") {
		t.Errorf("diff header: %q", out)
	}

	// an edit that breaks a rule is shown but not written, unless --force
	before, _ := os.ReadFile(p)
	_, errOut, code = runCLI(t, "set", p, "resources.decode_workers=4")
	if code != 1 || !strings.Contains(errOut, p+":11:19: error: Profiling mode requires single worker only. Got decode_workers=4") {
		t.Errorf("invalid edit: code %d stderr %q", code, errOut)
	}
	if after, _ := os.ReadFile(p); string(after) != string(before) {
		t.Errorf("an edit with errors was written")
	}
	if _, _, code = runCLI(t, "set", "--force", p, "resources.decode_workers=4"); code != 0 {
		t.Errorf("--force: code %d", code)
	}
	if after, _ := os.ReadFile(p); !strings.Contains(string(after), "decode_workers: 4\n") {
		t.Errorf("--force did not write")
	}

	// values are typed by the field
	if _, errOut, code = runCLI(t, "set", p, "resources.decode_workers=two"); code != 2 || !strings.Contains(errOut, "whole number") {
		t.Errorf("non-integer for an int field: code %d stderr %q", code, errOut)
	}
	if _, _, code = runCLI(t, "set", p, "novalue"); code != 2 {
		t.Errorf("missing '=': code %d", code)
	}
	if _, _, code = runCLI(t, "set", p, "resources.decode_workers=1", "--unset", "slurm.time_limit"); code != 0 {
		t.Errorf("--unset: code %d", code)
	}
	if after, _ := os.ReadFile(p); strings.Contains(string(after), "slurm") {
		t.Errorf("--unset left the slurm section:\n%s", after)
	}

	// a malformed file: position and reason, nothing written
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte("name: x\nmodel: [\n"), 0o644)
	_, errOut, code = runCLI(t, "set", broken, "name=y")
	if code != 1 || !strings.Contains(errOut, broken+":") || !strings.Contains(errOut, "nothing written") {
		t.Errorf("malformed: code %d stderr %q", code, errOut)
	}
	if b, _ := os.ReadFile(broken); string(b) != "name: x\nmodel: [\n" {
		t.Errorf("malformed file was written")
	}
	if _, err := os.Stat(broken + ".bak"); err == nil {
		t.Errorf("malformed file got a .bak")
	}
}
