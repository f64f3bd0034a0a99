package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"al.essio.dev/pkg/shellescape"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// demoPace runs the simulated job fast enough for a test (a few seconds to
// the traces) while keeping every line and state change.
const demoPace = "20"

// startDemoPane runs `srtctl-tui demo args...` in a 100x30 tmux pane with
// TMPDIR set to tmpdir, so the test can check that nothing is left there.
func startDemoPane(t *testing.T, tmpdir string, args ...string) *pane {
	t.Helper()
	return startDemoPaneSized(t, tmpdir, 100, 30, args...)
}

// startDemoPaneSized is startDemoPane on a w x h terminal.
func startDemoPaneSized(t *testing.T, tmpdir string, w, h int, args ...string) *pane {
	t.Helper()
	p := &pane{t: t, socket: fmt.Sprintf("srtctl-e2e-demo-%d-%d", os.Getpid(), sessionSeq.Add(1))}
	quoted := []string{shellescape.Quote(binary), "demo", "--srtctl", "p1"}
	for _, a := range args {
		quoted = append(quoted, shellescape.Quote(a))
	}
	script := strings.Join(quoted, " ") + `; echo "EXIT=$?"; sleep 600`
	cmd := exec.Command("tmux", "-L", p.socket, "-f", "/dev/null", "new-session", "-d", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "-c", tmpdir,
		"env", "TERM=xterm-256color", "NO_COLOR=1", "TMPDIR="+tmpdir, "sh", "-c", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", p.socket, "kill-server").Run() })
	return p
}

// assertEmptyDir fails unless dir has no entries: the demo wrote only
// under its own temporary directory and removed it.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	// The demo removes its directory before it exits; allow a moment for
	// the last simulated process to be reaped.
	deadline := time.Now().Add(5 * time.Second)
	for {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) == 0 {
			return
		}
		if time.Now().After(deadline) {
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			t.Fatalf("the demo left %v in %s", names, dir)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// simProcesses lists live processes run from the demo's directory under
// dir (the simulated tools are symlinks in it, and job scripts live there).
func simProcesses(dir string) []string {
	var out []string
	demoDir := []byte(filepath.Join(dir, "srtctl-tui-demo-"))
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, demoDir) {
			continue
		}
		out = append(out, filepath.Base(filepath.Dir(p))+": "+strings.ReplaceAll(string(b), "\x00", " "))
	}
	return out
}

