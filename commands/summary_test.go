package commands

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// sharedTraceDir holds the traces the tests read, in every clone: the
// demo's real prefill and decode traces (sim/demotraces), or the trace
// package's testdata (HTA's traces, the reference script; see its README
// for their source and licenses).
func sharedTraceDir(t *testing.T) string { return repoDir(t, "sim", "demotraces") }

func testTraceDir(t *testing.T) string { return repoDir(t, "trace", "testdata", "traces") }

func repoDir(t *testing.T, elem ...string) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(append([]string{".."}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("test traces missing: %v", err)
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
	want, err := exec.Command("python3", filepath.Join(testTraceDir(t), "reference_summary.py"), trace).Output()
	if err != nil {
		t.Fatalf("reference_summary.py: %v", err)
	}
	// The reference's members come first, byte for byte; the analyses follow.
	if head := strings.TrimSuffix(string(want), "\n}\n") + ",\n"; !strings.HasPrefix(out, head) {
		t.Fatalf("--json does not start with reference_summary.py's output:\n%s\nwant\n%s", out, want)
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"rank", "temporal", "kernel_types", "comm_comp_overlap_pct", "idle_by_stream", "launch_stats"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("--json lacks %q", k)
		}
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
	if !strings.Contains(first, "PREFILL") || !strings.Contains(first, "DECODE · 1 rank") {
		t.Fatalf("first line %q", first)
	}
	for _, line := range strings.Split(plain, "\n") {
		if w := ansi.StringWidth(line); w > 180 {
			t.Fatalf("line of %d cells: %q", w, line)
		}
	}
	for _, want := range []string{"where the GPU time went", "GPU busy 1.16 s of 2.56 s span (45.2%)", "cuLaunchKernelEx", "idle by stream"} {
		if !strings.Contains(plain, want) {
			t.Fatalf("output lacks %q:\n%s", want, plain)
		}
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

// TestSummaryRunsNotCombined: the same rank of two different runs is two
// runs side by side, never "summed over 2 ranks"; ranks of one run are.
func TestSummaryRunsNotCombined(t *testing.T) {
	src := filepath.Join(sharedTraceDir(t), "1795954250-TP-0-decode.trace.json.gz")
	dir := t.TempDir()
	for _, rel := range []string{"run1/1-TP-0-decode.trace.json.gz", "run2/1-TP-0-decode.trace.json.gz"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		data, _ := os.ReadFile(src)
		os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	}
	out, errOut, code := runCLI(t, "summary", "--width", "200", "--top", "2", dir)
	plain := ansi.Strip(out)
	if code != 0 || strings.Contains(plain, "summed over 2 ranks") || strings.Contains(plain, "combined") ||
		!strings.Contains(plain, "run run1/1-decode") || !strings.Contains(plain, "run run2/1-decode") {
		t.Fatalf("exit %d %s:\n%s", code, errOut, plain)
	}
	hta := filepath.Join(testTraceDir(t), "hta", "trace_filter")
	out, _, _ = runCLI(t, "summary", "--width", "100", "--top", "2", hta)
	plain = ansi.Strip(out)
	for _, want := range []string{"UNKNOWN PHASE · 2 ranks", "combined · 2 ranks", "skew: busy 45.3%–46.4%", "straggler: rank 1", "kernel spread across ranks"} {
		if !strings.Contains(plain, want) {
			t.Errorf("2-rank run lacks %q:\n%s", want, plain)
		}
	}
	out, _, _ = runCLI(t, "summary", "--json", "--top", "1", hta)
	var ranks []struct {
		Rank, Run string
		Skew      struct {
			Straggler string  `json:"straggler"`
			IdleMinUS float64 `json:"idle_min_us"`
		} `json:"run_skew"`
		Temporal map[string]float64
	}
	if err := json.Unmarshal([]byte(out), &ranks); err != nil || len(ranks) != 2 {
		t.Fatalf("%v: %s", err, out)
	}
	if ranks[0].Run != ranks[1].Run || ranks[0].Skew.Straggler != "rank 1" || ranks[0].Skew.IdleMinUS != min(ranks[0].Temporal["idle_us"], ranks[1].Temporal["idle_us"]) {
		t.Fatalf("run skew in --json: %+v", ranks)
	}
}

// TestSummaryCompare: --compare A B, as text and as JSON.
func TestSummaryCompare(t *testing.T) {
	dir := filepath.Join(testTraceDir(t), "hta", "trace_compare")
	a, b := filepath.Join(dir, "base"), filepath.Join(dir, "test")
	out, errOut, code := runCLI(t, "summary", "--compare", "--width", "120", a, b)
	plain := ansi.Strip(out)
	if code != 0 || !strings.Contains(plain, "COMPARE · A base (1 rank) → B test (1 rank)") ||
		!strings.Contains(plain, "at::native::vectorized_elementwise_kernel [add]                3        2  12.0 µs  8.00 µs -4.00 µs") {
		t.Fatalf("exit %d %s:\n%s", code, errOut, plain)
	}
	out, _, code = runCLI(t, "summary", "--compare", "--json", a, b)
	var c struct {
		A, B struct {
			Ranks    int
			Temporal map[string]float64
		}
		Kernels []struct {
			Name string
			A, B struct {
				Count   int
				TotalUS float64 `json:"total_us"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil || code != 0 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if c.A.Ranks != 1 || len(c.Kernels) != 3 || c.Kernels[0].A.Count != 3 || c.Kernels[0].B.Count != 2 || c.Kernels[0].A.TotalUS != 12 || c.Kernels[0].B.TotalUS != 8 {
		t.Fatalf("%+v", c)
	}
	if _, errOut, code := runCLI(t, "summary", "--compare", a); code != 2 || !strings.Contains(errOut, "two runs") {
		t.Fatalf("one argument: exit %d %q", code, errOut)
	}
}

// TestSummaryRefusesFIFO: a FIFO named *.json in a folder is refused at
// once (it used to block the read forever); "." is named as given.
func TestSummaryRefusesFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "x.trace.json")
	if err := exec.Command("mkfifo", fifo).Run(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(sharedTraceDir(t), "1795954250-TP-0-prefill.trace.json.gz"))
	os.WriteFile(filepath.Join(dir, "1-TP-0-prefill.trace.json.gz"), data, 0o644)
	done := make(chan struct{})
	var errOut string
	var code int
	go func() {
		_, errOut, code = runCLI(t, "summary", dir)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("summary hangs on a FIFO")
	}
	if code != 1 || !strings.Contains(errOut, fifo+": not a regular file (a FIFO)") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
	t.Chdir(t.TempDir())
	if _, errOut, code := runCLI(t, "summary", "."); code != 2 || !strings.Contains(errOut, "under .") || strings.Contains(errOut, "[.]") {
		t.Fatalf("exit %d, %q", code, errOut)
	}
}
