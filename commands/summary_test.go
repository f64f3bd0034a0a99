package commands

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// sharedTraceDir is ../shared/traces beside the repository (the package's
// tests run in commands/, one level below the root).
func sharedTraceDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "traces"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("shared traces missing: %v", err)
	}
	return dir
}

// TestSummaryJSONEqualsReferenceScript: end to end, one file's --json is
// byte for byte the reference script's output.
func TestSummaryJSONEqualsReferenceScript(t *testing.T) {
	dir := sharedTraceDir(t)
	trace := filepath.Join(dir, "1795954250-TP-0-prefill.trace.json.gz")
	out, errOut, code := runCLI(t, "summary", "--json", trace)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, err := exec.Command("python3", filepath.Join(dir, "reference_summary.py"), trace).Output()
	if err != nil {
		t.Fatalf("reference_summary.py: %v", err)
	}
	if out != string(want) {
		t.Fatalf("--json differs from reference_summary.py:\n%s\nwant\n%s", out, want)
	}
}

// TestSummaryJSONList: several files give a list naming each file.
func TestSummaryJSONList(t *testing.T) {
	dir := sharedTraceDir(t)
	out, errOut, code := runCLI(t, "summary", "--json", "--top", "2",
		filepath.Join(dir, "1795954250-TP-0-decode.trace.json.gz"), filepath.Join(dir, "1795954250-TP-0-prefill.trace.json.gz"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var list []struct {
		File, Phase, Rank string
		GPUEvents         int `json:"gpu_events"`
		Kernels           []json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("not a JSON list: %v\n%s", err, out)
	}
	if len(list) != 2 || list[0].Phase != "prefill" || list[1].Phase != "decode" || list[0].Rank != "TP-0" ||
		list[0].GPUEvents != 984 || list[1].GPUEvents != 6200 || len(list[1].Kernels) != 2 || !strings.HasSuffix(list[1].File, "decode.trace.json.gz") {
		t.Fatalf("got %+v", list)
	}
}

// TestSummaryText: a directory gives prefill and decode side by side on a
// wide layout, every line within the width, exit 0.
func TestSummaryText(t *testing.T) {
	out, errOut, code := runCLI(t, "summary", "--width", "180", "--top", "5", sharedTraceDir(t))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	plain := ansi.Strip(out)
	first := strings.SplitN(plain, "\n", 2)[0]
	if !strings.Contains(first, "PREFILL") || !strings.Contains(first, "DECODE · 2 traces") {
		t.Fatalf("first line %q", first)
	}
	for _, line := range strings.Split(plain, "\n") {
		if w := ansi.StringWidth(line); w > 180 {
			t.Fatalf("line of %d cells: %q", w, line)
		}
	}
	if !strings.Contains(plain, "combined · 2 traces") || !strings.Contains(plain, "GPU busy 9.58 s of 11.6 s span (82.4%)") {
		t.Fatalf("missing the combined table or decode-big's busy line:\n%s", plain)
	}
}

// TestSummaryProblems: a truncated trace is still summarised, with exit 1
// and where it stopped; nothing to summarise is exit 2; an nsys report
// without nsys is listed with how to open it.
func TestSummaryProblems(t *testing.T) {
	t.Setenv("PATH", filepath.Dir(mustLookPath(t, "python3"))) // no nsys
	dir := t.TempDir()
	cut := filepath.Join(dir, "decode", "1-TP-1.trace.json")
	os.MkdirAll(filepath.Dir(cut), 0o755)
	os.WriteFile(cut, []byte(`{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 2}, {"ph": "X"`), 0o644)
	report := filepath.Join(dir, "prefill_0.nsys-rep")
	os.WriteFile(report, bytes.Repeat([]byte{1}, 4096), 0o644)

	out, errOut, code := runCLI(t, "summary", "--width", "100", dir)
	if code != 1 || !strings.Contains(errOut, cut+":1:") || !strings.Contains(errOut, "truncated at byte 89") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	plain := ansi.Strip(out)
	for _, want := range []string{"DECODE · 1 rank", "rank TP-1", "kernel 2.00 µs ×1", "NSIGHT SYSTEMS REPORTS", "prefill_0.nsys-rep  4.0 KiB", "nsys stats --report cuda_gpu_kern_sum"} {
		if !strings.Contains(plain, want) {
			t.Errorf("output lacks %q:\n%s", want, plain)
		}
	}

	if _, errOut, code := runCLI(t, "summary", t.TempDir()); code != 2 || !strings.Contains(errOut, "no traces") {
		t.Fatalf("empty directory: exit %d, %q", code, errOut)
	}
	if _, _, code := runCLI(t, "summary", filepath.Join(dir, "missing")); code != 2 {
		t.Fatalf("missing path: exit %d", code)
	}
	if _, errOut, code := runCLI(t, "summary", "--json", report); code != 2 || !strings.Contains(errOut, "nsys is not on PATH") {
		t.Fatalf("--json of a report without nsys: exit %d, %q", code, errOut)
	}
}

func mustLookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found", name)
	}
	return p
}
