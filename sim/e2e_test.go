package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// simBinary builds the srtctl-sim command once, on first use (fuzz
// workers, which run no end-to-end test, never build it).
var (
	simBuildOnce sync.Once
	simBuildDir  string
	simBuildPath string
	simBuildErr  error
)

func simBinary(t *testing.T) string {
	t.Helper()
	simBuildOnce.Do(func() {
		simBuildDir, simBuildErr = os.MkdirTemp("", "srtctl-sim-test")
		if simBuildErr != nil {
			return
		}
		simBuildPath = filepath.Join(simBuildDir, "srtctl-sim")
		out, err := exec.Command("go", "build", "-o", simBuildPath, "./cmd/srtctl-sim").CombinedOutput()
		if err != nil {
			simBuildErr = fmt.Errorf("building srtctl-sim: %v\n%s", err, out)
		}
	})
	if simBuildErr != nil {
		t.Fatal(simBuildErr)
	}
	return simBuildPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if simBuildDir != "" {
		os.RemoveAll(simBuildDir)
	}
	os.Exit(code)
}

// e2ePace makes a ~50 s profile job take about a second.
const e2ePace = 40

func newTestCluster(t *testing.T, traces string) *Cluster {
	t.Helper()
	c, err := NewClusterWith(filepath.Join(t.TempDir(), "cluster"), ClusterOptions{Executable: simBinary(t), Pace: e2ePace, Traces: traces})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Cleanup(); err != nil {
			t.Error(err)
		}
	})
	return c
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs a tool of the cluster by its multi-call name, from its srtctl root.
func run(t *testing.T, c *Cluster, tool string, args ...string) result {
	t.Helper()
	cmd := exec.Command(filepath.Join(c.BinDir, tool), args...)
	cmd.Dir = c.Root
	cmd.Env = c.Environ()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	return result{out.String(), errOut.String(), code}
}

// eventually polls cond every 20 ms for up to limit.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(b)
}

var applyOut = regexp.MustCompile(`^\n✅ Job (\d+) submitted!\n📁 Logs: (\S+)\n\n$`)

