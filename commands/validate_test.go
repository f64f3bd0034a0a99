package commands

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// runCLI runs the root command with args and returns stdout, stderr and
// the exit code main would use.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runCLIIn(t, context.Background(), "", args...)
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// goodJob is the shared valid P1 job without its backend section, so that
// a second decode worker breaks one rule (single worker only) and not also
// the GPU fit of decode's tp-size.
var goodJob, _, _ = strings.Cut(jobspectest.ValidP1Disagg, "backend:\n")

func TestValidateCommand(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.yaml", goodJob)
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(goodJob, "decode_workers: 1", "decode_workers: 2", 1))
	broken := writeFile(t, dir, "broken.yaml", "name: x\n  model: [\n")

	out, _, code := runCLI(t, "validate", good)
	if code != 0 || out != good+": srtctl P1 (early December 2025) (dialect p1; profiling.prefill.isl)\n1 file checked: 0 errors, 0 warnings\n" {
		t.Errorf("good file: code %d, out %q", code, out)
	}
	out, _, code = runCLI(t, "validate", good, bad)
	wantLine := bad + ":11:19: error: Profiling mode requires single worker only. Got decode_workers=2\n"
	if code != 1 || !strings.Contains(out, wantLine) || !strings.HasSuffix(out, "2 files checked: 1 error, 0 warnings (1 file with errors)\n") {
		t.Errorf("bad file: code %d, out %q", code, out)
	}
	out, _, code = runCLI(t, "validate", broken)
	if code != 1 || !strings.HasPrefix(out, broken+":") || !strings.Contains(out, ": error: ") {
		t.Errorf("broken file: code %d, out %q", code, out)
	}
	_, errOut, code := runCLI(t, "validate", filepath.Join(dir, "missing.yaml"), good)
	if code != 2 || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("missing file: code %d, stderr %q", code, errOut)
	}
	if _, _, code = runCLI(t, "validate"); code != 2 {
		t.Errorf("no args: code %d", code)
	}
	if _, _, code = runCLI(t, "validate", "--dialect", "p9", good); code != 2 {
		t.Errorf("bad dialect: code %d", code)
	}

	out, _, code = runCLI(t, "validate", "--json", good, bad)
	var res struct {
		Files []struct {
			File     string
			Dialect  string
			Findings []struct {
				Severity string
				Path     string
				Line     int
				Col      int
				Message  string
			}
		}
		Errors int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	// A clean file lists no findings as [] (jq's .findings[] works on it).
	if !strings.Contains(out, `"findings": []`) {
		t.Errorf("the clean file's findings are not []:\n%s", out)
	}
	if code != 1 || res.Errors != 1 || len(res.Files) != 2 || res.Files[0].Dialect != "p1" ||
		res.Files[1].Findings[0].Severity != "error" || res.Files[1].Findings[0].Path != "resources.decode_workers" || res.Files[1].Findings[0].Line != 11 {
		t.Errorf("json result %+v (code %d)", res, code)
	}

	// --dialect p3 applies P3's rules to the P1 file, and --json says so.
	out, _, _ = runCLI(t, "validate", "--json", "--dialect", "p3", good)
	if !strings.Contains(out, `"dialect": "p1"`) || !strings.Contains(out, `"rules": "p3"`) {
		t.Errorf("--json --dialect p3 does not say which rules applied:\n%s", out)
	}
	out, _, code = runCLI(t, "validate", "--dialect", "p3", good)
	if code != 1 || !strings.Contains(out, "profiling.isl/osl/concurrency must be set when profiling is enabled. Got isl=None, osl=None, concurrency=None") {
		t.Errorf("--dialect p3: code %d out %q", code, out)
	}
}

// validate reads regular files only: a named pipe used to block it
// forever and /dev/zero to read gigabytes. Both are refused at once.
func TestValidateRefusesPipesAndDevices(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "job.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLIWithin(t, 10*time.Second, "validate", fifo, "/dev/zero")
	if code != 2 || !strings.Contains(errOut, fifo+": is a named pipe (FIFO), not a regular file") ||
		!strings.Contains(errOut, "/dev/zero: is a character device, not a regular file") {
		t.Errorf("code %d stderr %q", code, errOut)
	}
}

