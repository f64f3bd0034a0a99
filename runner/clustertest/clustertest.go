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
	conf := fmt.Sprintf("srtctl_root: %q\nsimulation:\n  traces: %q\n  pace: %g\n", root, c.Traces, pace)
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
