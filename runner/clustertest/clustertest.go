// Package clustertest finds, for tests, the real SLURM + sshd test cluster
// that testcluster/up.sh brings up on 127.0.0.1, and makes per-test
// srtctl roots on it. When the SRTCTL_TEST_* variables are not set (tests run
// by hand), it reads the env file up.sh writes, and when that is missing it
// brings the cluster up itself (as root). It never skips.
package clustertest

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// EnvFile is where testcluster/up.sh writes the cluster's variables.
const EnvFile = "/tmp/srtctl-test-cluster/env"

// Cluster is the running test cluster.
type Cluster struct {
	// SSHConfig is an ssh config file defining Host (use ssh -F SSHConfig).
	SSHConfig string
	// Host is the ssh alias of the cluster in SSHConfig.
	Host string
	// User is the test user the alias logs in as; Home is its home.
	User, Home string
	UID, GID   int
	// Root is the cluster's shared srtctl_root (with srtslurm.yaml).
	Root string
	// SSHDLog is the test sshd's log (LogLevel VERBOSE).
	SSHDLog string
	// Key and KnownHosts are the client key and known_hosts file SSHConfig uses.
	Key, KnownHosts string
	// Port is the test sshd's port on 127.0.0.1.
	Port string
	// Traces is the trace directory the simulated jobs copy from.
	Traces string
	// PasswordFile holds the test user's password (root only), for tests
	// that type it into ssh's prompt.
	PasswordFile string
}

var (
	once    sync.Once
	found   *Cluster
	findErr error
)

// Need returns the test cluster, bringing it up when needed.
func Need(t testing.TB) *Cluster {
	t.Helper()
	root := jobspectest.RepoRoot(t)
	once.Do(func() { found, findErr = find(root) })
	if findErr != nil {
		t.Fatalf("test cluster: %v", findErr)
	}
	return found
}

func find(root string) (*Cluster, error) {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "SRTCTL_TEST_") {
			env[k] = v
		}
	}
	if env["SRTCTL_TEST_SSH_CONFIG"] == "" {
		if _, err := os.Stat(EnvFile); err != nil {
			if err := bringUp(root); err != nil {
				return nil, err
			}
		}
		f, err := readEnvFile(EnvFile)
		if err != nil {
			return nil, err
		}
		env = f
	}
	c := &Cluster{SSHConfig: env["SRTCTL_TEST_SSH_CONFIG"], Host: env["SRTCTL_TEST_HOST"], User: env["SRTCTL_TEST_USER"],
		Home: env["SRTCTL_TEST_HOME"], Root: env["SRTCTL_TEST_ROOT"], SSHDLog: env["SRTCTL_TEST_SSHD_LOG"],
		Key: env["SRTCTL_TEST_SSH_KEY"], KnownHosts: env["SRTCTL_TEST_KNOWN_HOSTS"], Port: env["SRTCTL_TEST_PORT"],
		Traces: env["SRTCTL_TEST_TRACES"], PasswordFile: env["SRTCTL_TEST_PASSWORD_FILE"]}
	u, err := user.Lookup(c.User)
	if err != nil {
		return nil, fmt.Errorf("test user %q: %v (is the cluster up? bash testcluster/up.sh)", c.User, err)
	}
	c.UID, _ = strconv.Atoi(u.Uid)
	c.GID, _ = strconv.Atoi(u.Gid)
	return c, nil
}

// bringUp runs what scripts/test.sh runs before the tests, in the
// repository at root.
func bringUp(root string) error {
	if os.Getuid() != 0 {
		return fmt.Errorf("the test cluster is not up and starting it needs root: sudo bash %s/testcluster/up.sh", root)
	}
	steps := [][]string{
		{"bash", filepath.Join(root, "testcluster", "install.sh")},
		{"go", "build", "-o", filepath.Join(root, "bin", "srtctl-tui"), "."},
		{"bash", filepath.Join(root, "testcluster", "up.sh")},
	}
	for _, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	return nil
}

func readEnvFile(p string) (map[string]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = strings.Trim(v, "'")
		}
	}
	return env, sc.Err()
}

