package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

// todayCluster is the test cluster with the stand-in playing release
// (v1 or v2) as the configuration's only cluster.
func todayCluster(t *testing.T, release string) *monCluster {
	t.Helper()
	return todayClusterAt(t, release, 50)
}

// todayClusterAt is todayCluster with its jobs run at pace.
func todayClusterAt(t *testing.T, release string, pace float64) *monCluster {
	t.Helper()
	c := &monCluster{tc: clustertest.Need(t)}
	c.root = c.tc.NewRootRelease(t, pace, release)
	c.xdg = t.TempDir()
	c.control = clustertest.ControlDir(t)
	t.Cleanup(c.stopMasters)
	c.writeConfig(t, "test", "-F", c.tc.SSHConfig)
	return c
}

// walkFields presses Enter from field to field, typing the values of set
// (field title -> value) over what is there.
func (p *pane) walkFields(fields []string, set map[string]string, next string, also ...string) {
	p.t.Helper()
	for i, f := range fields {
		p.waitFor(focused(f))
		if v, ok := set[f]; ok {
			p.keys("C-u")
			p.text(v)
		}
		if i+1 < len(fields) {
			p.enterTo(fields[i+1])
		}
	}
	if next == "" {
		p.keys("Enter")
		p.waitFor(also...)
		return
	}
	p.enterTo(next, also...)
}

// finishToday walks the traffic and SLURM steps keeping their answers,
// waits for the review to say review, saves (a new job under the name
// given on the command line) and leaves.
func (p *pane) finishToday(isNew bool, review ...string) {
	p.t.Helper()
	p.enterTo("Input length (isl)")
	p.walkFields([]string{"Input length (isl)", "Output length (osl)", "Concurrencies", "Trace file"}, nil, "Account", "Step 4/5")
	p.walkFields([]string{"Account", "Partition", "Time limit"}, nil, "", "Step 5/5 Review")
	p.waitFor(review...)
	p.keys("s")
	if isNew {
		p.waitFor("Save as: job.yaml")
		p.keys("Enter")
	}
	p.waitFor("Saved job.yaml")
	p.keys("Enter")
	p.waitFor("EXIT=0")
}

// The 2x2 sa-bench file (1.0.x) edited under tmux: profiler torch -> nsys
// and the decode window's stop 20 -> 30; the saved file differs in exactly
// those lines, and the review shows the stand-in 1.0.x's own dry-run
// accepting it.
func TestEditV1FileUnderTmux(t *testing.T) {
	c := todayCluster(t, "v1")
	dir := t.TempDir()
	path := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(path, []byte(jobspectest.ValidV1Disagg2x2), 0o644); err != nil {
		t.Fatal(err)
	}
	mp := c.startIn(t, dir, 100, 40, "edit", "job.yaml")
	p := &pane{t: t, socket: mp.socket}
	p.waitFor("could be a P1 or a 1.0.x file", "opens as 1.0.x")
	p.enterTo("Prefill workers")
	p.enterTo("Decode workers")
	p.enterTo("Profiler", "Step 3/5")
	p.keys("Down")
	p.enterTo("Start step", "prefill steps")
	p.walkFields([]string{"Start step", "Stop step"}, nil, "Start step", "decode steps")
	p.walkFields([]string{"Start step", "Stop step"}, map[string]string{"Stop step": "30"}, "Extra nsys args", "Profiling: nsys")
	p.enterTo("Benchmark")
	s := p.waitFor("┃ > sa-bench", "┃   sglang-bench", "┃   trace-replay")
	for _, l := range strings.Split(s, "\n") {
		for _, notOffered := range []string{"manual", "gpqa", "mmlu"} {
			if strings.HasPrefix(l, "┃") && strings.Contains(l, notOffered) {
				t.Errorf("%s is offered while profiling:\n%s", notOffered, s)
			}
		}
	}
	p.finishToday(false, "passes srtctl 1.0.x's rules", "srtctl dry-run accepts it", "DRY-RUN")
	got, _ := os.ReadFile(path)
	want := strings.Replace(strings.Replace(jobspectest.ValidV1Disagg2x2, `type: "torch"`, `type: "nsys"`, 1),
		"    stop_step: 20\nbenchmark", "    stop_step: 30\nbenchmark", 1)
	if string(got) != want {
		t.Fatalf("saved:\n%s\nwant:\n%s", got, want)
	}
	out, err := exec.Command(binary, "validate", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 errors, 0 warnings") {
		t.Fatalf("validate: %v\n%s", err, out)
	}
}

