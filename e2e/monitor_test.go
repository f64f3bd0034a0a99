package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"al.essio.dev/pkg/shellescape"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

// monCluster is the real SLURM + sshd of testcluster/up.sh, set up for one
// monitor test: its own srtctl_root (so its simulated job runs at the test's
// pace), its own cluster config, history and control directory.
type monCluster struct {
	tc                        *clustertest.Cluster
	root, xdg, control, saved string
}

func newMonCluster(t *testing.T, pace float64) *monCluster {
	t.Helper()
	c := &monCluster{tc: clustertest.Need(t)}
	c.root = c.tc.NewRoot(t, pace)
	// Only this test's jobs: tests of other packages and checkouts share the
	// test user and the job name.
	t.Cleanup(func() {
		if ids := c.tc.SqueueIDsIn(t, c.root); len(ids) > 0 {
			exec.Command("scancel", ids...).Run()
		}
	})

	c.xdg = t.TempDir()
	// A short private directory: socket paths must stay under ~104 bytes.
	c.control = clustertest.ControlDir(t)
	t.Cleanup(c.stopMasters)
	c.saved = filepath.Join(t.TempDir(), "saved")
	c.writeConfig(t, "test", "-F", c.tc.SSHConfig)
	return c
}

// writeConfig makes the cluster name (the test cluster, with these ssh
// options and the test's srtctl_root) the only and default one of the
// program's configuration.
func (c *monCluster) writeConfig(t *testing.T, name string, sshOptions ...string) {
	t.Helper()
	quoted := make([]string, len(sshOptions))
	for i, o := range sshOptions {
		quoted[i] = fmt.Sprintf("%q", o)
	}
	cfg := fmt.Sprintf("default: %s\nclusters:\n  - name: %s\n    host: %q\n    srtctl_root: %q\n    ssh_options: [%s]\n",
		name, name, c.tc.Host, c.root, strings.Join(quoted, ", "))
	dir := filepath.Join(c.xdg, "config", "srtctl-tui")
	os.MkdirAll(dir, 0o700)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (c *monCluster) cluster() runner.Cluster {
	return runner.Cluster{Name: "test", Host: c.tc.Host, SrtctlRoot: c.root,
		SSHOptions: []string{"-F", c.tc.SSHConfig}}
}

// submit submits a P1 torch job through the product's runner, recording
// it in the history the monitor reads.
func (c *monCluster) submit(t *testing.T) *runner.Submission {
	t.Helper()
	return c.submitFile(t, e2eJobFile(t))
}

// submitFile submits a job file through the product's runner, recording
// it in the history the monitor reads; the job is cancelled when the test
// ends.
func (c *monCluster) submitFile(t *testing.T, path string) *runner.Submission {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := runner.Connect(ctx, c.cluster(), runner.ConnectOptions{
		ControlDir: c.control, KeepMaster: true,
		History: runner.OpenHistory(filepath.Join(c.xdg, "state", "srtctl-tui", "history.jsonl")),
	})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close()
	sub, err := conn.Submit(ctx, path)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	c.tc.ScancelLater(t, sub.JobID)
	return sub
}

// monPane is the monitor running in a tmux pane of a private server.
type monPane struct {
	t      *testing.T
	socket string
}

func (c *monCluster) startMonitor(t *testing.T, w, h int, args ...string) *monPane {
	t.Helper()
	return c.startIn(t, "", w, h, args...)
}

// startIn runs `srtctl-tui args...` against the cluster in a w x h pane,
// in dir ("": the test's working directory).
func (c *monCluster) startIn(t *testing.T, dir string, w, h int, args ...string) *monPane {
	t.Helper()
	p := &monPane{t: t, socket: fmt.Sprintf("srtctl-mon-%d-%d", os.Getpid(), sessionSeq.Add(1))}
	quoted := []string{shellescape.Quote(binary)}
	for _, a := range args {
		quoted = append(quoted, shellescape.Quote(a))
	}
	script := strings.Join(quoted, " ") + `; echo "EXIT=$?"; sleep 600`
	tmuxArgs := []string{"-L", p.socket, "-f", "/dev/null", "new-session", "-d", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)}
	if dir != "" {
		tmuxArgs = append(tmuxArgs, "-c", dir)
	}
	cmd := exec.Command("tmux", append(tmuxArgs,
		"env", "TERM=xterm-256color", "NO_COLOR=1",
		"XDG_CONFIG_HOME="+filepath.Join(c.xdg, "config"),
		"XDG_STATE_HOME="+filepath.Join(c.xdg, "state"),
		"XDG_RUNTIME_DIR="+c.control,
		"sh", "-c", script)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-L", p.socket, "kill-server").Run() })
	return p
}

func (p *monPane) screen() string {
	out, err := exec.Command("tmux", "-L", p.socket, "capture-pane", "-p").CombinedOutput()
	if err != nil {
		p.t.Fatalf("capture-pane: %v\n%s", err, out)
	}
	return string(out)
}

func (p *monPane) keys(keys ...string) {
	if out, err := exec.Command("tmux", append([]string{"-L", p.socket, "send-keys"}, keys...)...).CombinedOutput(); err != nil {
		p.t.Fatalf("send-keys: %v\n%s", err, out)
	}
}

// waitUntil polls the screen until ok holds.
func (p *monPane) waitUntil(what string, timeout time.Duration, ok func(screen string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := p.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out after %v waiting for %s; screen:\n%s", timeout, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *monPane) waitFor(timeout time.Duration, texts ...string) string {
	p.t.Helper()
	return p.waitUntil(fmt.Sprintf("%q", texts), timeout, func(s string) bool {
		for _, want := range texts {
			if !strings.Contains(s, want) {
				return false
			}
		}
		return true
	})
}

// sideBySide reports whether text shows twice on one row (both panes).
func sideBySide(screen, text string) bool {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Count(l, text) >= 2 {
			return true
		}
	}
	return false
}

// squeueState is SLURM's state of the job ("" once it left the queue).
func squeueState(t *testing.T, id string) string {
	out, err := exec.Command("squeue", "-h", "-j", id, "-o", "%T").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// masterPid is the pid of the monitor's ssh master connection (0: none).
func (c *monCluster) masterPid() int {
	return c.tc.MasterPID(c.tc.SSHConfig, filepath.Join(c.control, "srtctl-tui")+"/%C")
}

// sftpPid is the pid of the monitor's SFTP session (an ssh -s ... sftp
// through its control directory), 0 when there is none.
func (c *monCluster) sftpPid() int {
	out, err := exec.Command("ps", "-eo", "pid=,args=").Output()
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "ControlPath="+filepath.Join(c.control, "srtctl-tui")+"/") && strings.HasSuffix(l, " sftp") {
			pid, _ := strconv.Atoi(strings.Fields(l)[0])
			return pid
		}
	}
	return 0
}

