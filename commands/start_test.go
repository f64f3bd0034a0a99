package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// The form's clusters: without a configuration file and --cluster, only
// the built-in local cluster, and no file is written; --cluster must name
// a configured cluster; a broken file only turns submitting off (with its
// place in the file), unless --cluster asked for one.
func TestUIContextClusters(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	cfgPath := runner.DefaultConfigPath()

	uctx, done, err := newUIContextWithClusters(context.Background(), clusterFlags{})
	if err != nil {
		t.Fatal(err)
	}
	done()
	if uctx.Clusters == nil || uctx.Clusters.Default != runner.LocalClusterName {
		t.Fatalf("clusters %+v, want the built-in local as default", uctx.Clusters)
	}
	if _, err := os.Stat(cfgPath); err == nil {
		t.Fatal("srtctl-tui new wrote a configuration file")
	}

	if _, _, err := newUIContextWithClusters(context.Background(), clusterFlags{cluster: "nosuch"}); err == nil ||
		exitCode(err) != 2 || !strings.Contains(err.Error(), `unknown cluster "nosuch"`) {
		t.Fatalf("--cluster nosuch: %v (exit %d)", err, exitCode(err))
	}

	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cfgPath, []byte("default: x\nclusters:\n  - name: x\n    hots: a\n"), 0o600)
	uctx, done, err = newUIContextWithClusters(context.Background(), clusterFlags{})
	if err != nil {
		t.Fatalf("a broken configuration stopped the form: %v", err)
	}
	done()
	if s, why := uctx.Clusters.SubmitTarget(); s != nil || !strings.Contains(why, cfgPath+":4:5") {
		t.Fatalf("broken configuration: target %v, why %q", s, why)
	}
	if _, _, err := newUIContextWithClusters(context.Background(), clusterFlags{cluster: "x"}); exitCode(err) != 2 {
		t.Fatalf("--cluster with a broken configuration: %v", err)
	}

	os.WriteFile(cfgPath, []byte("default: local\nclusters:\n  - name: far\n    host: far.example.org\n    srtctl_root: /srt\n"), 0o600)
	uctx, done, err = newUIContextWithClusters(context.Background(), clusterFlags{cluster: "far"})
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	if s, _ := uctx.Clusters.SubmitTarget(); s == nil || s.Cluster().Host != "far.example.org" {
		t.Fatalf("--cluster far: target %v", s)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exitError); ok {
		return ee.code
	}
	return -1
}

// The accessible start menu has the full-screen one's choices: another
// file is asked by path, a job to monitor by id.
func TestAccessibleStartMenu(t *testing.T) {
	freshConfig(t)
	t.Chdir(t.TempDir())
	missing := filepath.Join(t.TempDir(), "elsewhere.yaml")
	out, errOut, code := runCLIIn(t, context.Background(), "2\n"+missing+"\n", "--accessible")
	for _, want := range []string{"1. New job", "2. Edit another file", "3. Monitor a job", "File: "} {
		if !strings.Contains(out, want) {
			t.Errorf("menu lacks %q:\n%s", want, out)
		}
	}
	if code != 2 || !strings.Contains(errOut, "elsewhere.yaml") {
		t.Errorf("another file: code %d, %q", code, errOut)
	}
	out, errOut, code = runCLIIn(t, context.Background(), "3\nnot-an-id\n", "--accessible")
	if !strings.Contains(out, "Job id: ") || code != 2 || !strings.Contains(errOut, `"not-an-id" is not a SLURM job id`) {
		t.Errorf("monitor a job: code %d, %q\n%s", code, errOut, out)
	}
}

// The accessible start menu opens a file that could be P1 or 1.0.x as
// `edit` does: for the cluster's srtctl (srtctl_version in the
// configuration: no connection), else as 1.0.x, saying which it assumed
// and why before the first step.
func TestAccessibleStartOpensAmbiguousFileForClusterSrtctl(t *testing.T) {
	for _, c := range []struct{ name, config, want string }{
		{"1.0.68 cluster", "default: far\nclusters:\n  - name: far\n    host: far.example.org\n    srtctl_root: /srt\n    srtctl_version: 1.0.68\n",
			"it could be P1 or v1: assumed v1, the cluster's srtctl); it opens as 1.0.x."},
		// No configuration: the built-in local cluster, with no srtctl on PATH.
		{"no srtctl known", "", "it could be P1 or v1: assumed v1 (no cluster srtctl known)); it opens as 1.0.x. To open it as P1: edit --srtctl p1, or srtctl_version: p1 in the cluster's configuration."},
	} {
		t.Run(c.name, func(t *testing.T) {
			freshConfig(t)
			t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no srtctl learned before
			t.Setenv("PATH", t.TempDir()+":/usr/bin:/bin")
			if c.config != "" {
				writeConfig(t, c.config)
			}
			dir := t.TempDir()
			t.Chdir(dir)
			if err := os.WriteFile(filepath.Join(dir, "job.yaml"), []byte(jobspectest.ValidV1Disagg2x2), 0o644); err != nil {
				t.Fatal(err)
			}
			out, _, _ := runCLIIn(t, context.Background(), "2\n", "--accessible")
			if !strings.Contains(out, "2. Edit job.yaml (p1 or v1)") {
				t.Fatalf("menu lacks the file:\n%s", out)
			}
			if !strings.Contains(out, "job.yaml could be a P1 or a 1.0.x file (a steps-only profiling section; "+c.want) {
				t.Errorf("the form does not say it assumed 1.0.x and why (%s):\n%s", c.want, out)
			}
		})
	}
}