func assertNoSimProcesses(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := simProcesses(dir)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("simulated processes still running after the demo:\n%s", strings.Join(left, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The whole demo under a real terminal: the pre-filled form accepted with
// Enter, saved and submitted, both panes filling, traces ready, the summary
// of the fetched traces; Ctrl-C ends it and nothing is left behind.
func TestDemoFullScreen(t *testing.T) {
	tmp := t.TempDir()
	p := startDemoPane(t, tmp, "--pace", demoPace)
	p.waitFor("SIMULATED", focused("Job name"), "prof-torch-demo", "/models/deepseek-r1")

	for _, field := range []string{"Model path", "Container", "Precision", "GPU type", "Serving mode",
		"GPUs per node", "Prefill nodes", "Decode nodes", "Profiler"} {
		p.enterTo(field)
	}
	p.enterTo("Input length (isl)", "prefill phase")
	phase := []string{"Output length (osl)", "Concurrency", "Start step", "Stop step"}
	for _, f := range phase {
		p.enterTo(f, "prefill phase")
	}
	p.enterTo("Input length (isl)", "decode phase")
	for _, f := range phase {
		p.enterTo(f, "decode phase")
	}
	p.enterTo("Account", "Step 4/5")
	p.enterTo("Partition")
	p.enterTo("Time limit")
	p.keys("Enter")
	p.waitFor("Step 5/5 Review", "passes srtctl P1's rules", "SIMULATED")

	p.keys("s")
	p.waitFor("Save as: "+tmp, "this path is fixed")
	// The path cannot be edited to somewhere outside the demo's directory.
	p.keys("C-u")
	p.text("/etc/x")
	time.Sleep(200 * time.Millisecond)
	if s := p.waitFor("Save as: " + tmp); strings.Contains(s, "/etc/x") {
		t.Fatalf("the save path took typing:\n%s", s)
	}
	p.keys("Enter")
	p.waitFor("Saved "+tmp, "Submit now?")
	p.keys("y")

	// The monitor: header, both panes with the job's own lines.
	p.waitLong(20*time.Second, "prof-torch-demo #", "cluster simulated", "SIMULATED",
		"profile_prefill.out", "profile_decode.out", "Profiling mode: prefill", "Profiling mode: decode")
	// Traces ready, fetched by the demo itself, then their summary (the
	// banner says "traces ready" only while the fetch runs).
	// The form wrote tp-size 4 for each 4-GPU worker: 4 ranks per phase.
	s := p.waitLong(90*time.Second, "Summary · 8 trace files", "PREFILL · 4 ranks", "nvjet_sm90", "trace summary", "read 8 of 8 files")
	for i := 0; i < 40 && !strings.Contains(p.screen(), "DECODE · 4 ranks"); i++ {
		p.keys("NPage")
		time.Sleep(50 * time.Millisecond)
	}
	p.waitFor("DECODE · 4 ranks")
	p.keys("g")
	if !strings.Contains(s, "SIMULATED") {
		t.Errorf("the summary is not marked SIMULATED:\n%s", s)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) == 0 {
		t.Fatal("the demo's temporary directory is not under TMPDIR")
	}

	// f shows full kernel names; Esc returns to the monitor, s reopens.
	p.keys("f")
	p.waitFor("full names:", "full kernel names: on")
	p.keys("Escape")
	p.waitFor("monitor", "s summary")
	p.keys("s")
	p.waitFor("Summary ·", "full names:")

	// The monitor kept following the job under the summary: back on it,
	// cancelling the job (a P1 job keeps its GPUs) goes through to the end.
	p.keys("Escape")
	p.waitFor("monitor", "s summary")
	p.keys("c")
	p.waitFor("Cancel job")
	p.keys("y")
	p.waitLong(30*time.Second, "job cancelled")

	p.keys("C-c")
	out := p.waitLong(20*time.Second, "EXIT=0", "demo over")
	if !strings.Contains(out, "removed") {
		t.Errorf("no word on the cleanup:\n%s", out)
	}
	assertEmptyDir(t, tmp)
	assertNoSimProcesses(t, tmp)
}

// --plain: no form, each phase's lines in the real script's order, then
// the summary as text, exit 0, nothing left behind.
func TestDemoPlain(t *testing.T) {
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "demo", "--srtctl", "p1", "--plain", "--pace", demoPace)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1", "COLUMNS=120")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("demo --plain: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	t.Logf("demo --plain took %s at pace %s", time.Since(start).Round(100*time.Millisecond), demoPace)
	out := stdout.String()

	// Each phase's lines, in the order the profile script prints them.
	landmarks := []string{
		"Torch Profiling Configuration:",
		"  Profiling mode: %s",
		"Waiting for server at http://127.0.0.1:30000 to be ready...",
		"Server not ready yet (status: 000), waiting...",
		"Server http://127.0.0.1:30000 is ready",
		"Running profiler...",
		"+ curl -X POST http://127.0.0.1:30000/start_profile",
		`{"success":true,"message":"Start profiling."}`,
		"+ python3 -m sglang.bench_serving",
		"============ Serving Benchmark Result ============",
		// The whole log: the demo waits for each phase's last lines, which
		// come after its trace.
		"Torch profiling completed for %s mode with exit code 0",
		"Profiling results saved to /logs/profiles/%s",
	}
	for _, phase := range []string{"prefill", "decode"} {
		prefix := fmt.Sprintf("%-10s| ", phase)
		var lines []string
		for _, l := range strings.Split(out, "\n") {
			if rest, ok := strings.CutPrefix(l, prefix); ok {
				lines = append(lines, rest)
			}
		}
		if len(lines) < 20 {
			t.Fatalf("%s: only %d lines printed:\n%s", phase, len(lines), out)
		}
		at := -1
		for _, lm := range landmarks {
			if strings.Contains(lm, "%s") {
				lm = fmt.Sprintf(lm, phase)
			}
			found := -1
			for i := at + 1; i < len(lines); i++ {
				if strings.HasPrefix(lines[i], lm) {
					found = i
					break
				}
			}
			if found < 0 {
				t.Fatalf("%s: %q missing or out of order (after line %d):\n%s", phase, lm, at, strings.Join(lines, "\n"))
			}
			at = found
		}
	}

	// The order of the whole run: submitted, traces ready, fetched, summary.
	order := []string{"== SIMULATED cluster in " + tmp, "== srtctl apply -f ", "== job ", "RUNNING",
		"== traces ready:", "== cancelling job", "== fetched 8 trace files", "PREFILL · 4 ranks", "DECODE · 4 ranks",
		"== demo over: removed " + tmp}
	rest := out
	for _, want := range order {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Fatalf("%q missing or out of order in:\n%s", want, out)
		}
		rest = rest[i+len(want):]
	}
	if !strings.Contains(out, "cudnn_generated_fort_native_sdpa") || !strings.Contains(out, "GPU busy") {
		t.Errorf("the summary has no kernel table:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("NO_COLOR output has escape sequences")
	}
	assertEmptyDir(t, tmp)
	assertNoSimProcesses(t, tmp)
}

// SIGTERM in the middle of the job: the demo stops the simulated job and
// removes its directory before it exits.
func TestDemoSIGTERMCleansUp(t *testing.T) {
	tmp := t.TempDir()
	cmd := exec.Command(binary, "demo", "--srtctl", "p1", "--plain", "--pace", "2")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1")
	var stdout syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stdout.String(), "Waiting for server") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the job never started:\n%s", stdout.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(simProcesses(tmp)) == 0 {
		t.Fatal("no simulated job process to stop: the test would prove nothing")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("exit status 0 after SIGTERM; want non-zero")
		}
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("demo did not exit within 15 s of SIGTERM:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "demo over: removed "+tmp) {
		t.Errorf("no cleanup message:\n%s", stdout.String())
	}
	assertEmptyDir(t, tmp)
	assertNoSimProcesses(t, tmp)
}