// NewRoot makes a fresh srtctl_root <home>/t/<test>-<random> owned by the
// test user, with an srtslurm.yaml whose simulation runs at pace (how many
// times faster than a real job); removed when the test ends.
func (c *Cluster) NewRoot(t testing.TB, pace float64) string {
	t.Helper()
	return c.NewRootRelease(t, pace, "p1")
}

// NewRootRelease is NewRoot with the stand-in srtctl playing release
// ("p1", "v1" for 1.0.x, "v2" for 2.x; srtslurm.yaml's simulation.srtctl).
func (c *Cluster) NewRootRelease(t testing.TB, pace float64, release string) string {
	t.Helper()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	root := filepath.Join(c.Home, "t", name+"-"+hex.EncodeToString(rnd[:]))
	for _, d := range []string{filepath.Join(c.Home, "t"), root, filepath.Join(root, "logs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, c.UID, c.GID); err != nil {
			t.Fatal(err)
		}
	}
	conf := fmt.Sprintf("srtctl_root: %q\nsimulation:\n  traces: %q\n  pace: %g\n  srtctl: %s\n", root, c.Traces, pace, release)
	p := filepath.Join(root, "srtslurm.yaml")
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, c.UID, c.GID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	return root
}

// ControlDir is a short private directory for ssh master sockets
// (t.TempDir paths are too long for a socket path).
func ControlDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "rc")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// SqueueIDs lists the test user's queued and running jobs (asked as root).
func (c *Cluster) SqueueIDs(t testing.TB) []string {
	t.Helper()
	out, err := exec.Command("squeue", "-h", "-u", c.User, "-o", "%i").Output()
	if err != nil {
		t.Fatalf("squeue: %v", err)
	}
	return strings.Fields(string(out))
}

// SqueueIDsIn lists the test user's queued and running jobs submitted from
// srtctl_root root (their working directory): a test's own, unlike
// SqueueIDs, which sees the jobs of tests running beside it.
func (c *Cluster) SqueueIDsIn(t testing.TB, root string) []string {
	t.Helper()
	out, err := exec.Command("squeue", "-h", "-u", c.User, "-o", "%i|%Z").Output()
	if err != nil {
		t.Fatalf("squeue: %v", err)
	}
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if id, dir, ok := strings.Cut(l, "|"); ok && (dir == root || strings.HasPrefix(dir, root+"/")) {
			ids = append(ids, id)
		}
	}
	return ids
}

// ScancelLater cancels job id when the test ends, whatever happened.
func (c *Cluster) ScancelLater(t testing.TB, id string) {
	t.Cleanup(func() { _ = exec.Command("scancel", id).Run() })
}

// KeyLogin makes a key of the test's own, authorizes it for the test user
// with the authorized_keys options given (e.g. environment="PATH=...", which
// the test sshd honours with PermitUserEnvironment, or command="..."), and
// returns an ssh config file whose Host logs in with it. The key's line is
// removed when the test ends; the cluster's own key and config are left
// alone, so tests beside this one are not affected. Connect through a
// control directory of the test's own (ControlDir): a master connection
// is found by host, port and user, and another test's master would log in
// with the cluster's key instead.
func (c *Cluster) KeyLogin(t testing.TB, keyOptions string) (sshConfig string) {
	t.Helper()
	dir := t.TempDir()
	key := filepath.Join(dir, "id")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "keylogin-"+t.Name(), "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(pub))
	if keyOptions != "" {
		line = keyOptions + " " + line
	}
	c.AuthorizeKey(t, line)
	sshConfig = filepath.Join(dir, "ssh_config")
	c.writeKeyConfig(t, sshConfig, key, "\tBatchMode yes\n")
	return sshConfig
}

