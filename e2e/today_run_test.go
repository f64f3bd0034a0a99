package e2e

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The stand-in srtctl plays 1.0.x ("v1") or 2.x ("v2") for these tests:
// their jobs write today's layout under <srtctl_root>/outputs/<id>/.

// todayPace makes a ~4 min run take under a minute.
const todayPace = 5

func newTodayCluster(t *testing.T, release string) *monCluster {
	t.Helper()
	c := todayClusterAt(t, release, todayPace)
	c.saved = filepath.Join(t.TempDir(), "saved")
	// Only this test's jobs (those of its own srtctl_root): tests of other
	// checkouts share the test user and the job names.
	t.Cleanup(func() {
		if ids := c.tc.SqueueIDsIn(t, c.root); len(ids) > 0 {
			exec.Command("scancel", ids...).Run()
		}
	})
	return c
}

// jobFile copies testdata/name into the test's directory, optionally
// replacing old by new in it.
func jobFile(t *testing.T, name string, replace ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(replace); i += 2 {
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// stageRecorder keeps every "stage: ..." banner the screen showed.
type stageRecorder struct {
	mu     sync.Mutex
	stages []string
	stop   chan struct{}
	done   chan struct{}
}

func recordStages(p *monPane) *stageRecorder {
	r := &stageRecorder{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			select {
			case <-r.stop:
				return
			case <-time.After(40 * time.Millisecond):
			}
			out, err := exec.Command("tmux", "-L", p.socket, "capture-pane", "-p").Output()
			if err != nil {
				continue
			}
			for _, l := range strings.Split(string(out), "\n") {
				if i := strings.Index(l, "stage: "); i >= 0 {
					st, _, _ := strings.Cut(l[i+len("stage: "):], ":")
					st, _, _ = strings.Cut(st, " · ")
					st = strings.TrimSpace(st)
					r.mu.Lock()
					if len(r.stages) == 0 || r.stages[len(r.stages)-1] != st {
						r.stages = append(r.stages, st)
					}
					r.mu.Unlock()
				}
			}
		}
	}()
	return r
}

func (r *stageRecorder) finish() []string {
	close(r.stop)
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stages
}

// inOrder reports whether want appear in got in this order.
func inOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// sameTree compares two directory trees byte for byte.
func sameTree(t *testing.T, remote, local string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(remote, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(remote, p)
		a, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(local, rel))
		if err != nil {
			t.Errorf("fetched copy lacks %s: %v", rel, err)
			return nil
		}
		if string(a) != string(b) {
			t.Errorf("%s differs: cluster %d bytes, copy %d", rel, len(a), len(b))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Done when (issue 12): a 1.0.x 2-prefill/2-decode torch job submitted
// from a file, followed stage by stage into "traces ready", both worker
// panes filling, the results shown, fetched byte-identical, summarised.
func TestTodayV1TorchSubmitFollowFetchSummary(t *testing.T) {
	c := newTodayCluster(t, "v1")
	work := t.TempDir()
	p := c.startIn(t, work, 160, 45, "submit", jobFile(t, "today-v1-2p2d-torch.yaml"), "--cluster", "test")
	rec := recordStages(p)
	s := p.waitFor(120*time.Second, "v1-2p2d-torch #", "prefill worker 0", "decode worker 0")
	id := between(s, "v1-2p2d-torch #", " ")
	// Both workers' panes fill side by side, on the grid's top row.
	p.waitUntil("both worker panes filling", 120*time.Second, func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "Prefill batch") && strings.Contains(l, "Decode batch") {
				return true
			}
		}
		return false
	})
	s = p.waitFor(120*time.Second, "✔ traces ready", "results c=4 ")
	p.waitFor(120*time.Second, "results c=4 ", " │ c=16 ")
	stages := rec.finish()
	if !inOrder(stages, []string{"waiting for health", "benchmark running"}) {
		t.Errorf("stages seen %q: want health, then benchmark", stages)
	}
	// The run ends by itself; the monitor says so.
	p.waitFor(120*time.Second, "COMPLETED", "stopped following")

	p.keys("d")
	p.waitFor(60*time.Second, "traces fetched to")
	run := filepath.Join(c.root, "outputs", id)
	if n := sameTree(t, filepath.Join(run, "logs", "profiles"), filepath.Join(work, "profiles", id)); n != 16 {
		t.Errorf("%d trace files compared, want 16 (2 workers × 4 TP ranks × 2 modes)", n)
	}
	p.keys("s")
	p.waitFor(60*time.Second, "trace summary")
	p.keys("q")
}

// between is the text after start up to the next stop.
func between(s, start, stop string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, stop)
	return strings.TrimSpace(v)
}

