package tail

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestJobSpecPaths(t *testing.T) {
	d := JobSpec{LogDir: "/r/logs/12_1P_1D_20251203_101500"}
	if !slices.Equal(d.Phases(), []string{"prefill", "decode"}) || d.ProfileOut("decode") != "/r/logs/12_1P_1D_20251203_101500/profile_decode.out" ||
		d.LogOut() != "/r/logs/12_1P_1D_20251203_101500/log.out" {
		t.Fatalf("disaggregated: %v %s %s", d.Phases(), d.ProfileOut("decode"), d.LogOut())
	}
	a := JobSpec{LogDir: "/r/logs/13_1A_x", Aggregated: true}
	if !slices.Equal(a.Phases(), []string{"aggregated"}) || a.ProfileOut("aggregated") != "/r/logs/13_1A_x/profile_aggregated.out" {
		t.Fatalf("aggregated: %v", a.Phases())
	}
}

// jobView folds a job's messages the way a screen would.
type jobView struct {
	phase  map[string]*PhaseState
	log    *LogState
	traces TracesUpdate
	lines  map[string][]string
}

func (v *jobView) apply(m Msg) {
	switch m := m.(type) {
	case FileUpdate:
		if m.Batch.Restart != NoRestart {
			v.lines[m.Key] = nil
		}
		v.lines[m.Key] = append(v.lines[m.Key], m.Batch.Lines...)
		if m.Phase != nil {
			v.phase[m.Key] = m.Phase
		}
		if m.Log != nil {
			v.log = m.Log
		}
	case TracesUpdate:
		v.traces = m
	}
}

func (v *jobView) waitUntil(t *testing.T, w *Watcher, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case m, ok := <-w.Events():
			if !ok {
				t.Fatal("events closed")
			}
			v.apply(m)
		case <-deadline:
			t.Fatalf("timed out waiting for %s; phases %+v traces %+v", what, v.phase, v.traces)
		}
	}
}

func TestJobDisaggregatedRun(t *testing.T) {
	logdir := t.TempDir()
	job := NewJob(JobSpec{LogDir: logdir, TraceStableFor: time.Nanosecond, NoTraceGrace: time.Minute})
	w := job.Watcher(staticDial(OSFS{}), Options{FastInterval: 5 * time.Millisecond, SlowInterval: 20 * time.Millisecond})
	startWatcher(t, w)
	v := &jobView{phase: map[string]*PhaseState{}, lines: map[string][]string{}}

	v.waitUntil(t, w, "both phases reported missing", func() bool {
		return v.phase["prefill"] != nil && v.phase["decode"] != nil &&
			v.phase["prefill"].Stage == StageNoFile && v.phase["decode"].Stage == StageNoFile
	})

	writeFile(t, filepath.Join(logdir, "log.out"), "Starting profiler...\nPrefill profiling will run on: node-1\nDecode profiling will run on: node-2\n")
	pre, dec := job.Spec().ProfileOut("prefill"), job.Spec().ProfileOut("decode")
	writeFile(t, pre, profConfig+profWaiting)
	writeFile(t, dec, profConfig+profWaiting+profReady)
	v.waitUntil(t, w, "waiting / ready", func() bool {
		return v.phase["prefill"].Stage == StageWaitingServer && v.phase["prefill"].NotReadyPolls == 2 &&
			v.phase["decode"].Stage == StageServerReady && v.log != nil && v.log.Nodes["decode"] == "node-2"
	})

	appendFile(t, pre, profReady+profRunning)
	appendFile(t, dec, profRunning+profDone)
	v.waitUntil(t, w, "decode completed", func() bool {
		return v.phase["prefill"].Stage == StageProfiling && v.phase["decode"].Stage == StageCompleted
	})
	if v.traces.Ready {
		t.Fatal("traces ready with no trace")
	}

	// Decode's trace appears and settles; prefill's too.
	mkdir(t, filepath.Join(logdir, "profiles", "decode"))
	mkdir(t, filepath.Join(logdir, "profiles", "prefill"))
	writeFile(t, filepath.Join(logdir, "profiles", "decode", "1-TP-0-decode.trace.json.gz"), "gz")
	appendFile(t, pre, "2025-12-03 10:19:07\nTorch profiling completed for prefill mode with exit code 0\n")
	writeFile(t, filepath.Join(logdir, "profiles", "prefill", "1-TP-0-prefill.trace.json.gz"), "gz")
	v.waitUntil(t, w, "traces ready", func() bool { return v.traces.Ready })
	if v.phase["prefill"].Stage != StageCompleted || len(v.traces.Phases) != 2 || v.traces.Phases[1].Files[0].Size != 2 {
		t.Fatalf("phases %+v traces %+v", v.phase, v.traces)
	}

	appendFile(t, filepath.Join(logdir, "log.out"), "All profiling scripts finished at Wed Dec 3 10:20:01 UTC 2025 with exit code 0\n")
	v.waitUntil(t, w, "log finished", func() bool { return v.log.Finished })
	if len(v.lines["log"]) != 4 {
		t.Fatalf("log lines %q", v.lines["log"])
	}
}

func TestJobAggregatedNoTraceAndRestart(t *testing.T) {
	logdir := t.TempDir()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	job := NewJob(JobSpec{LogDir: logdir, Aggregated: true, NoTraceGrace: time.Minute, Now: clock.Now})
	w := job.Watcher(staticDial(OSFS{}), Options{FastInterval: 5 * time.Millisecond, SlowInterval: 20 * time.Millisecond})
	startWatcher(t, w)
	v := &jobView{phase: map[string]*PhaseState{}, lines: map[string][]string{}}

	agg := filepath.Join(logdir, "profile_aggregated.out")
	writeFile(t, agg, profConfig+profWaiting+profReady+profRunning+
		"Torch profiling completed for aggregated mode with exit code 0\n")
	v.waitUntil(t, w, "aggregated completed", func() bool {
		return v.phase["aggregated"] != nil && v.phase["aggregated"].Stage == StageCompleted
	})
	clock.Advance(2 * time.Minute)
	v.waitUntil(t, w, "no trace", func() bool {
		return len(v.traces.Phases) == 1 && v.traces.Phases[0].NoTrace
	})

	// The job is rerun into the same file: the state starts over.
	writeFile(t, agg, "Torch Profiling Configuration:\n")
	v.waitUntil(t, w, "restart", func() bool {
		return v.phase["aggregated"].Stage == StageStarting && len(v.lines["aggregated"]) == 1
	})
	v.waitUntil(t, w, "no trace cleared", func() bool { return !v.traces.Phases[0].NoTrace })
}