// AuthorizeKey adds line (options, then a public key) to the test user's
// authorized_keys until the test ends. Tests beside this one add and remove
// their own lines: every change is made under one lock, so that no test's
// removal rewrites the file without a line another has just added.
func (c *Cluster) AuthorizeKey(t testing.TB, line string) {
	t.Helper()
	ak := filepath.Join(c.Home, ".ssh", "authorized_keys")
	err := withKeysLock(func() error {
		f, err := os.OpenFile(ak, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = f.WriteString(line + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = withKeysLock(func() error { return removeLine(ak, line) }) })
}

func withKeysLock(f func() error) error {
	lock, err := os.OpenFile(filepath.Join(filepath.Dir(EnvFile), "authorized_keys.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	return f()
}

// removeLine rewrites file without line, through a temporary file renamed
// over it (sshd never reads half a file).
func removeLine(file, line string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != line {
			keep = append(keep, l)
		}
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(keep, "\n")), 0o600); err != nil {
		return err
	}
	info, err := os.Stat(file)
	if err == nil {
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			_ = os.Chown(tmp, int(st.Uid), int(st.Gid))
		}
	}
	return os.Rename(tmp, file)
}

// PathLogin is KeyLogin with dir first on the test user's PATH (before
// the stand-in srtctl and the system's SLURM tools), for every command and
// the sftp subsystem. sshd reads ~/.ssh/environment (which sets PATH for
// every test) after a key's environment= options, and bash run by sshd
// skips BASH_ENV, so the key has a forced command that sets PATH and runs
// what the client asked for, as a site's login wrapper would.
func (c *Cluster) PathLogin(t testing.TB, dir string) (sshConfig string) {
	t.Helper()
	return c.KeyLogin(t, fmt.Sprintf(`command="PATH=%s:$PATH; eval \"$SSH_ORIGINAL_COMMAND\""`, dir))
}

// Tools writes executable scripts (name -> shell script body) into a new
// directory the test user can run them from, for putting first on its PATH
// with KeyLogin(`environment="PATH=<dir>:..."`).
func (c *Cluster) Tools(t testing.TB, root string, scripts map[string]string) (dir string) {
	t.Helper()
	dir = filepath.Join(root, "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/bash\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Key is a client key of a test's own, authorised for the test user (until
// the test ends): the sshd log names it by fingerprint, so a test can count
// its own logins while other tests use the cluster.
type Key struct {
	// Path is the private key; SSHConfig an ssh config whose Host logs in
	// with it alone (no agent, no other identity, no BatchMode: ssh may ask
	// for the passphrase).
	Path, SSHConfig string
	Fingerprint     string
	// Passphrase protects the key ("" for none): ssh can only use it with
	// the user there, never in BatchMode.
	Passphrase string
}

// NewKey makes a key (with passphrase when not empty), authorizes it and
// writes an ssh config using it. Connect through a control directory of
// the test's own, as with KeyLogin.
func (c *Cluster) NewKey(t testing.TB, passphrase string) *Key {
	t.Helper()
	// Not t.TempDir: ssh-keygen's comment and the paths stay short.
	dir, err := os.MkdirTemp("", "key")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	k := &Key{Path: filepath.Join(dir, "id"), SSHConfig: filepath.Join(dir, "config"), Passphrase: passphrase}
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", "newkey-"+filepath.Base(dir), "-f", k.Path).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(k.Path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ssh-keygen", "-l", "-f", k.Path+".pub").Output()
	if err != nil || len(strings.Fields(string(out))) < 2 {
		t.Fatalf("ssh-keygen -l: %v %q", err, out)
	}
	k.Fingerprint = strings.Fields(string(out))[1]
	c.AuthorizeKey(t, strings.TrimSpace(string(pub)))
	c.writeKeyConfig(t, k.SSHConfig, k.Path, "\tIdentityAgent none\n\tPreferredAuthentications publickey\n")
	return k
}

// writeKeyConfig writes an ssh config whose Host logs in with key only,
// with more settings (tab-indented lines) after the common ones.
func (c *Cluster) writeKeyConfig(t testing.TB, path, key, more string) {
	t.Helper()
	conf := fmt.Sprintf("Host %s\n\tHostName 127.0.0.1\n\tPort %s\n\tUser %s\n\tIdentityFile %s\n\tIdentitiesOnly yes\n"+
		"\tUserKnownHostsFile %s\n\tGlobalKnownHostsFile /dev/null\n\tStrictHostKeyChecking yes\n%s",
		c.Host, c.Port, c.User, key, c.KnownHosts, more)
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Logins counts the sshd log's successful logins with the key.
func (c *Cluster) Logins(t testing.TB, k *Key) int {
	t.Helper()
	b, err := os.ReadFile(c.SSHDLog)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, "Accepted publickey for "+c.User+" ") && strings.HasSuffix(strings.TrimSpace(l), k.Fingerprint) {
			n++
		}
	}
	return n
}
