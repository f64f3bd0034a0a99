package tail

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pollLogs polls the job's per-node logs once and returns the logs that
// had lines.
func pollLogs(t *testing.T, j *TodayJob) map[string][]string {
	t.Helper()
	res, err := j.logs.Poll(OSFS{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	if u, ok := res.Msg.(LogsUpdate); ok {
		for _, fu := range u.Updates {
			if len(fu.Batch.Lines) > 0 {
				got[fu.Key] = fu.Batch.Lines
			}
		}
	}
	return got
}

func TestTodayJobFindsLateLogsInBothDirsAndReadsHiddenOnesLessOften(t *testing.T) {
	run := filepath.Join(t.TempDir(), "9")
	logs := filepath.Join(run, "logs")
	if err := os.MkdirAll(filepath.Join(logs, "workers"), 0o755); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1000, 0)
	j := NewTodayJob(TodaySpec{RunDir: run, ID: "9", Now: func() time.Time { return now }})
	write := func(name, line string) {
		f, err := os.OpenFile(filepath.Join(logs, name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(line + "\n")
		f.Close()
	}
	if got := pollLogs(t, j); len(got) != 0 {
		t.Fatalf("lines before any log: %v", got)
	}
	// They appear late, flat (1.0.x) and in workers/ (2.x).
	write("n1_prefill_w0.out", "p1")
	write("workers/n2_decode_w0.out", "d1")
	write("n1_nginx.out", "not a worker or frontend log")
	now = now.Add(logListEvery)
	got := pollLogs(t, j)
	if len(got) != 2 || got["n1_prefill_w0.out"][0] != "p1" || got["workers/n2_decode_w0.out"][0] != "d1" {
		t.Fatalf("first lines %v", got)
	}
	if j.logs.files[0].Mode != "prefill" || j.logs.files[1].Node != "n2" {
		t.Errorf("logs %+v", j.logs.files)
	}
	// The screen shows the prefill worker: the decode one is read every
	// hiddenLogEvery, without losing a line.
	j.Focus([]string{"n1_prefill_w0.out"})
	write("n1_prefill_w0.out", "p2")
	write("workers/n2_decode_w0.out", "d2")
	now = now.Add(500 * time.Millisecond)
	if got := pollLogs(t, j); len(got) != 1 || got["n1_prefill_w0.out"][0] != "p2" {
		t.Fatalf("focused poll %v", got)
	}
	now = now.Add(hiddenLogEvery)
	if got := pollLogs(t, j); len(got) != 1 || got["workers/n2_decode_w0.out"][0] != "d2" {
		t.Fatalf("hidden log after %v: %v", hiddenLogEvery, got)
	}
}

func TestTodayNsysNames(t *testing.T) {
	cases := []struct {
		name, endpoint string
		rank           int
	}{
		{"n1_prefill_w0_profile_gpu0-1-2-3.nsys-rep", "prefill_w0", 0},
		{"n2_prefill_w0_profile_gpu0-1-2-3.nsys-rep", "prefill_w0", 0}, // second node of the same worker
		{"lead_decode_w1_profile_rank3.nsys-rep", "decode_w1", 3},
		{"n1_agg_w2_e7_profile_gpu0_window001.nsys-rep", "agg_w2_e7", 0},
		{"n1_agg_w0_profile_rank12_window002.nsys-rep", "agg_w0", 12},
	}
	for _, c := range cases {
		mode := strings.Split(c.endpoint, "_")[0]
		if got := todayNsysEndpoint(c.name, mode); got != c.endpoint {
			t.Errorf("%s: endpoint %q, want %q", c.name, got, c.endpoint)
		}
		if got := todayNsysRank(c.name); got != c.rank {
			t.Errorf("%s: rank %d, want %d", c.name, got, c.rank)
		}
	}
}
