package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// The cluster's srtctl is learned through sshd from the stand-in playing
// each release, once: a later change on the cluster is not seen until the
// cache (in the process and on disk) expires; srtctl_version overrides.
func TestSrtctlVersionLearnedOnce(t *testing.T) {
	tc := needCluster(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, c := range []struct {
		release string
		want    jobspec.Dialect
		how     string
	}{{"p1", jobspec.DialectP1, "srtctl --help"}, {"v1", jobspec.DialectV1, "srtctl --help"}, {"v2", jobspec.DialectV2, "srtctl --version"}} {
		cl := Cluster{Name: "test-" + c.release, Host: tc.Host, SrtctlRoot: tc.NewRootRelease(t, 50, c.release), SSHOptions: []string{"-F", tc.SSHConfig}}
		conn := connect(t, cl, ConnectOptions{})
		v, err := conn.SrtctlVersion(ctx)
		if err != nil {
			t.Fatalf("%s: %v", c.release, err)
		}
		if v.Dialect != c.want || v.How != c.how {
			t.Errorf("%s: learned %+v, want %s by %s", c.release, v, c.want, c.how)
		}
		// The cluster changes its srtctl: the answer stays cached.
		conf := filepath.Join(cl.SrtctlRoot, "srtslurm.yaml")
		b, _ := os.ReadFile(conf)
		if err := os.WriteFile(conf, []byte(strings.Replace(string(b), "srtctl: "+c.release, "srtctl: v2", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		if again, _ := conn.SrtctlVersion(ctx); again.Dialect != c.want {
			t.Errorf("%s: asked again: %+v", c.release, again)
		}
		// A new process reads the disk cache.
		versionMu.Lock()
		versionCache = map[string]SrtctlVersion{}
		versionMu.Unlock()
		if again, _ := conn.SrtctlVersion(ctx); again.Dialect != c.want || !strings.HasPrefix(again.How, "cached ") {
			t.Errorf("%s: from the disk cache: %+v", c.release, again)
		}
		cl.SrtctlVersion = "1.0.68"
		conn2 := connect(t, cl, ConnectOptions{})
		if v, _ := conn2.SrtctlVersion(ctx); v.Dialect != jobspec.DialectV1 || !strings.Contains(v.How, "configuration") {
			t.Errorf("%s: srtctl_version override: %+v", c.release, v)
		}
	}
}

func TestParseSrtctlVersion(t *testing.T) {
	for in, want := range map[string]jobspec.Dialect{"v1": jobspec.DialectV1, "1.0.68": jobspec.DialectV1, "srtctl 2.0.0\n": jobspec.DialectV2, "p1": jobspec.DialectP1, "current": jobspec.DialectV1} {
		if got, ok := ParseSrtctlVersion(in); !ok || got != want {
			t.Errorf("%q: %s %v", in, got, ok)
		}
	}
	for _, bad := range []string{"0.3.0", "unknown", "", "latest"} {
		if got, ok := ParseSrtctlVersion(bad); ok {
			t.Errorf("%q accepted as %s", bad, got)
		}
	}
	if _, err := ParseConfig("c.yaml", []byte("clusters:\n  - name: a\n    host: h\n    srtctl_root: /r\n    srtctl_version: 3.1\n")); err == nil || !strings.Contains(err.Error(), "c.yaml:5:21: srtctl_version") {
		t.Errorf("bad srtctl_version: %v", err)
	}
}

// The cluster's own verdict through sshd: the stand-in playing 1.0.x
// refuses a P1 file with its field errors and accepts a 1.0.x one; 2.x's
// migrate converts a 1.0.x file, which 2.x's dry-run then accepts.
func TestDryRunAndMigrateOnTheCluster(t *testing.T) {
	tc := needCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	v1 := connect(t, Cluster{Name: "t1", Host: tc.Host, SrtctlRoot: tc.NewRootRelease(t, 50, "v1"), SSHOptions: []string{"-F", tc.SSHConfig}}, ConnectOptions{})
	ver, err := v1.DryRun(ctx, "p1.yaml", []byte(jobspectest.ValidP1Disagg))
	if err != nil || ver.OK || ver.ExitCode != 1 || !strings.Contains(ver.Output, "{'profiling': {'prefill': {'isl': ['Unknown field.']") {
		t.Errorf("P1 file on 1.0.x: %+v %v", ver, err)
	}
	ver, err = v1.DryRun(ctx, "v1.yaml", []byte(jobspectest.ValidV1Disagg2x2))
	if err != nil || !ver.OK || !strings.Contains(ver.Output, "DRY-RUN") {
		t.Errorf("1.0.x file on 1.0.x: %+v %v", ver, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(v1.Cluster().JobsDir())); len(entries) != 0 {
		t.Errorf("the checked copies were left behind: %v", entries)
	}
	v2 := connect(t, Cluster{Name: "t2", Host: tc.Host, SrtctlRoot: tc.NewRootRelease(t, 50, "v2"), SSHOptions: []string{"-F", tc.SSHConfig}}, ConnectOptions{})
	mig, err := v2.Migrate(ctx, "v1.yaml", []byte(jobspectest.ValidV1Disagg2x2))
	if err != nil || !mig.OK || !strings.HasPrefix(string(mig.Stdout), "schema: 2\n") {
		t.Fatalf("migrate: %+v %v", mig, err)
	}
	if ver, err := v2.DryRun(ctx, "v2.yaml", mig.Stdout); err != nil || !ver.OK {
		t.Errorf("the migrated file on 2.x: %+v %v", ver, err)
	}
}
