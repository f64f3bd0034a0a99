package runner

import (
	"context"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

type testCluster struct{ *clustertest.Cluster }

func needCluster(t testing.TB) *testCluster { return &testCluster{clustertest.Need(t)} }

// cluster is a Cluster on the test cluster with its own srtctl_root, so a
// test's simulated jobs run at its own pace and its logs are its own.
func (tc *testCluster) cluster(t testing.TB, pace float64) Cluster {
	t.Helper()
	return Cluster{Name: "test", Host: tc.Host, SrtctlRoot: tc.NewRoot(t, pace), SSHOptions: []string{"-F", tc.SSHConfig}}
}

func (tc *testCluster) squeueIDs(t testing.TB) []string { return tc.SqueueIDs(t) }

func (tc *testCluster) scancelLater(t testing.TB, id string) { tc.ScancelLater(t, id) }

func controlDir(t testing.TB) string { return clustertest.ControlDir(t) }

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