// syncBuffer is a bytes.Buffer the process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// --traces: the simulated job writes real traces, and the summary shows
// their kernels (names only real traces have).
func TestDemoPlainRealTraces(t *testing.T) {
	tmp := t.TempDir()
	traces := jobspectest.TracesDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "demo", "--srtctl", "p1", "--plain", "--pace", demoPace, "--traces", traces)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1", "COLUMNS=120")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("demo --plain --traces: %v\n%s", err, out)
	}
	for _, want := range []string{"nvjet_sm90_tst_192x192_64x4_1x2_h_bz_coopB_TNN", "GPU busy 218 ms of 220 ms span",
		"GPU busy 1.16 s of 2.56 s span"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the summary lacks %q (from the real traces):\n%s", want, out)
		}
	}
	assertEmptyDir(t, tmp)
}

// Ctrl-C on the demo's untouched pre-filled form ends the demo at once:
// the pre-filled answers are not unsaved changes.
func TestDemoCtrlCOnPrefilledFormQuitsAtOnce(t *testing.T) {
	tmp := t.TempDir()
	p := startDemoPane(t, tmp, "--pace", demoPace)
	p.waitFor("SIMULATED", focused("Job name"), "prof-torch-demo")
	p.keys("C-c")
	s := p.waitLong(20*time.Second, "EXIT=", "demo over")
	if strings.Contains(s, "Unsaved changes") {
		t.Fatalf("asked about unsaved changes:\n%s", s)
	}
	assertEmptyDir(t, tmp)
}
