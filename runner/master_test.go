package runner

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

// A control directory someone else could have prepared is refused, and
// the default never is a fixed name in a shared directory.
func TestControlDirRefusesWhatOthersControl(t *testing.T) {
	base, err := os.MkdirTemp("", "cd")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	os.Chmod(base, 0o755)

	theirs := filepath.Join(base, "theirs")
	os.Mkdir(theirs, 0o700)
	if err := os.Chown(theirs, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o700)
	os.Chmod(open, 0o777)
	readable := filepath.Join(base, "readable")
	os.Mkdir(readable, 0o700)
	os.Chmod(readable, 0o755)
	link := filepath.Join(base, "link")
	os.Symlink(theirs, link)
	for dir, want := range map[string]string{theirs: "belongs to another user", open: "open to other users",
		readable: "chmod 700", link: "symbolic link"} {
		err := ensurePrivateDir(dir)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", filepath.Base(dir), err, want)
		}
		_, err = Connect(context.Background(), Cluster{Name: "x", Host: "nowhere.invalid"}, ConnectOptions{ControlDir: dir})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Connect in %s: %v, want %q", filepath.Base(dir), err, want)
		}
	}
	fresh := filepath.Join(base, "fresh", "cm")
	if err := ensurePrivateDir(fresh); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(fresh); err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("made %v %v, want mode 0700", info.Mode(), err)
	}

	// An XDG_RUNTIME_DIR that is not the user's own is avoided, not used.
	t.Setenv("XDG_RUNTIME_DIR", theirs)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(base, "cache"))
	if d := DefaultControlDir(); strings.HasPrefix(d, theirs) || d != filepath.Join(base, "cache", "srtctl-tui") {
		t.Fatalf("DefaultControlDir with a foreign XDG_RUNTIME_DIR: %s", d)
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("XDG_CACHE_HOME", "")
	if d := DefaultControlDir(); strings.HasPrefix(d, os.TempDir()) {
		t.Fatalf("DefaultControlDir is in the shared %s: %s", os.TempDir(), d)
	}
	mine := filepath.Join(base, "run")
	os.Mkdir(mine, 0o700)
	t.Setenv("XDG_RUNTIME_DIR", mine)
	if d := DefaultControlDir(); d != filepath.Join(mine, "srtctl-tui") {
		t.Fatalf("DefaultControlDir with a private XDG_RUNTIME_DIR: %s", d)
	}
}

// keyCluster is the test cluster reached with a key of the test's own, so
// the sshd log tells this test's logins from everyone else's.
func keyCluster(t *testing.T) (*clustertest.Cluster, *clustertest.Key, Cluster) {
	tc := needCluster(t)
	k := tc.NewKey(t, "")
	cl := tc.cluster(t, 40)
	cl.SSHOptions = []string{"-F", k.SSHConfig}
	return tc.Cluster, k, cl
}

// waitLogins waits for the sshd log to show want logins with k, and fails
// if it shows another number.
func waitLogins(t *testing.T, tc *clustertest.Cluster, k *clustertest.Key, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for tc.Logins(t, k) < want && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a late extra login would show by now
	if got := tc.Logins(t, k); got != want {
		t.Fatalf("sshd counted %d logins, want %d", got, want)
	}
}