// The file: 120 KB of nested brackets, 60,000 levels (5.5 GB and
// killed before the gate) is an error at its line and column.
func TestValidateDeepNestingSaysWhere(t *testing.T) {
	deep := writeFile(t, t.TempDir(), "deep.yaml", "name: "+strings.Repeat("[", 60000)+strings.Repeat("]", 60000)+"\n")
	out, _, code := runCLI(t, "validate", deep)
	if code != 1 || !strings.HasPrefix(out, deep+":1:70: error: nesting deeper than 64 levels") {
		t.Errorf("code %d out %q", code, out)
	}
	tab := writeFile(t, t.TempDir(), "tab.yaml", "name:\tx\n")
	if out, _, code = runCLI(t, "validate", tab); code != 1 || !strings.HasPrefix(out, tab+":1:6: error: a tab here") {
		t.Errorf("tab: code %d out %q", code, out)
	}
}

// A file missing isl, osl and concurrency in both phases gets one line per
// key and each explanation once; on a terminal the severity is coloured,
// never with NO_COLOR, never into a pipe.
func TestValidateExplainsOnceAndColours(t *testing.T) {
	src := strings.NewReplacer("    isl: 1024\n", "", "    osl: 128\n", "", "    concurrency: 24\n", "", "    concurrency: 256\n", "").Replace(goodJob)
	p := writeFile(t, t.TempDir(), "six.yaml", src)
	out, _, code := runCLI(t, "validate", "--dialect", "p1", p)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 8 { // the dialect line, six findings, the summary
		t.Fatalf("code %d, %d lines:\n%s", code, len(lines), out)
	}
	if n := strings.Count(out, "after the model server is up"); n != 1 {
		t.Errorf("isl/osl explanation printed %d times:\n%s", n, out)
	}
	if n := strings.Count(out, "--max-concurrency"); n != 1 {
		t.Errorf("concurrency explanation printed %d times:\n%s", n, out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour into a pipe")
	}
	line := formatFinding("f", jobspec.Finding{Severity: jobspec.Error, Line: 1, Col: 1, Message: "m"})
	if got := colorSeverity(line, jobspec.Error); got != "f:1:1: \x1b[1;31merror\x1b[0m: m" {
		t.Errorf("coloured: %q", got)
	}
}

// The human output names each file's dialect, and says when it assumed
// one: the 2x2 sa-bench file is v1 (no P1 error), a P3 file says P3.
func TestValidateNamesTheDialect(t *testing.T) {
	dir := t.TempDir()
	twoByTwo := writeFile(t, dir, "2x2.yaml", jobspectest.ValidV1Disagg2x2)
	out, _, code := runCLI(t, "validate", twoByTwo)
	want := twoByTwo + ": srtctl 1.0.x (dialect v1; a steps-only profiling section; it could be P1 or v1: assumed v1 (no cluster srtctl known); --dialect p1 checks it as P1)\n1 file checked: 0 errors, 0 warnings\n"
	if code != 0 || out != want {
		t.Errorf("2x2 file: code %d\n got %q\nwant %q", code, out, want)
	}
	v2 := writeFile(t, dir, "v2.yaml", jobspectest.ValidV2Disagg)
	out, _, code = runCLI(t, "validate", v2)
	if code != 0 || !strings.HasPrefix(out, v2+": srtctl 2.x (dialect v2; top-level schema:)\n") {
		t.Errorf("v2 file: code %d out %q", code, out)
	}
	out, _, code = runCLI(t, "validate", "--dialect", "p1", twoByTwo)
	if code != 1 || !strings.HasPrefix(out, twoByTwo+": checked with the rules of srtctl P1 (early December 2025) (--dialect p1); the file reads as srtctl 1.0.x") {
		t.Errorf("--dialect p1: code %d out %q", code, out)
	}
	for _, d := range []string{"v2", "v1", "p3", "p1", "unknown"} {
		if _, errOut, code := runCLI(t, "validate", "--dialect", d, twoByTwo); code == 2 {
			t.Errorf("--dialect %s refused: %s", d, errOut)
		}
	}
}