// submit runs srtctl apply and returns the job id and log directory.
func submit(t *testing.T, c *Cluster, name, body string) (id, logDir string) {
	t.Helper()
	path := writeJob(t, c.Root, name, body)
	r := run(t, c, "srtctl", "apply", "-f", path)
	if r.code != 0 {
		t.Fatalf("srtctl apply: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	m := applyOut.FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("srtctl apply printed %q", r.stdout)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \| INFO \| 🚀 Submitting job: prof\n$`).MatchString(r.stderr) {
		t.Errorf("srtctl apply stderr %q", r.stderr)
	}
	return m[1], m[2]
}

func squeueField(t *testing.T, c *Cluster, id, format string, all bool) string {
	t.Helper()
	args := []string{"-h", "-j", id, "-o", format}
	if all {
		args = append(args, "-t", "all")
	}
	r := run(t, c, "squeue", args...)
	if r.code != 0 {
		t.Fatalf("squeue: exit %d: %s", r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

func TestEndToEndApplyRunCancel(t *testing.T) {
	c := newTestCluster(t, "")
	id, logDir := submit(t, c, "job.yaml", validJob)
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(filepath.Join(c.Root, "logs", id)) + `_1P_1D_\d{8}_\d{6}$`).MatchString(logDir) {
		t.Errorf("log dir %q", logDir)
	}
	// srtctl's own files, written at once.
	for _, f := range []string{"sbatch_script.sh", "config.yaml", "sglang_config.yaml", id + ".json"} {
		if _, err := os.Stat(filepath.Join(logDir, f)); err != nil {
			t.Errorf("srtctl did not write %s: %v", f, err)
		}
	}
	if readFile(t, filepath.Join(logDir, "config.yaml")) != validJob {
		t.Error("config.yaml is not the submitted file")
	}
	if !strings.Contains(readFile(t, filepath.Join(logDir, "sglang_config.yaml")), "tp-size: 4") {
		t.Error("sglang_config.yaml lacks the decode flags")
	}

	st := squeueField(t, c, id, "%T", false)
	if st != statePending && st != stateRunning {
		t.Fatalf("state right after submit: %q", st)
	}
	eventually(t, 10*time.Second, "RUNNING", func() bool { return squeueField(t, c, id, "%T", false) == stateRunning })
	line := squeueField(t, c, id, "%i|%j|%D|%N|%R|%l|%P", false)
	if line != id+"|prof|2|sim-node-[01-02]|sim-node-[01-02]|4:00:00|gpu" {
		t.Errorf("squeue line %q", line)
	}

	logOut := filepath.Join(logDir, "log.out")
	eventually(t, 30*time.Second, "the profile scripts to finish", func() bool {
		return strings.Contains(readFile(t, logOut), "All profiling scripts finished at")
	})
	assertInOrder(t, readFile(t, logOut), `^Starting profiler\.\.\.$`,
		`^Prefill profiling will run on: sim-node-01$`, `^Decode profiling will run on: sim-node-02$`,
		`^All profiling scripts finished at .* with exit code 0$`)
	for _, phase := range []string{"prefill", "decode"} {
		assertInOrder(t, readFile(t, filepath.Join(logDir, "profile_"+phase+".out")),
			`^Torch Profiling Configuration:$`, `^  Profiling mode: `+phase+`$`,
			`^Waiting for server at`, `^Server not ready yet`, `^top - `, `^Server http://127.0.0.1:30000 is ready$`,
			`^Running profiler\.\.\.$`, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`, `^\+ curl .*start_profile`,
			`Serving Benchmark Result`, `^Accuracy: `, `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`,
			`^Torch profiling completed for `+phase+` mode with exit code 0$`,
			`^Profiling results saved to /logs/profiles/`+phase+`$`)
	}
	// One trace per TP rank (tp-size 2 and 4), gzipped Chrome JSON.
	for phase, ranks := range map[string]int{"prefill": 2, "decode": 4} {
		files, _ := filepath.Glob(filepath.Join(logDir, "profiles", phase, "*-TP-*-"+phase+".trace.json.gz"))
		if len(files) != ranks {
			t.Fatalf("%s: %d trace files, want %d: %v", phase, len(files), ranks, files)
		}
		b, _ := os.ReadFile(files[0])
		if n := len(decodeTrace(t, b).TraceEvents); n < 1000 {
			t.Errorf("%s trace has %d events", phase, n)
		}
	}

	// Like a P1 job, it keeps running after profiling.
	time.Sleep(100 * time.Millisecond)
	if st := squeueField(t, c, id, "%T", false); st != stateRunning {
		t.Fatalf("job left RUNNING after profiling: %q", st)
	}
	rec := loadRecord(t, c, id)

	if r := run(t, c, "scancel", id); r.code != 0 {
		t.Fatalf("scancel: %d %s", r.code, r.stderr)
	}
	eventually(t, 5*time.Second, "the job to leave the queue", func() bool { return squeueField(t, c, id, "%T", false) == "" })
	if got := squeueField(t, c, id, "%T|%t", true); got != "CANCELLED|CA" {
		t.Errorf("squeue -t all: %q", got)
	}
	sc := run(t, c, "scontrol", "show", "job", id)
	if sc.code != 0 || !strings.Contains(sc.stdout, "JobState=CANCELLED ") || !strings.Contains(sc.stdout, "ExitCode=0:15") {
		t.Errorf("scontrol: %d %q", sc.code, sc.stdout)
	}
	sa := run(t, c, "sacct", "-j", id, "-X", "-n", "-P", "-o", "State,ExitCode,Elapsed")
	if sa.code != 1 || sa.stdout != "" || sa.stderr != "Slurm accounting storage is disabled\n" {
		t.Errorf("sacct: %+v", sa)
	}
	again := run(t, c, "scancel", id)
	if again.code != 1 || !strings.Contains(again.stderr, "Job/step already completing or completed") {
		t.Errorf("second scancel: %+v", again)
	}
	assertGone(t, rec.JobPGID, rec.SupervisorPID)
	eventually(t, 5*time.Second, "slurmstepd's cancel line", func() bool {
		return strings.Contains(readFile(t, filepath.Join(c.Root, "logs", "slurm-"+id+".out")), "CANCELLED AT")
	})
	if r := run(t, c, "squeue", "-h", "-j", "999999"); r.code != 1 || !strings.Contains(r.stderr, "Invalid job id specified") {
		t.Errorf("unknown id: %+v", r)
	}
}

func loadRecord(t *testing.T, c *Cluster, id string) *jobRecord {
	t.Helper()
	n, _ := strconv.Atoi(id)
	var j jobRecord
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(c.StateDir, "jobs", id+".json"))), &j); err != nil || j.ID != n {
		t.Fatalf("state of job %s: %v", id, err)
	}
	return &j
}

// assertGone waits until none of the pids is a live process (zombies
// waiting for a reaper count as gone).
func assertGone(t *testing.T, pids ...int) {
	t.Helper()
	for _, pid := range pids {
		if pid <= 0 {
			t.Fatalf("no pid recorded (%v)", pids)
		}
		eventually(t, 10*time.Second, fmt.Sprintf("process %d to end", pid), func() bool {
			if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
				return true
			}
			stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
			if err != nil {
				return true
			}
			_, after, _ := strings.Cut(string(stat), ") ")
			return strings.HasPrefix(after, "Z")
		})
	}
}

func TestEndToEndRealTracesErrorsAndNsys(t *testing.T) {
	traces := jobspectest.TracesDir(t)
	c := newTestCluster(t, traces)

	// Rejected by srtctl itself: nothing submitted.
	bad := writeJob(t, c.Root, "bad.yaml", strings.Replace(validJob, "prefill_workers: 1", "prefill_workers: 2", 1))
	r := run(t, c, "srtctl", "apply", "-f", bad)
	if r.code != 1 || r.stderr != "Invalid config in "+bad+": Profiling mode requires single worker only. Got prefill_workers=2\n" || r.stdout != "" {
		t.Errorf("invalid config: %+v", r)
	}
	// dry-run checks and submits nothing.
	dry := run(t, c, "srtctl", "dry-run", "-f", writeJob(t, c.Root, "dry.yaml", validJob))
	if dry.code != 0 || !strings.Contains(dry.stdout, "#SBATCH --nodes=2") {
		t.Errorf("dry-run: %+v", dry)
	}
	if q := run(t, c, "squeue", "-h", "-t", "all"); q.stdout != "" {
		t.Fatalf("something was submitted: %q", q.stdout)
	}
	// sbatch refuses: srtctl reports it the way it does.
	huge := strings.Replace(validJob, "prefill_nodes: 1", "prefill_nodes: 40", 1)
	r = run(t, c, "srtctl", "apply", "-f", writeJob(t, c.Root, "huge.yaml", huge))
	if r.code != 1 || !regexp.MustCompile(`\| ERROR \| ❌ Error submitting job: Command '\['sbatch', .*\]' returned non-zero exit status 1\.\n.*\| ERROR \| stderr: sbatch: error: Batch job submission failed: Requested node configuration is not available\n$`).MatchString(r.stderr) {
		t.Errorf("sbatch failure: %+v", r)
	}

	// Aggregated, copying the real decode trace.
	agg := strings.Replace(validJob, "  prefill_nodes: 1\n  decode_nodes: 1\n  prefill_workers: 1\n  decode_workers: 1\n", "  agg_nodes: 1\n  agg_workers: 1\n", 1)
	agg = strings.Replace(agg, "    prefill:\n      tp-size: 2\n    decode:\n      tp-size: 4\n", "    aggregated:\n      tp-size: 1\n", 1)
	aggID, aggDir := submit(t, c, "agg.yaml", agg)
	if !strings.HasSuffix(filepath.Base(aggDir), "") || !regexp.MustCompile(`^`+aggID+`_1A_\d{8}_\d{6}$`).MatchString(filepath.Base(aggDir)) {
		t.Errorf("aggregated log dir %q", aggDir)
	}
	// isl missing for prefill: the job fails the way real ones do.
	noISL := strings.Replace(validJob, "    isl: 1024\n    osl: 128\n    concurrency: 24\n", "    osl: 128\n    concurrency: 24\n", 1)
	_, noISLDir := submit(t, c, "noisl.yaml", noISL)
	nsys := strings.Replace(validJob, `type: "torch"`, `type: "nsys"`, 1)
	_, nsysDir := submit(t, c, "nsys.yaml", nsys)

	for _, d := range []string{aggDir, noISLDir, nsysDir} {
		eventually(t, 30*time.Second, "the profile scripts of "+filepath.Base(d), func() bool {
			return strings.Contains(readFile(t, filepath.Join(d, "log.out")), "All profiling scripts finished")
		})
	}

	copied, _ := filepath.Glob(filepath.Join(aggDir, "profiles", "aggregated", "*-TP-0-aggregated.trace.json.gz"))
	want, _ := filepath.Glob(filepath.Join(traces, "*-TP-0-decode.trace.json.gz"))
	if len(copied) != 1 || len(want) != 1 || readFile(t, copied[0]) != readFile(t, want[0]) {
		t.Errorf("aggregated trace %v is not a copy of %v", copied, want)
	}
	if _, err := os.Stat(filepath.Join(aggDir, "log.err")); err != nil {
		t.Error("aggregated job has no log.err")
	}

	pre := readFile(t, filepath.Join(noISLDir, "profile_prefill.out"))
	if !strings.HasSuffix(pre, "Server http://127.0.0.1:30000 is ready\nError: isl and osl must be set for profiling.\n") {
		t.Errorf("profile_prefill.out without isl ends:\n%s", pre[max(0, len(pre)-300):])
	}
	assertInOrder(t, readFile(t, filepath.Join(noISLDir, "log.out")), `^All profiling scripts finished at .* with exit code 1$`)
	if files, _ := filepath.Glob(filepath.Join(noISLDir, "profiles", "prefill", "*")); len(files) != 0 {
		t.Errorf("prefill traces without isl: %v", files)
	}

	for _, phase := range []string{"prefill", "decode"} {
		rep := filepath.Join(nsysDir, "profiles", phase+"_0.nsys-rep")
		if fi, err := os.Stat(rep); err != nil || fi.Size() == 0 {
			t.Errorf("nsys report %s: %v", rep, err)
		}
		if _, err := os.Stat(filepath.Join(nsysDir, "profiles", phase+"_0.qdstrm")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: .qdstrm left behind", phase)
		}
	}
}

func TestCleanupKillsJobsAndRemovesEverything(t *testing.T) {
	c, err := NewClusterWith(filepath.Join(t.TempDir(), "cluster"), ClusterOptions{Executable: simBinary(t), Pace: 1})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := submit(t, c, "job.yaml", validJob)
	eventually(t, 10*time.Second, "RUNNING", func() bool { return squeueField(t, c, id, "%T", false) == stateRunning })
	rec := loadRecord(t, c, id)
	if err := c.Cleanup(); err != nil {
		t.Fatal(err)
	}
	assertGone(t, rec.JobPGID, rec.SupervisorPID)
	if _, err := os.Stat(c.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still exists", c.Dir)
	}
}

func TestSchedulerEndStates(t *testing.T) {
	c := newTestCluster(t, "")
	write := func(name, body string) string {
		return writeJob(t, c.Root, name, "#!/bin/sh\n"+body+"\n")
	}
	submitScript := func(args ...string) string {
		t.Helper()
		r := run(t, c, "sbatch", args...)
		m := regexp.MustCompile(`^Submitted batch job (\d+)\n$`).FindStringSubmatch(r.stdout)
		if r.code != 0 || m == nil {
			t.Fatalf("sbatch %v: %+v", args, r)
		}
		return m[1]
	}
	failed := submitScript(write("fail.sh", "echo out; echo err >&2; exit 3"))
	done := submitScript("--job-name=ok job", write("ok.sh", "echo \"$SLURM_JOB_ID $SLURM_JOB_NAME $SLURM_JOB_NODELIST\""))
	slow := submitScript("--time=0:01", write("slow.sh", "sleep 60"))
	parsable := run(t, c, "sbatch", "--parsable", write("p.sh", "true"))
	if !regexp.MustCompile(`^\d+\n$`).MatchString(parsable.stdout) {
		t.Errorf("--parsable printed %q", parsable.stdout)
	}
	want := map[string]string{failed: "FAILED|3:0", done: "COMPLETED|0:0", slow: "TIMEOUT|0:15"}
	for id, w := range want {
		eventually(t, 15*time.Second, "job "+id+" to end", func() bool {
			sc := run(t, c, "scontrol", "-o", "show", "job", id)
			st := regexp.MustCompile(`JobState=(\S+)`).FindStringSubmatch(sc.stdout)
			ec := regexp.MustCompile(`ExitCode=(\S+)`).FindStringSubmatch(sc.stdout)
			return st != nil && ec != nil && st[1]+"|"+ec[1] == w
		})
	}
	if got := readFile(t, filepath.Join(c.Root, "slurm-"+failed+".out")); got != "out\nerr\n" {
		t.Errorf("slurm-%s.out = %q", failed, got)
	}
	if got := readFile(t, filepath.Join(c.Root, "slurm-"+done+".out")); !regexp.MustCompile(`^` + done + ` ok job sim-node-\d\d\n$`).MatchString(got) {
		t.Errorf("job environment: %q", got)
	}
	if r := run(t, c, "sbatch", "no-such-script.sh"); r.code != 1 || !strings.Contains(r.stderr, "Unable to open file no-such-script.sh") {
		t.Errorf("missing script: %+v", r)
	}
}