func killWait(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

func stopMasterAtEnd(t *testing.T, conn *Conn) {
	t.Cleanup(func() {
		exec.Command(conn.opts.SSH, append(conn.batchArgs(), "-O", "exit", "--", conn.cluster.Host)...).Run()
	})
}

// A master killed at the start of a session: every command and the SFTP
// session go through one new master, never a login of their own.
func TestMasterLostGivesOneNewMasterNoDirectLogins(t *testing.T) {
	tc, k, cl := keyCluster(t)
	conn := connect(t, cl, ConnectOptions{KeepMaster: true})
	stopMasterAtEnd(t, conn)
	waitLogins(t, tc, k, 1)
	killWait(t, masterCheck(t, conn))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		out, _, err := conn.Run(ctx, "echo", "through the master")
		if err != nil || string(out) != "through the master\n" {
			t.Fatalf("Run %d after the master was killed: %q %v", i, out, err)
		}
	}
	if _, err := conn.State(ctx, "1"); err != nil {
		t.Logf("state of a job that does not exist: %v", err)
	}
	if err := conn.Reconnect(ctx); err != nil {
		t.Fatalf("Reconnect: %v", err)
	}
	if _, err := conn.FS().Stat(conn.Cluster().SrtctlRoot); err != nil {
		t.Fatalf("SFTP: %v", err)
	}
	waitLogins(t, tc, k, 2)
	if m := masterProcesses(conn.controlPath); len(m) != 1 {
		t.Fatalf("%d masters on the socket, want 1: %v", len(m), m)
	}
}

// Two monitors of one cluster lose their master at once: one new master,
// one login, and no ssh left over without the socket.
func TestTwoMonitorsMasterLossLeaveOneMaster(t *testing.T) {
	tc, k, cl := keyCluster(t)
	dir := controlDir(t)
	a := connect(t, cl, ConnectOptions{ControlDir: dir, KeepMaster: true})
	b := connect(t, cl, ConnectOptions{ControlDir: dir, KeepMaster: true})
	stopMasterAtEnd(t, a)
	waitLogins(t, tc, k, 1)
	killWait(t, masterCheck(t, a))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, c := range []*Conn{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.Reconnect(ctx) }()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("Reconnect: %v / %v", errs[0], errs[1])
	}
	waitLogins(t, tc, k, 2)
	if m := masterProcesses(a.controlPath); len(m) != 1 {
		t.Fatalf("%d masters on the socket, want 1: %v", len(m), m)
	}
	a.Close()
	b.Close()
	// Both gone: the one master stays for its ControlPersist, alone.
	if m := masterProcesses(a.controlPath); len(m) != 1 || !m[masterCheck(t, a)] {
		t.Fatalf("after both closed: masters %v, socket's %d", m, masterCheck(t, a))
	}
}