// A 2.x file edited under tmux: capture the first prefill worker's rank 0
// instead of worker 1 rank 1; the saved diff is those two lines and the
// stand-in 2.x's dry-run accepts it.
func TestEditV2FileUnderTmux(t *testing.T) {
	c := todayCluster(t, "v2")
	dir := t.TempDir()
	path := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(path, []byte(jobspectest.ValidV2Disagg), 0o644); err != nil {
		t.Fatal(err)
	}
	mp := c.startIn(t, dir, 100, 40, "edit", "job.yaml")
	p := &pane{t: t, socket: mp.socket}
	p.waitFor(focused("Prefill workers"))
	p.enterTo("Decode workers")
	p.enterTo("Profiler", "Step 3/5")
	p.enterTo("Start step", "prefill steps")
	p.walkFields([]string{"Start step", "Stop step"}, nil, "Capture scope")
	p.enterTo("Worker index")
	// Out of range: 2 prefill workers.
	p.keys("C-u")
	p.text("2")
	p.keys("Enter")
	p.waitFor("the phase has 2 workers: 0 to 1")
	p.keys("C-u")
	p.text("0")
	p.enterTo("Worker rank")
	p.keys("C-u")
	p.text("0")
	p.enterTo("Start step", "decode steps")
	// decode's scope is all: its worker and rank are not asked.
	p.walkFields([]string{"Start step", "Stop step"}, nil, "Capture scope")
	p.enterTo("Extra nsys args") // nsys, not nsys-time: no time window
	p.enterTo("Benchmark")
	p.finishToday(false, "passes srtctl 2.x's rules", "srtctl dry-run accepts it")
	got, _ := os.ReadFile(path)
	want := strings.Replace(jobspectest.ValidV2Disagg, "    worker_index: 1\n    worker_rank: 1\n", "    worker_index: 0\n    worker_rank: 0\n", 1)
	if string(got) != want {
		t.Fatalf("saved:\n%s\nwant:\n%s", got, want)
	}
}

// `new --srtctl v1|v2` on a cluster playing that release: the form of
// today's srtctl, and the stand-in's dry-run accepts the new file in the
// review, as does `validate` after Save.
func TestNewTodayJobsUnderTmux(t *testing.T) {
	for _, release := range []string{"v1", "v2"} {
		t.Run(release, func(t *testing.T) {
			c := todayCluster(t, release)
			dir := t.TempDir()
			mp := c.startIn(t, dir, 100, 40, "new", "--srtctl", release, "job.yaml")
			p := &pane{t: t, socket: mp.socket}
			p.waitFor(focused("Job name"))
			p.text("today-" + release)
			p.enterTo("Model path")
			p.text("/models/m")
			p.enterTo("Container")
			p.text("/containers/c.sqsh")
			p.enterTo("Precision")
			p.enterTo("GPU type", "Step 2/5")
			p.enterTo("Serving mode")
			p.enterTo("GPUs per node")
			p.enterTo("Prefill nodes")
			p.enterTo("Decode nodes")
			p.enterTo("Prefill workers")
			p.enterTo("Decode workers")
			p.enterTo("Profiler", "Step 3/5")
			p.enterTo("Start step", "prefill steps")
			// torch: 2.x's nsys selectors are not asked.
			p.walkFields([]string{"Start step", "Stop step"}, nil, "Start step", "decode steps")
			p.walkFields([]string{"Start step", "Stop step"}, nil, "Benchmark")
			p.waitFor("┃ > sa-bench")
			p.finishToday(true, "The new file:", "srtctl dry-run accepts it")
			out, err := exec.Command(binary, "validate", filepath.Join(dir, "job.yaml")).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "(dialect "+release+";") || !strings.Contains(string(out), "0 errors, 0 warnings") {
				t.Fatalf("validate: %v\n%s", err, out)
			}
		})
	}
}

// A 1.0.x file edited for a 2.x cluster opens converted: the review shows
// the cluster's own `srtctl migrate` output as the diff and its dry-run
// accepting it; Save writes the 2.x file.
func TestEditV1FileForV2ClusterMigratesUnderTmux(t *testing.T) {
	c := todayCluster(t, "v2")
	dir := t.TempDir()
	path := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(path, []byte(jobspectest.ValidV1Agg), 0o644); err != nil {
		t.Fatal(err)
	}
	mp := c.startIn(t, dir, 100, 40, "edit", "job.yaml")
	p := &pane{t: t, socket: mp.socket}
	p.waitFor("the cluster runs 2.x", "converts it")
	p.enterTo("Aggregated workers")
	p.enterTo("Profiler", "Step 3/5")
	p.enterTo("Start step", "aggregated steps")
	p.walkFields([]string{"Start step", "Stop step"}, nil, "Capture scope")
	p.enterTo("Extra nsys args") // scope all: no worker and rank to ask
	p.enterTo("Benchmark")
	p.finishToday(false, "converted to the 2.x layout (schema: 2) by the cluster's srtctl migrate", "srtctl dry-run accepts it", "+schema: 2")
	out, err := exec.Command(binary, "validate", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "(dialect v2;") || !strings.Contains(string(out), "0 errors") {
		t.Fatalf("validate: %v\n%s", err, out)
	}
}
