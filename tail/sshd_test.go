package tail

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkg/sftp"
)

// These tests follow files over the real sshd of the test cluster
// (testcluster/up.sh), through pkg/sftp on an `ssh -s <host> sftp`
// subsystem, as runner does on a cluster.

// testCluster reads the SRTCTL_TEST_* variables, from the environment or
// from the env file that testcluster/start.sh writes.
func testCluster(t *testing.T) (sshConfig, host, home string) {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the test cluster's sshd; not in -short mode")
	}
	get := func(k string) string { return os.Getenv(k) }
	if get("SRTCTL_TEST_SSH_CONFIG") == "" {
		dir := os.Getenv("SRTCTL_TEST_CLUSTER_DIR")
		if dir == "" {
			dir = "/tmp/srtctl-test-cluster"
		}
		vars, err := readEnvFile(path.Join(dir, "env"))
		if err != nil {
			t.Fatalf("test cluster not found (%v): run `source testcluster/up.sh` first", err)
		}
		get = func(k string) string { return vars[k] }
	}
	sshConfig, host, home = get("SRTCTL_TEST_SSH_CONFIG"), get("SRTCTL_TEST_HOST"), get("SRTCTL_TEST_HOME")
	if sshConfig == "" || host == "" || home == "" {
		t.Fatalf("test cluster variables incomplete: config %q host %q home %q", sshConfig, host, home)
	}
	return sshConfig, host, home
}

// readEnvFile parses the `export K='v'` lines of the cluster's env file.
func readEnvFile(p string) (map[string]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vars[k] = strings.Trim(v, `'"`)
	}
	return vars, sc.Err()
}

// sftpConn is one `ssh -s host sftp` process and its client.
type sftpConn struct {
	cmd    *exec.Cmd
	client *sftp.Client
}

func dialSFTP(ctx context.Context, sshConfig, host string) (*sftpConn, error) {
	cmd := exec.CommandContext(ctx, "ssh", "-F", sshConfig, "-o", "ConnectTimeout=10", "-s", host, "sftp")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	client, err := sftp.NewClientPipe(stdout, stdin)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("sftp over ssh: %v (ssh said: %s)", err, strings.TrimSpace(stderr.String()))
	}
	return &sftpConn{cmd: cmd, client: client}, nil
}

func (c *sftpConn) Close() {
	_ = c.client.Close()
	_ = c.cmd.Process.Kill()
	_ = c.cmd.Wait()
}

// sftpFS adapts *sftp.Client to FS (runner's real adapter does the same).
type sftpFS struct{ c *sftp.Client }

func (s sftpFS) Stat(name string) (fs.FileInfo, error)      { return s.c.Stat(name) }
func (s sftpFS) ReadDir(name string) ([]fs.FileInfo, error) { return s.c.ReadDir(name) }
func (s sftpFS) Open(name string) (io.ReadSeekCloser, error) {
	f, err := s.c.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// remoteDir makes a fresh directory in the test user's home, removed at the
// end, and returns a writer connection (a separate one, which the tests
// never kill) with it.
func remoteDir(t *testing.T) (writer *sftp.Client, dir, sshConfig, host string) {
	t.Helper()
	sshConfig, host, home := testCluster(t)
	conn, err := dialSFTP(context.Background(), sshConfig, host)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	dir = path.Join(home, "tail-test-"+hex.EncodeToString(b[:]))
	if err := conn.client.Mkdir(dir); err != nil {
		conn.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := conn.client.RemoveAll(dir); err != nil {
			t.Errorf("removing %s: %v", dir, err)
		}
		conn.Close()
	})
	return conn.client, dir, sshConfig, host
}

func TestSSHFollowerStates(t *testing.T) {
	writer, dir, sshConfig, host := remoteDir(t)
	conn, err := dialSFTP(context.Background(), sshConfig, host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rfs := sftpFS{conn.client}
	p := path.Join(dir, "profile_prefill.out")
	f := NewFollower(p)
	mustPoll := func() Batch {
		t.Helper()
		b, err := f.Poll(rfs)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	if b := mustPoll(); !b.Missing || !b.StateChanged {
		t.Fatalf("missing over sftp: %+v", b)
	}
	w, err := writer.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(profConfig + "Waiting for server at http://127.0.0.1:30000 to be re")); err != nil {
		t.Fatal(err)
	}
	b := mustPoll()
	if b.Missing || len(b.Lines) != 8 || b.Partial != "Waiting for server at http://127.0.0.1:30000 to be re" {
		t.Fatalf("first read: %d lines, partial %q", len(b.Lines), b.Partial)
	}
	if _, err := w.Write([]byte("ady...\n")); err != nil {
		t.Fatal(err)
	}
	b = mustPoll()
	wantLines(t, b, "Waiting for server at http://127.0.0.1:30000 to be ready...")
	w.Close()

	// Truncated in place.
	if err := writer.Truncate(p, 0); err != nil {
		t.Fatal(err)
	}
	w, err = writer.OpenFile(p, os.O_WRONLY)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("again\n"))
	w.Close()
	b = mustPoll()
	if b.Restart != Truncated {
		t.Fatalf("restart %v, want truncated", b.Restart)
	}
	wantLines(t, b, "again")

	// Replaced by rename with a longer file: no inode over SFTP, the
	// content tells.
	tmp := path.Join(dir, "tmp")
	w, err = writer.Create(tmp)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("a different file, longer than six bytes\n"))
	w.Close()
	if err := writer.PosixRename(tmp, p); err != nil {
		t.Fatal(err)
	}
	b = mustPoll()
	if b.Restart != Replaced {
		t.Fatalf("restart %v, want replaced", b.Restart)
	}
	wantLines(t, b, "a different file, longer than six bytes")
}

