package runner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

func writeJob(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitFor polls cond every interval until it holds or the timeout passes.
func waitFor(t testing.TB, timeout, interval time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s (last: %s)", timeout, what, last)
		}
		time.Sleep(interval)
	}
}

var logDirPattern = regexp.MustCompile(`^[0-9]+_1P_1D_[0-9]{8}_[0-9]{6}$`)

// TestSubmitFollowCancelFetch is a whole session against the real cluster:
// submit srtctl's profiling example through the simulated srtctl, see the
// id, log directory and history entry, see SLURM state PENDING/RUNNING,
// wait for the traces, fetch them byte-identical (then again: skipped; then
// from a partial copy: resumed), cancel and see the job end.
func TestSubmitFollowCancelFetch(t *testing.T) {
	tc := needCluster(t)
	cl := tc.cluster(t, 40)
	hist := OpenHistory(filepath.Join(t.TempDir(), "history.jsonl"))
	conn := connect(t, cl, ConnectOptions{History: hist})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	jobFile := writeJob(t, "profile job.yaml", jobspectest.P1Example(t))
	sub, err := conn.Submit(ctx, jobFile)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	tc.scancelLater(t, sub.JobID)
	if !ValidJobID(sub.JobID) {
		t.Fatalf("job id %q", sub.JobID)
	}
	if filepath.Dir(sub.LogDir) != filepath.Join(cl.SrtctlRoot, "logs") || !logDirPattern.MatchString(filepath.Base(sub.LogDir)) ||
		!strings.HasPrefix(filepath.Base(sub.LogDir), sub.JobID+"_") {
		t.Fatalf("log dir %q: want %s/logs/%s_1P_1D_<timestamp>", sub.LogDir, cl.SrtctlRoot, sub.JobID)
	}
	if info, err := os.Stat(sub.LogDir); err != nil || !info.IsDir() {
		t.Fatalf("log dir %s does not exist on the cluster: %v", sub.LogDir, err)
	}
	if sub.Name != "gb200-fp8-profiling" {
		t.Errorf("name %q", sub.Name)
	}
	if filepath.Dir(sub.RemoteJobFile) != filepath.Join(cl.SrtctlRoot, "jobs") || !strings.HasPrefix(filepath.Base(sub.RemoteJobFile), "profile_job_") {
		t.Errorf("remote job file %q", sub.RemoteJobFile)
	}
	if got, err := os.ReadFile(sub.RemoteJobFile); err != nil || !bytes.Equal(got, jobspectest.P1Example(t)) {
		t.Errorf("uploaded job file differs from the local one (err %v)", err)
	}
	e, ok, err := hist.Find("test", sub.JobID)
	if err != nil || !ok || e.LogDir != sub.LogDir || e.Name != sub.Name || e.JobFile != jobFile || e.RemoteJobFile != sub.RemoteJobFile {
		t.Fatalf("history entry %+v ok=%v err=%v", e, ok, err)
	}

	// The job is this root's (what the "nothing queued" checks look at).
	if ids := tc.SqueueIDsIn(t, cl.SrtctlRoot); len(ids) != 1 || ids[0] != sub.JobID {
		t.Errorf("jobs from %s: %v, want [%s]", cl.SrtctlRoot, ids, sub.JobID)
	}
	st, err := conn.State(ctx, sub.JobID)
	if err != nil {
		t.Fatalf("State: %v", err)
	}
	if st.State != "PENDING" && st.State != "RUNNING" {
		t.Fatalf("state right after submit: %+v", st)
	}
	if st.Source != "squeue" || st.Ended {
		t.Fatalf("state %+v", st)
	}
	// Within MinStateInterval the answer comes from the cache.
	if again, _ := conn.State(ctx, sub.JobID); !again.CheckedAt.Equal(st.CheckedAt) {
		t.Errorf("second State within %v queried SLURM again", MinStateInterval)
	}

	// Wait until both phases placed their traces and the sizes settled.
	fsys := conn.FS()
	profiles := sub.LogDir + "/profiles"
	var sizes string
	waitFor(t, 100*time.Second, time.Second, "traces in "+profiles, func() (bool, string) {
		s := 0
		var b strings.Builder
		for _, ph := range []string{"prefill", "decode"} {
			infos, err := fsys.ReadDir(profiles + "/" + ph)
			if err != nil {
				return false, err.Error()
			}
			for _, i := range infos {
				if strings.HasSuffix(i.Name(), ".json.gz") {
					s++
					b.WriteString(i.Name())
					b.WriteString(":")
					b.WriteString(strconv.FormatInt(i.Size(), 10))
					b.WriteString(" ")
				}
			}
		}
		now := b.String()
		settled := s >= 2 && now == sizes
		sizes = now
		return settled, now
	})
	if st, err := conn.State(ctx, sub.JobID); err != nil || st.State != "RUNNING" {
		t.Fatalf("a P1 profiling job keeps running after its traces: %+v %v", st, err)
	}

	local := filepath.Join(t.TempDir(), "profiles", sub.JobID)
	var calls int
	var lastDone, lastTotal int64
	res, err := conn.Fetch(ctx, profiles, local, func(done, total int64, file string) {
		calls++
		if done < lastDone || done > total {
			t.Errorf("progress went from %d to %d of %d", lastDone, done, total)
		}
		lastDone, lastTotal = done, total
	})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if res.Copied < 2 || res.Skipped != 0 || calls < 2 || lastDone != lastTotal {
		t.Fatalf("fetch result %+v, %d progress calls ending at %d/%d", res, calls, lastDone, lastTotal)
	}
	compareTrees(t, profiles, local)

	res, err = conn.Fetch(ctx, profiles, local, nil)
	if err != nil || res.Skipped != res.Files || res.Copied != 0 {
		t.Fatalf("second fetch should skip everything: %+v %v", res, err)
	}

	// A download cut short: the final name gone, a .part with half the bytes.
	victim := firstFile(t, local)
	whole, _ := os.ReadFile(victim)
	if err := os.WriteFile(victim+".part", whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(victim)
	res, err = conn.Fetch(ctx, profiles, local, nil)
	if err != nil || res.Resumed != 1 || res.Copied != 1 || res.Bytes != int64(len(whole)-len(whole)/2) {
		t.Fatalf("resumed fetch: %+v %v (want 1 resumed, %d bytes)", res, err, len(whole)-len(whole)/2)
	}
	compareTrees(t, profiles, local)

	if err := conn.Cancel(ctx, sub.JobID); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	waitFor(t, 30*time.Second, 500*time.Millisecond, "the job to end", func() (bool, string) {
		st, err := conn.State(ctx, sub.JobID)
		if err != nil {
			return false, err.Error()
		}
		return st.Ended, st.State + " from " + st.Source
	})
	st, _ = conn.State(ctx, sub.JobID)
	if st.State != "CANCELLED" {
		t.Fatalf("after scancel: %+v", st)
	}
	for _, id := range tc.squeueIDs(t) {
		if id == sub.JobID {
			t.Fatalf("job %s still in squeue after cancel", id)
		}
	}
}

func firstFile(t testing.TB, dir string) string {
	t.Helper()
	var found string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && found == "" {
			found = p
		}
		return nil
	})
	if found == "" {
		t.Fatalf("no file under %s", dir)
	}
	return found
}

