package runner

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"
)

var masterPID = regexp.MustCompile(`Master running \(pid=(\d+)\)`)

// masterCheck runs ssh -O check on conn's control socket and returns the
// master's pid, or 0 when no master answers (never logging in: batchArgs).
func masterCheck(t *testing.T, conn *Conn) int {
	t.Helper()
	args := append(conn.batchArgs(), "-O", "check", "--", conn.cluster.Host)
	out, _ := exec.Command(conn.opts.SSH, args...).CombinedOutput()
	m := masterPID.FindSubmatch(out)
	if m == nil {
		return 0
	}
	pid, _ := strconv.Atoi(string(m[1]))
	return pid
}

// TestReconnectAfterMasterKilled kills the master connection the way a
// dropped network or a laptop's sleep does, and checks that Reconnect gives
// a new master that owns the control socket again (not a socketless one
// that every later command would bypass), and that Close stops it.
func TestReconnectAfterMasterKilled(t *testing.T) {
	tc := needCluster(t)
	conn := connect(t, tc.cluster(t, 40), ConnectOptions{})
	first := masterCheck(t, conn)
	if first == 0 {
		t.Fatal("no master after Connect")
	}
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(first, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := conn.Reconnect(ctx); err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	second := masterCheck(t, conn)
	if second == 0 || second == first {
		t.Fatalf("after Reconnect the control socket answers for pid %d (killed: %d): the new master has no socket", second, first)
	}
	out, _, err := conn.Run(ctx, "echo", "through the new master")
	if err != nil || string(out) != "through the new master\n" {
		t.Fatalf("Run after reconnect: %q %v", out, err)
	}
	if _, err := conn.FS().Stat(conn.Cluster().SrtctlRoot); err != nil {
		t.Fatalf("SFTP after reconnect: %v", err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for syscall.Kill(second, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if syscall.Kill(second, 0) == nil {
		t.Fatalf("master %d still running after Close", second)
	}
}