// stopMasters ends the master connections left for the next command
// (ControlPersist) before their directory goes away.
func (c *monCluster) stopMasters() {
	for _, dir := range []string{c.control, filepath.Join(c.control, "srtctl-tui")} {
		c.tc.StopMaster(c.tc.SSHConfig, dir+"/%C")
	}
	// A master started while a killed one's socket was still there runs
	// without a socket (ssh: "disabling multiplexing"): -O exit cannot
	// reach it. It is this test's by its control directory.
	out, _ := exec.Command("ps", "-eo", "pid=,args=").Output()
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "ControlPath="+c.control+"/") {
			if pid, err := strconv.Atoi(strings.Fields(l)[0]); err == nil {
				syscallKill(pid)
			}
		}
	}
}

// killMaster kills the ssh master connection the monitor uses and returns
// its pid.
func (c *monCluster) killMaster(t *testing.T) int {
	t.Helper()
	pid := c.masterPid()
	if pid == 0 {
		t.Fatal("no master connection to kill")
	}
	if err := syscallKill(pid); err != nil {
		t.Fatalf("kill master %d: %v", pid, err)
	}
	return pid
}

// killMasterAndWaitForNewSFTP kills the monitor's ssh master; the monitor
// must notice and open a new SFTP session by itself.
func (c *monCluster) killMasterAndWaitForNewSFTP(t *testing.T, p *monPane) {
	t.Helper()
	oldSFTP := c.sftpPid()
	if oldSFTP == 0 {
		t.Fatal("no SFTP session of the monitor found")
	}
	c.killMaster(t)
	deadline := time.Now().Add(30 * time.Second)
	for pid := c.sftpPid(); pid == 0 || pid == oldSFTP; pid = c.sftpPid() {
		if time.Now().After(deadline) {
			t.Fatalf("no new SFTP session after the master was killed; screen:\n%s", p.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func runMonitorE2E(t *testing.T, killMidway bool) {
	c := newMonCluster(t, 6)
	sub := c.submit(t)
	p := c.startMonitor(t, 160, 45, "monitor", sub.JobID, "--cluster", "test", "--save-logs", c.saved)

	// Both panes side by side, lines appearing as the job writes them.
	s := p.waitFor(90*time.Second, "monitor-e2e #"+sub.JobID, "cluster test", "torch profiling",
		"profile_prefill.out", "profile_decode.out")
	if !sideBySide(s, "Waiting for server at http://127.0.0.1:30000") {
		s = p.waitUntil("both panes waiting for the server", 60*time.Second, func(s string) bool {
			return sideBySide(s, "Waiting for server at http://127.0.0.1:30000")
		})
	}
	if strings.Contains(s, "Torch profiling completed") {
		t.Fatalf("the whole log arrived at once, not as written:\n%s", s)
	}
	if killMidway {
		c.killMasterAndWaitForNewSFTP(t, p)
	}
	p.waitUntil("the profiler running in both panes", 90*time.Second, func(s string) bool {
		return sideBySide(s, "Running profiler...") || sideBySide(s, "completed")
	})
	s = p.waitFor(120*time.Second, "✔ traces ready", "profiles/prefill/", "profiles/decode/")
	if squeueState(t, sub.JobID) != "RUNNING" {
		t.Fatalf("job not running after traces ready: %q", squeueState(t, sub.JobID))
	}

	// Esc never cancels; y does.
	p.keys("c")
	p.waitFor(10*time.Second, "Cancel job "+sub.JobID+"?")
	p.keys("Escape")
	p.waitFor(10*time.Second, "keeps running")
	time.Sleep(2500 * time.Millisecond)
	if st := squeueState(t, sub.JobID); st != "RUNNING" {
		t.Fatalf("Esc on the confirmation changed the job: %q", st)
	}
	p.keys("c")
	p.waitFor(10*time.Second, "Cancel job "+sub.JobID+"?")
	p.keys("y")
	p.waitFor(60*time.Second, "job cancelled")
	deadline := time.Now().Add(30 * time.Second)
	for st := squeueState(t, sub.JobID); st != "" && st != "CANCELLED" && st != "COMPLETING"; st = squeueState(t, sub.JobID) {
		if time.Now().After(deadline) {
			t.Fatalf("job still %q after the cancel", st)
		}
		time.Sleep(200 * time.Millisecond)
	}
	p.waitFor(30*time.Second, "stopped following")
	p.keys("q")
	s = p.waitFor(15*time.Second, "EXIT=0")
	if !strings.Contains(s, "Job "+sub.JobID+": cancelled") {
		t.Fatalf("quit message:\n%s", s)
	}

	c.checkSavedLogs(t, sub.LogDir, "profile_prefill.out", "profile_decode.out", "log.out")
}

// checkSavedLogs compares the monitor's --save-logs copies with the
// cluster's files: nothing lost or repeated, whatever happened meanwhile.
func (c *monCluster) checkSavedLogs(t *testing.T, logDir string, files ...string) {
	t.Helper()
	for _, f := range files {
		remote, err := os.ReadFile(filepath.Join(logDir, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(c.saved, f))
		if err != nil {
			t.Fatalf("saved copy of %s: %v", f, err)
		}
		if string(got) != string(remote) {
			t.Fatalf("%s: saved %d bytes, the cluster has %d, and they differ; the cluster's ends\n%s\nthe copy ends\n%s", f, len(got), len(remote),
				remote[max(0, len(remote)-300):], got[max(0, len(got)-300):])
		}
	}
}

func TestMonitorFollowsJobToTracesReadyAndCancels(t *testing.T) { runMonitorE2E(t, false) }

func TestMonitorSurvivesKilledSSHMaster(t *testing.T) { runMonitorE2E(t, true) }
