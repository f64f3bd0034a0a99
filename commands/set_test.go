package commands

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// Through a symbolic link, set writes the file the link points to and
// keeps the .bak beside it; its message named a .bak beside the link,
// which does not exist.
func TestSetThroughALinkNamesTheRealBackup(t *testing.T) {
	dir := t.TempDir()
	target := writeFile(t, dir, "job.yaml", goodJob)
	if err := os.Mkdir(filepath.Join(dir, "links"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "links", "job.yaml")
	if err := os.Symlink("../job.yaml", link); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "set", link, "profiling.decode.concurrency=128")
	if code != 0 {
		t.Fatalf("set: code %d stderr %q", code, errOut)
	}
	if bak, err := os.ReadFile(target + ".bak"); err != nil || string(bak) != goodJob {
		t.Fatalf("no .bak beside the target file: %v", err)
	}
	if !strings.Contains(errOut, "previous version in "+target+".bak") {
		t.Errorf("stderr %q does not name %s.bak", errOut, target)
	}
}

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

// runCLIWithin runs the command in a goroutine and fails the test instead
// of hanging when it does not return (a reader blocked on a pipe).
func runCLIWithin(t *testing.T, d time.Duration, args ...string) (string, string, int) {
	t.Helper()
	type res struct {
		out, errOut string
		code        int
	}
	done := make(chan res, 1)
	go func() {
		o, e, c := runCLI(t, args...)
		done <- res{o, e, c}
	}()
	select {
	case r := <-done:
		return r.out, r.errOut, r.code
	case <-time.After(d):
		t.Fatalf("%v did not return within %s", args, d)
		return "", "", 0
	}
}

// set never reads from or replaces what is not a regular file, --force
// included: a named pipe, or a symbolic link to a device.
func TestSetRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "null.yaml")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, kind string }{{fifo, "is a named pipe (FIFO), not a regular file"}, {link, "is a character device, not a regular file"}} {
		for _, force := range []bool{false, true} {
			args := []string{"set", c.path, "name=x"}
			if force {
				args = []string{"set", "--force", c.path, "name=x"}
			}
			_, errOut, code := runCLIWithin(t, 10*time.Second, args...)
			if code != 2 || !strings.Contains(errOut, c.path+": "+c.kind) {
				t.Errorf("%v: code %d stderr %q", args, code, errOut)
			}
		}
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", st.Mode(), err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("/dev/null is no longer a device: %v", err)
	}
}

// A read-only file, a hard link or another user's file is not silently
// rewritten: set says why, and --force writes it.
func TestSetRefusesToSilentlyReplace(t *testing.T) {
	dir := t.TempDir()
	ro := writeFile(t, dir, "ro.yaml", goodJob)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	linked := writeFile(t, dir, "linked.yaml", goodJob)
	if err := os.Link(linked, filepath.Join(dir, "other-name.yaml")); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		ro:     "not written: it is read-only (mode 0444)",
		linked: "not written: it has 2 hard links; the new version would replace this name only, and the other 1 would keep the old content (--force replaces it anyway)",
	}
	if os.Getuid() == 0 { // only root can give a file away; jobspec's tests check the rule otherwise
		foreign := writeFile(t, dir, "foreign.yaml", goodJob)
		if err := os.Chown(foreign, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		cases[foreign] = "not written: it belongs to another user (uid 65534)"
	}
	for p, why := range cases {
		_, errOut, code := runCLI(t, "set", p, "profiling.decode.concurrency=128")
		if code != 1 || !strings.Contains(errOut, p+": "+why) {
			t.Errorf("%s: code %d stderr %q", filepath.Base(p), code, errOut)
		}
		if now, _ := os.ReadFile(p); string(now) != goodJob {
			t.Errorf("%s was written", filepath.Base(p))
		}
		if _, errOut, code = runCLI(t, "set", "--force", p, "profiling.decode.concurrency=128"); code != 0 {
			t.Errorf("%s --force: code %d stderr %q", filepath.Base(p), code, errOut)
		}
		if now, _ := os.ReadFile(p); !strings.Contains(string(now), "concurrency: 128") {
			t.Errorf("%s --force did not write", filepath.Base(p))
		}
	}
}

