package runner

import (
	"bufio"
	"context"
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
	"time"
)

// testCluster is the real SLURM + sshd that testcluster/up.sh brings up.
type testCluster struct {
	SSHConfig, Host, User, Home, Root, SSHDLog, Key, KnownHosts, Port, Traces string
	UID, GID                                                                  int
}

var (
	clusterOnce sync.Once
	clusterVal  *testCluster
	clusterErr  error
)

const clusterEnvFile = "/tmp/srtctl-test-cluster/env"

// needCluster returns the test cluster: from the SRTCTL_TEST_* variables
// (scripts/test.sh), else from the env file up.sh writes, else it brings the
// cluster up itself with testcluster/up.sh. It never skips.
func needCluster(t testing.TB) *testCluster {
	t.Helper()
	clusterOnce.Do(func() { clusterVal, clusterErr = findCluster() })
	if clusterErr != nil {
		t.Fatalf("test cluster: %v", clusterErr)
	}
	return clusterVal
}

func findCluster() (*testCluster, error) {
	env := map[string]string{}
	for _, k := range []string{"SRTCTL_TEST_SSH_CONFIG", "SRTCTL_TEST_HOST", "SRTCTL_TEST_USER", "SRTCTL_TEST_HOME",
		"SRTCTL_TEST_ROOT", "SRTCTL_TEST_SSHD_LOG", "SRTCTL_TEST_SSH_KEY", "SRTCTL_TEST_KNOWN_HOSTS", "SRTCTL_TEST_PORT", "SRTCTL_TEST_TRACES"} {
		if v := os.Getenv(k); v != "" {
			env[k] = v
		}
	}
	if env["SRTCTL_TEST_SSH_CONFIG"] == "" {
		if _, err := os.Stat(clusterEnvFile); err != nil {
			if err := bringUp(); err != nil {
				return nil, err
			}
		}
		f, err := readEnvFile(clusterEnvFile)
		if err != nil {
			return nil, err
		}
		env = f
	}
	tc := &testCluster{SSHConfig: env["SRTCTL_TEST_SSH_CONFIG"], Host: env["SRTCTL_TEST_HOST"], User: env["SRTCTL_TEST_USER"],
		Home: env["SRTCTL_TEST_HOME"], Root: env["SRTCTL_TEST_ROOT"], SSHDLog: env["SRTCTL_TEST_SSHD_LOG"],
		Key: env["SRTCTL_TEST_SSH_KEY"], KnownHosts: env["SRTCTL_TEST_KNOWN_HOSTS"], Port: env["SRTCTL_TEST_PORT"], Traces: env["SRTCTL_TEST_TRACES"]}
	u, err := user.Lookup(tc.User)
	if err != nil {
		return nil, fmt.Errorf("test user %q: %v (is the cluster up? bash testcluster/up.sh)", tc.User, err)
	}
	tc.UID, _ = strconv.Atoi(u.Uid)
	tc.GID, _ = strconv.Atoi(u.Gid)
	return tc, nil
}

// bringUp runs what scripts/test.sh runs before the tests.
func bringUp() error {
	root := repoRoot()
	if os.Getuid() != 0 {
		return fmt.Errorf("the test cluster is not up and starting it needs root: run sudo bash %s/testcluster/up.sh", root)
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
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		env[k] = strings.Trim(v, "'")
	}
	return env, sc.Err()
}

func repoRoot() string {
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return wd
		}
	}
}

// cluster is a Cluster on the test cluster with its own srtctl_root (so a
// test's simulated jobs run at its own pace and its logs are its own).
func (tc *testCluster) cluster(t testing.TB, pace float64) Cluster {
	t.Helper()
	root := tc.newRoot(t, pace)
	return Cluster{Name: "test", Host: tc.Host, SrtctlRoot: root, SSHOptions: []string{"-F", tc.SSHConfig}}
}

// newRoot makes <home>/t/<name>-<random> owned by the test user, with an
// srtslurm.yaml for the simulated srtctl; removed at the end of the test
// after the test user's jobs in it are cancelled.
func (tc *testCluster) newRoot(t testing.TB, pace float64) string {
	t.Helper()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	root := filepath.Join(tc.Home, "t", name+"-"+hex.EncodeToString(rnd[:]))
	for _, d := range []string{filepath.Join(tc.Home, "t"), root, filepath.Join(root, "logs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, tc.UID, tc.GID); err != nil {
			t.Fatal(err)
		}
	}
	conf := fmt.Sprintf("srtctl_root: %q\nsimulation:\n  traces: %q\n  pace: %g\n", root, tc.Traces, pace)
	p := filepath.Join(root, "srtslurm.yaml")
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(p, tc.UID, tc.GID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	return root
}

// controlDir is a short private directory for master sockets (t.TempDir
// paths are too long for a socket).
func controlDir(t testing.TB) string {
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

func connect(t testing.TB, c Cluster, opts ConnectOptions) *Conn {
	t.Helper()
	if opts.ControlDir == "" {
		opts.ControlDir = controlDir(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := Connect(ctx, c, opts)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// squeueIDs lists the test user's jobs as SLURM sees them (root asks directly).
func (tc *testCluster) squeueIDs(t testing.TB) []string {
	t.Helper()
	out, err := exec.Command("squeue", "-h", "-u", tc.User, "-o", "%i").Output()
	if err != nil {
		t.Fatalf("squeue: %v", err)
	}
	return strings.Fields(string(out))
}

func (tc *testCluster) scancelLater(t testing.TB, id string) {
	t.Cleanup(func() { _ = exec.Command("scancel", id).Run() })
}