// A short command (submit --detach, jobs, cancel) that started the master
// does not end it while a monitor uses it; the last user does.
func TestShortCommandLeavesAMasterInUse(t *testing.T) {
	_, _, cl := keyCluster(t)
	dir := controlDir(t)
	short := connect(t, cl, ConnectOptions{ControlDir: dir})
	if !short.startedMaster {
		t.Fatal("the first Conn did not start the master")
	}
	mon := connect(t, cl, ConnectOptions{ControlDir: dir, KeepMaster: true})
	stopMasterAtEnd(t, mon)
	pid := masterCheck(t, mon)
	if err := short.Close(); err != nil {
		t.Fatal(err)
	}
	if got := masterCheck(t, mon); got != pid {
		t.Fatalf("the short command's Close ended the monitor's master (pid %d, now %d)", pid, got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, _, err := mon.Run(ctx, "echo", "still here"); err != nil || string(out) != "still here\n" {
		t.Fatalf("monitor's command: %q %v", out, err)
	}
	mon.Close()

	// Alone, a short command's master ends with it.
	dir2 := controlDir(t)
	alone := connect(t, cl, ConnectOptions{ControlDir: dir2})
	pid = masterCheck(t, alone)
	if err := alone.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if syscall.Kill(pid, 0) == nil {
		t.Fatalf("the last user's Close left master %d running", pid)
	}
}

// A socket held by something that is not a master: the master srtctl-tui
// starts cannot bind it and would run on without it for ever; it is
// stopped, and Connect says why.
func TestMasterThatCannotOwnTheSocketIsStopped(t *testing.T) {
	_, _, cl := keyCluster(t)
	dir := controlDir(t)
	probe := &Conn{cluster: cl, opts: ConnectOptions{SSH: "ssh"}}
	probe.resolveSSHConfig(context.Background(), filepath.Join(dir, "%C"))
	hangUpSocket(t, probe.controlPath)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := Connect(ctx, cl, ConnectOptions{ControlDir: dir})
	if err == nil || !strings.Contains(err.Error(), "another program holds it") {
		t.Fatalf("Connect with the socket taken: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(masterProcesses(probe.controlPath)) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if m := masterProcesses(probe.controlPath); len(m) != 0 {
		for pid := range m {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Fatalf("ssh left running without the socket: %v", m)
	}
}

// hangUpSocket listens on the unix socket p until the test ends and hangs
// up on every connection, as a master being killed does (or a socket that
// is no master): ssh connects, and its hello exchange fails.
func hangUpSocket(t *testing.T, p string) *net.UnixListener {
	t.Helper()
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return l
}

// A master killed a moment ago can still accept on its socket while it
// dies (a loaded machine), and leaves the socket file behind. Connect
// waits for it to stop answering instead of taking the socket for another
// program's ("another program holds it"), then starts one master: one
// login.
func TestConnectAsTheMasterDies(t *testing.T) {
	tc, k, cl := keyCluster(t)
	dir := controlDir(t)
	probe := &Conn{cluster: cl, opts: ConnectOptions{SSH: "ssh"}}
	probe.resolveSSHConfig(context.Background(), filepath.Join(dir, "%C"))
	dying := hangUpSocket(t, probe.controlPath)
	dying.SetUnlinkOnClose(false)
	time.AfterFunc(time.Second, func() { dying.Close() })
	conn := connect(t, cl, ConnectOptions{ControlDir: dir, KeepMaster: true})
	stopMasterAtEnd(t, conn)
	waitLogins(t, tc, k, 1)
	if m := masterProcesses(conn.controlPath); len(m) != 1 || !m[masterCheck(t, conn)] {
		t.Fatalf("masters %v, the socket's %d", m, masterCheck(t, conn))
	}
}

// A socket that accepts and hangs up (the master's, while it is being
// killed) makes ssh -O check and -O exit forget -O and log in by themselves
// (a shell session, exit 0; with 2FA a prompt): the master's checks and
// its close go through the socket or fail, and never log in.
func TestMasterChecksNeverLogIn(t *testing.T) {
	tc, k, cl := keyCluster(t)
	c := &Conn{cluster: cl, opts: ConnectOptions{SSH: "ssh"}}
	c.resolveSSHConfig(context.Background(), filepath.Join(controlDir(t), "%C"))
	hangUpSocket(t, c.controlPath)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if pid := c.masterPID(ctx); pid != 0 {
		t.Fatalf("a socket that hangs up answered as master %d", pid)
	}
	c.startedMaster = true
	if err := c.closeMasterLocked(); err != nil {
		t.Fatalf("closing a master that is gone: %v", err)
	}
	waitLogins(t, tc, k, 0)
}

// ControlPersist (how long an idle master stays for its next user) is 10
// minutes unless the cluster's ssh_options say otherwise.
func TestControlPersistFromSSHOptions(t *testing.T) {
	count := func(args []string) (n int, last string) {
		for _, a := range args {
			if strings.HasPrefix(a, "ControlPersist") {
				n, last = n+1, a
			}
		}
		return n, last
	}
	c := &Conn{cluster: Cluster{Host: "h"}, opts: ConnectOptions{Persist: 10 * time.Minute}, controlPath: "/d/s"}
	if n, v := count(c.masterArgs(true)); n != 1 || v != "ControlPersist=600" {
		t.Fatalf("default: %d %q", n, v)
	}
	c.cluster.SSHOptions = []string{"-o", "ControlPersist=30s"}
	if n, v := count(c.masterArgs(true)); n != 1 || v != "ControlPersist=30s" {
		t.Fatalf("from ssh_options: %d %q", n, v)
	}
}