// Done when (issue 12): a 2.x aggregated nsys job, its worker and
// benchmark.out side by side, its reports by today's names, fetched
// byte-identical.
func TestTodayV2AggNsysSubmitFollowFetch(t *testing.T) {
	c := newTodayCluster(t, "v2")
	work := t.TempDir()
	p := c.startIn(t, work, 120, 40, "submit", jobFile(t, "today-v2-agg-nsys.yaml"), "--cluster", "test")
	s := p.waitFor(120*time.Second, "v2-agg-nsys #", "agg worker 0 · workers/")
	id := between(s, "v2-agg-nsys #", " ")
	p.waitUntil("the worker and benchmark.out side by side", 120*time.Second, func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, "agg worker 0") && strings.Contains(l, "benchmark.out") {
				return true
			}
		}
		return false
	})
	p.waitFor(120*time.Second, "✔ traces ready", "_agg_w0_profile_gpu0-1-2-3.nsys-rep", "results c=4 ")
	p.waitFor(120*time.Second, "stopped following")
	p.keys("d")
	p.waitFor(60*time.Second, "traces fetched to")
	run := filepath.Join(c.root, "outputs", id)
	if n := sameTree(t, filepath.Join(run, "logs", "profiles"), filepath.Join(work, "profiles", id)); n != 1 {
		t.Errorf("%d reports compared, want 1", n)
	}
	if _, err := os.Stat(filepath.Join(work, "profiles", id, "agg")); err != nil {
		t.Errorf("the fetched tree keeps the mode directory: %v", err)
	}
	p.keys("q")
}

// Done when (issue 12): a job whose decode window is empty says why, from
// the job's own line, and the monitor ends (plain mode: exit 1).
func TestTodayEmptyDecodeWindowSaysWhyAndEnds(t *testing.T) {
	c := newTodayCluster(t, "v1")
	sub := c.submitFile(t, jobFile(t, "today-v1-2p2d-torch.yaml", `name: "v1-2p2d-torch"`, `name: "v1-empty-decode"`,
		"stop_step: 40", "stop_step: 10"))
	cmd := exec.Command(binary, "monitor", sub.JobID, "--cluster", "test", "--plain")
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(c.xdg, "config"), "XDG_STATE_HOME="+filepath.Join(c.xdg, "state"),
		"XDG_RUNTIME_DIR="+c.control, "NO_COLOR=1")
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(150 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the monitor did not end")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1\n%s", err, out)
	}
	want := "== FAILED: decode: no trace: Warning: invalid step range for 10.0.1.1:7500: start=10 stop=10, skipping"
	if !strings.Contains(string(out), want) {
		t.Errorf("no reason from the job's own line:\n%s", out)
	}

	// jobs lists the run from the cluster's output base, with its
	// stage, once it has ended by itself.
	deadline := time.Now().Add(120 * time.Second)
	for {
		jobs := exec.Command(binary, "jobs", "--cluster", "test")
		jobs.Env = cmd.Env
		out, err := jobs.CombinedOutput()
		row := ""
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, sub.JobID+" ") {
				row = l
			}
		}
		if err == nil && strings.Contains(row, "COMPLETED") && strings.Contains(row, " done ") &&
			strings.Contains(row, filepath.Join(c.root, "outputs", sub.JobID)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs (%v):\n%s", err, out)
		}
		time.Sleep(2 * time.Second)
	}
}

// Done when (issue 12): killing the ssh master mid-run loses and repeats
// no line of any of the run's logs (--save-logs keeps what arrived).
func TestTodayMonitorSurvivesKilledSSHMaster(t *testing.T) {
	c := newTodayCluster(t, "v1")
	sub := c.submitFile(t, jobFile(t, "today-v1-2p2d-torch.yaml"))
	p := c.startMonitor(t, 160, 45, "monitor", sub.JobID, "--cluster", "test", "--save-logs", c.saved)
	p.waitFor(120*time.Second, "stage: waiting for health")
	c.killMasterAndWaitForNewSFTP(t, p)
	p.waitFor(150*time.Second, "✔ traces ready")
	p.waitFor(120*time.Second, "stopped following")
	logs := filepath.Join(sub.LogDir, "logs")
	workers, _ := filepath.Glob(filepath.Join(logs, "*_w[0-9].out"))
	if len(workers) != 4 {
		t.Fatalf("worker logs %v, want 4", workers)
	}
	files := []string{"sweep_" + sub.JobID + ".log", "benchmark.out"}
	for _, w := range workers {
		files = append(files, filepath.Base(w))
	}
	c.checkSavedLogs(t, logs, files...)
	p.keys("q")
}
