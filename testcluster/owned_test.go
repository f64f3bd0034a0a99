// Package testcluster's tests check the scripts' process selection against
// the running test cluster, read-only: down.sh must stop what the cluster
// started and nothing else on the machine. None of them stops the cluster.
package testcluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

// ownedPids runs tc_owned_pids on the live cluster: pid -> start time.
func ownedPids(t *testing.T) map[int]string {
	t.Helper()
	out, err := exec.Command("bash", "-c", `. "$1" && tc_owned_pids`, "bash", "common.sh").Output()
	if err != nil {
		t.Fatalf("tc_owned_pids: %v", err)
	}
	got := map[int]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		pid, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("bad line %q", l)
		}
		got[pid] = f[1]
	}
	return got
}

// startDecoy starts argv (as uid:gid when uid >= 0) in dir with env, and
// stops it when the test ends.
func startDecoy(t *testing.T, dir string, uid, gid int, env []string, argv ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env = dir, env
	if uid >= 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	stdin, err := cmd.StdinPipe() // slurmstepd waits on it
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd
}

// waitFor polls f for up to two minutes: the job may wait in the queue
// behind other tests' jobs.
func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !f(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// running: pid exists and is not a zombie (a decoy killed but not yet
// reaped by this test would still answer kill -0).
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z"
}

func pgrep(args ...string) []int {
	out, _ := exec.Command("pgrep", args...).Output()
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	return pids
}

func TestOwnedPidsAreTheClustersOnly(t *testing.T) {
	tc := clustertest.Need(t)
	ssh := func(cmd string) string {
		out, err := exec.Command("ssh", "-F", tc.SSHConfig, "-o", "ControlPath=none", tc.Host, cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh %s: %v\n%s", cmd, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	tag := fmt.Sprintf("%d", 7000+os.Getpid()%1000)

	// Ours: a job step of our slurmd (its slurmstepd, double-forked to
	// init, and the job's process) and a process that daemonized out of a
	// session of our sshd.
	id := ssh("sbatch --parsable -o /dev/null -J owned-test --wrap 'exec sleep " + tag + "1'")
	t.Cleanup(func() { exec.Command("scancel", id).Run() })
	var stepd, task []int
	waitFor(t, "the job step", func() bool {
		stepd = pgrep("-f", `^slurmstepd: \[`+id+`\.batch\]`)
		task = pgrep("-u", tc.User, "-f", "^sleep "+tag+"1$")
		return len(stepd) == 1 && len(task) == 1
	})
	ssh("setsid sleep " + tag + "2 </dev/null >/dev/null 2>&1 &")
	var escaped []int
	waitFor(t, "the daemonized session process", func() bool {
		escaped = pgrep("-u", tc.User, "-f", "^sleep "+tag+"2$")
		return len(escaped) == 1
	})
	t.Cleanup(func() { syscall.Kill(escaped[0], syscall.SIGKILL) })

	// Not ours: a process of another user that even claims our sshd's
	// port, a binary merely named slurmstepd, the real slurmstepd binary
	// run outside our slurmd (as another slurmd's step would be), and a
	// process of the test user that did not come through our sshd or jobs.
	dir, err := os.MkdirTemp("", "owned-test-") // others may enter it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	claim := []string{"SSH_CONNECTION=127.0.0.1 1 127.0.0.1 " + tc.Port, "SLURM_CLUSTER_NAME=srtctltest"}
	other := startDecoy(t, dir, 65534, 65534, claim, "/bin/sleep", tag+"3")
	fake := filepath.Join(dir, "slurmstepd")
	if b, err := os.ReadFile("/bin/sleep"); err != nil || os.WriteFile(fake, b, 0o755) != nil {
		t.Fatal("copying sleep", err)
	}
	named := startDecoy(t, dir, -1, -1, nil, fake, tag+"4")
	realStepd := startDecoy(t, dir, -1, -1, nil, "/usr/sbin/slurmstepd")
	userOther := startDecoy(t, dir, tc.UID, tc.GID, []string{"PATH=/usr/bin:/bin"}, "/bin/sleep", tag+"5")
	time.Sleep(300 * time.Millisecond) // let slurmstepd reach its read

	got := ownedPids(t)
	for what, pid := range map[string]int{"our slurmstepd": stepd[0], "our job's process": task[0], "a process out of our sshd's session": escaped[0]} {
		if _, ok := got[pid]; !ok {
			t.Errorf("%s (pid %d) is not listed", what, pid)
		}
	}
	for what, cmd := range map[string]*exec.Cmd{"another user's process": other, "a binary named slurmstepd": named,
		"slurmstepd of another slurmd": realStepd, "the test user's other process": userOther} {
		if _, ok := got[cmd.Process.Pid]; ok {
			t.Errorf("%s (pid %d) is listed", what, cmd.Process.Pid)
		}
	}
	if _, ok := got[os.Getpid()]; ok {
		t.Errorf("the test itself is listed")
	}

	// down.sh run for a state directory of its own (another checkout's
	// cluster, long gone) stops nothing of the running cluster, nor the
	// decoys: the old one killed every slurmstepd and every process of the
	// test user on the machine.
	down := exec.Command("bash", "down.sh")
	down.Env = append(os.Environ(), "SRTCTL_TEST_CLUSTER_DIR="+filepath.Join(dir, "state"))
	if out, err := down.CombinedOutput(); err != nil {
		t.Fatalf("down.sh: %v\n%s", err, out)
	}
	time.Sleep(500 * time.Millisecond)
	alive := map[string]int{"our slurmstepd": stepd[0], "our job's process": task[0], "a process out of our sshd's session": escaped[0],
		"another user's process": other.Process.Pid, "a binary named slurmstepd": named.Process.Pid,
		"slurmstepd of another slurmd": realStepd.Process.Pid, "the test user's other process": userOther.Process.Pid}
	for what, pid := range alive {
		if !running(pid) {
			t.Errorf("down.sh for another state stopped %s (pid %d)", what, pid)
		}
	}
}

// tc_kill_owned stops a listed process only while its start time is the
// one listed: a pid reused since is left alone.
func TestKillOwnedSparesReusedPids(t *testing.T) {
	dir := t.TempDir()
	keep := startDecoy(t, dir, -1, -1, nil, "/bin/sleep", "600")
	stop := startDecoy(t, dir, -1, -1, nil, "/bin/sleep", "601")
	start := func(pid int) string {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		return strings.Fields(s[strings.LastIndexByte(s, ')')+2:])[19]
	}
	list := fmt.Sprintf("%d %s\n%d %s1\n", stop.Process.Pid, start(stop.Process.Pid), keep.Process.Pid, start(keep.Process.Pid))
	cmd := exec.Command("bash", "-c", `. "$1" && tc_kill_owned`, "bash", "common.sh")
	cmd.Stdin = strings.NewReader(list)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tc_kill_owned: %v %s", err, out)
	}
	if err := stop.Wait(); err == nil {
		t.Error("the listed process was not stopped")
	}
	if !running(keep.Process.Pid) {
		t.Error("a process whose start time differs was stopped")
	}
}
