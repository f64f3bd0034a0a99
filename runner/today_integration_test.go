package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func (tc *testCluster) clusterRelease(t testing.TB, pace float64, release string) Cluster {
	t.Helper()
	return Cluster{Name: "test", Host: tc.Host, SrtctlRoot: tc.NewRootRelease(t, pace, release), SSHOptions: []string{"-F", tc.SSHConfig}}
}

// TestSubmitTodayReadsApplyJSON submits a 1.0.x file to the stand-in
// playing srtctl 1.0.x: the runner asks for --json, takes the run
// directory <srtctl_root>/outputs/<id> from it, and the job writes today's
// layout there and ends by itself. A run not in the history is found the
// way srtctl's output base is.
func TestSubmitTodayReadsApplyJSON(t *testing.T) {
	tc := needCluster(t)
	cl := tc.clusterRelease(t, 40, "v1")
	conn := connect(t, cl, ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	sub, err := conn.Submit(ctx, writeJob(t, "v1.yaml", readTestdata(t, "today-v1-2p2d-torch.yaml")))
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	tc.scancelLater(t, sub.JobID)
	want := filepath.Join(cl.SrtctlRoot, "outputs", sub.JobID)
	if sub.LogDir != want {
		t.Fatalf("run dir %q, want %q\n%s", sub.LogDir, want, sub.Output)
	}
	if !strings.Contains(sub.Output, `"slurm_job_id": "`+sub.JobID+`"`) {
		t.Errorf("apply was not asked for --json:\n%s", sub.Output)
	}
	sweep := filepath.Join(want, "logs", "sweep_"+sub.JobID+".log")
	waitFor(t, 90*time.Second, 300*time.Millisecond, "the run to end by itself", func() (bool, string) {
		b, _ := os.ReadFile(sweep)
		st, _ := conn.State(ctx, sub.JobID)
		return strings.Contains(string(b), "✓ Sweep completed successfully") && st.Ended, st.Describe()
	})
	st, err := conn.State(ctx, sub.JobID)
	if err != nil || st.State != "COMPLETED" {
		t.Errorf("state %+v %v, want COMPLETED", st, err)
	}
	dir, err := conn.FindLogDir(sub.JobID)
	if err != nil || dir != want {
		t.Errorf("FindLogDir: %q %v, want %q", dir, err, want)
	}
	runs, err := conn.ListRuns(ctx, 0)
	if err != nil || len(runs) == 0 || runs[0].ID != sub.JobID || !runs[0].Today {
		t.Errorf("ListRuns: %+v %v", runs, err)
	}
}

// TestSubmitTodayOutputDirFromSrtslurm: srtslurm.yaml's output_dir, with
// an environment variable the cluster expands, is where the run goes and
// where FindLogDir looks.
func TestSubmitTodayOutputDirFromSrtslurm(t *testing.T) {
	tc := needCluster(t)
	cl := tc.clusterRelease(t, 40, "v2")
	conf := filepath.Join(cl.SrtctlRoot, "srtslurm.yaml")
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, append(b, []byte("output_dir: ${HOME}/"+filepath.Base(cl.SrtctlRoot)+"-runs\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(tc.Home, filepath.Base(cl.SrtctlRoot)+"-runs")
	t.Cleanup(func() { os.RemoveAll(base) })
	conn := connect(t, cl, ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sub, err := conn.Submit(ctx, writeJob(t, "v2.yaml", readTestdata(t, "today-v2-agg-nsys.yaml")))
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	tc.scancelLater(t, sub.JobID)
	if want := filepath.Join(base, sub.JobID); sub.LogDir != want {
		t.Fatalf("run dir %q, want %q", sub.LogDir, want)
	}
	if got := conn.OutputBase(ctx); got != base {
		t.Errorf("OutputBase %q, want %q", got, base)
	}
	if dir, err := conn.FindLogDir(sub.JobID); err != nil || dir != sub.LogDir {
		t.Errorf("FindLogDir: %q %v", dir, err)
	}
}

// srtctl's refusal in apply --json's error record names the user's file,
// not the uploaded copy (which is removed): a 2.x file given to the
// stand-in playing 1.0.x, which does not load it.
func TestSubmitTodayRefusalNamesTheUsersFile(t *testing.T) {
	tc := needCluster(t)
	conn := connect(t, tc.clusterRelease(t, 40, "v1"), ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	local := writeJob(t, "mine.yaml", readTestdata(t, "today-v2-agg-nsys.yaml"))
	_, err := conn.Submit(ctx, local)
	var se *SubmitError
	if !errors.As(err, &se) {
		t.Fatalf("Submit: %v, want srtctl's refusal", err)
	}
	if !strings.Contains(se.Message, local) || strings.Contains(se.Message, conn.Cluster().JobsDir()) {
		t.Errorf("refusal does not name %s (or names the upload):\n%s", local, se.Message)
	}
}

// readTestdata reads testdata/name.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