// set reads the file under the writers' lock: while another writer holds
// it, set waits; it then applies its edit to what that writer left, and
// when the edit no longer applies it says so and writes nothing.
func TestSetAppliesItsEditToTheFileAsTheLockFindsIt(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "job.yaml", goodJob)
	lock, err := jobspec.LockFile(p)
	if err != nil {
		t.Fatal(err)
	}
	type res struct {
		errOut string
		code   int
	}
	done := make(chan res, 1)
	go func() {
		_, e, c := runCLI(t, "set", p, "profiling.decode.concurrency=128")
		done <- res{e, c}
	}()
	select {
	case r := <-done:
		t.Fatalf("set ran while another writer held the lock: %+v", r)
	case <-time.After(300 * time.Millisecond):
	}
	// The other writer turns profiling into a scalar: decode.concurrency
	// can no longer be set.
	other := strings.Replace(goodJob, "profiling:\n", "profiling: off\nold_profiling:\n", 1)
	if err := os.WriteFile(p, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	lock.Unlock()
	r := <-done
	if r.code != 1 || !strings.Contains(r.errOut, "nothing written") {
		t.Errorf("code %d stderr %q", r.code, r.errOut)
	}
	if now, _ := os.ReadFile(p); string(now) != other {
		t.Errorf("the other writer's file was changed:\n%s", now)
	}
}

// set refuses a key of another dialect (a P3 traffic key in a P1 file, a
// P1 one in a 1.0.x file) and a typo, naming the owner or the nearest key;
// --force writes it anyway.
func TestSetRefusesForeignKeys(t *testing.T) {
	dir := t.TempDir()
	p1 := writeFile(t, dir, "p1.yaml", goodJob)
	_, errOut, code := runCLI(t, "set", p1, "profiling.isl=10")
	if code != 1 || !strings.Contains(errOut, "profiling.isl belongs to srtctl P3 (late December 2025) files; this file is srtctl P1 (early December 2025); nothing written (--force writes it anyway)") {
		t.Errorf("P3 key in a P1 file: code %d stderr %q", code, errOut)
	}
	v1 := writeFile(t, dir, "v1.yaml", jobspectest.ValidV1Agg)
	_, errOut, code = runCLI(t, "set", v1, "profiling.aggregated.concurrency=4")
	if code != 1 || !strings.Contains(errOut, "profiling.aggregated.concurrency is not a key of srtctl 1.0.x") {
		t.Errorf("P1 key in a v1 file: code %d stderr %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "set", v1, "profiling.aggregated.stop_stp=30")
	if code != 1 || !strings.Contains(errOut, "(did you mean profiling.aggregated.stop_step?)") {
		t.Errorf("typo: code %d stderr %q", code, errOut)
	}
	if now, _ := os.ReadFile(v1); string(now) != jobspectest.ValidV1Agg {
		t.Fatal("a refused key was written")
	}
	if _, errOut, code = runCLI(t, "set", v1, "profiling.extra_nsys_args=--sample=none"); code != 0 {
		t.Errorf("a v1 key in a v1 file: code %d stderr %q", code, errOut)
	}
	if _, errOut, code = runCLI(t, "set", "--force", p1, "profiling.isl=10"); code != 0 {
		t.Errorf("--force: code %d stderr %q", code, errOut)
	}
}

// In a P1 file an unknown key is ignored by srtctl: set says so (with the
// nearest key) and writes it.
func TestSetWarnsAboutUnknownP1Keys(t *testing.T) {
	p := writeFile(t, t.TempDir(), "p1.yaml", goodJob)
	_, errOut, code := runCLI(t, "set", p, "profiling.decode.concurency=8")
	if code != 0 || !strings.Contains(errOut, "warning: profiling.decode.concurency is not a key of srtctl P1 (early December 2025) (did you mean profiling.decode.concurrency?); srtctl ignores it") {
		t.Errorf("code %d stderr %q", code, errOut)
	}
}