// compareTrees: every regular file under remote (read directly: the
// cluster is this machine) is in local with the same bytes, and local has
// nothing else.
func compareTrees(t testing.TB, remote, local string) {
	t.Helper()
	seen := map[string]bool{}
	filepath.WalkDir(remote, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(remote, p)
		seen[rel] = true
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(local, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: fetched copy differs (%d vs %d bytes, %v)", rel, len(a), len(b), err)
		}
		return nil
	})
	filepath.WalkDir(local, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(local, p)
		if !seen[rel] {
			t.Errorf("local has %s, which the cluster does not", rel)
		}
		return nil
	})
	if len(seen) == 0 {
		t.Errorf("nothing under %s", remote)
	}
}

// TestSubmitRejectedShowsSrtctlMessage: a job srtctl refuses comes back as
// srtctl's own message, nothing is queued and no log directory appears.
func TestSubmitRejectedShowsSrtctlMessage(t *testing.T) {
	tc := needCluster(t)
	cl := tc.cluster(t, 40)
	hist := OpenHistory(filepath.Join(t.TempDir(), "history.jsonl"))
	conn := connect(t, cl, ConnectOptions{History: hist})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	bad := bytes.Replace(jobspectest.P1Example(t), []byte("prefill_workers: 1"), []byte("prefill_workers: 2"), 1)
	local := writeJob(t, "two-workers.yaml", bad)
	_, err := conn.Submit(ctx, local)
	var se *SubmitError
	if !errors.As(err, &se) {
		t.Fatalf("want a *SubmitError, got %T %v", err, err)
	}
	// srtctl's words, about the user's file (srtctl saw the upload).
	want := regexp.MustCompile(`(?m)^Invalid config in ` + regexp.QuoteMeta(local) + `: Profiling mode requires single worker only\. Got prefill_workers=2$`)
	if !want.MatchString(se.Message) || se.ExitCode != 1 {
		t.Fatalf("srtctl's message not shown verbatim:\n%s\n(exit %d)", se.Message, se.ExitCode)
	}
	if !regexp.MustCompile(`Invalid config in ` + regexp.QuoteMeta(cl.SrtctlRoot) + `/jobs/two-workers_[0-9_a-f]+\.yaml`).MatchString(se.Output) {
		t.Errorf("srtctl's output does not name the uploaded file:\n%s", se.Output)
	}
	if !strings.Contains(err.Error(), se.Message) {
		t.Errorf("error text %q lacks srtctl's message", err)
	}
	if queued := tc.SqueueIDsIn(t, cl.SrtctlRoot); len(queued) > 0 {
		t.Errorf("a job was queued: %v", queued)
	}
	if logs, _ := os.ReadDir(filepath.Join(cl.SrtctlRoot, "logs")); len(logs) != 0 {
		t.Errorf("log directories created for a rejected job: %v", logs)
	}
	if entries, _, _ := hist.Entries(); len(entries) != 0 {
		t.Errorf("a rejected job went into the history: %+v", entries)
	}
}