func TestSSHWatcherReconnectByteForByte(t *testing.T) {
	writer, dir, sshConfig, host := remoteDir(t)
	p := path.Join(dir, "profile_decode.out")

	var mu sync.Mutex
	var conns []*sftpConn
	dial := func(ctx context.Context) (FS, error) {
		c, err := dialSFTP(ctx, sshConfig, host)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, old := range conns {
			old.Close() // the dialer owns what it made
		}
		conns = append(conns[:0], c)
		return sftpFS{c.client}, nil
	}
	killCurrent := func() {
		mu.Lock()
		defer mu.Unlock()
		if err := conns[len(conns)-1].cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})

	w := NewWatcher(dial, Options{FastInterval: 20 * time.Millisecond, SlowInterval: 100 * time.Millisecond,
		RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond}, NewFileSource(PhaseDecode, p))
	startWatcher(t, w)

	var got strings.Builder
	lost, restored := 0, 0
	sawMissing := false
	drain := func(until func() bool, what string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for !until() {
			select {
			case m := <-w.Events():
				switch m := m.(type) {
				case FileUpdate:
					if m.Err != nil || m.Batch.Restart != NoRestart {
						t.Fatalf("update %+v", m)
					}
					sawMissing = sawMissing || m.Batch.Missing
					for _, l := range m.Batch.Lines {
						got.WriteString(l + "\n")
					}
				case ConnLost:
					lost++
				case ConnRestored:
					restored++
				}
			case <-deadline:
				t.Fatalf("timed out waiting for %s: received %d bytes, %d losses, %d reconnects", what, got.Len(), lost, restored)
			}
		}
	}
	drain(func() bool { return sawMissing }, "the missing file")

	wf, err := writer.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer wf.Close()
	var want strings.Builder
	// Writes cut lines at odd places so partial lines cross polls and
	// reconnects; a line has escapes and invalid UTF-8, which must come
	// through byte for byte (safetext.Line is the screen's business).
	var text strings.Builder
	for i := range 600 {
		fmt.Fprintf(&text, "line %04d %s\x1b]0;t\x07 \xff\n", i, strings.Repeat("·", i%37))
	}
	data := text.String()
	chunk := 997
	var receivedAtKill []int
	killAt := map[int]bool{len(data) / 3: false, 2 * len(data) / 3: false}
	for off := 0; off < len(data); off += chunk {
		end := min(off+chunk, len(data))
		if _, err := wf.Write([]byte(data[off:end])); err != nil {
			t.Fatal(err)
		}
		want.WriteString(data[off:end])
		for at, done := range killAt {
			if !done && end >= at {
				killAt[at] = true
				// Let the follower read part of it, then cut the line.
				time.Sleep(60 * time.Millisecond)
				before := restored
				drain(func() bool { return got.Len() > 0 }, "some bytes before the kill")
				receivedAtKill = append(receivedAtKill, got.Len())
				killCurrent()
				drain(func() bool { return restored > before }, "reconnect")
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	drain(func() bool { return got.Len() >= want.Len() }, "all bytes")
	if got.String() != want.String() {
		t.Fatalf("received %d bytes, file has %d: not byte-for-byte equal", got.Len(), want.Len())
	}
	t.Logf("%d bytes; killed ssh after %v of them; %d losses, %d reconnects", got.Len(), receivedAtKill, lost, restored)
	if len(receivedAtKill) != 2 || receivedAtKill[0] >= want.Len() || receivedAtKill[1] >= want.Len() {
		t.Fatalf("the kills were not in the middle: received %v of %d bytes", receivedAtKill, want.Len())
	}
	if lost < 2 || restored != 2 {
		t.Fatalf("%d losses and %d reconnects, want at least 2 and exactly 2", lost, restored)
	}
	// And the remote file is what we think it is.
	rf, err := writer.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	remote, err := io.ReadAll(rf)
	if err != nil {
		t.Fatal(err)
	}
	if string(remote) != got.String() {
		t.Fatalf("the remote file (%d bytes) differs from what was received (%d)", len(remote), got.Len())
	}
}
