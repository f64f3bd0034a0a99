package tail

import (
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// A profile_decode.out as the P1 script writes it (srtctl-profiling.md,
// "While the job runs"), split where the stages change.
var (
	profConfig = `Torch Profiling Configuration:
  Profiling mode: decode
  Profiling dir: /logs/profiles/decode
  Prefill workers: 1
  Decode workers: 1
  Prefill GPUs: 4
  Decode GPUs: 4
  Total GPUs: 8
`
	profWaiting = `Waiting for server at http://127.0.0.1:30000 to be ready...
Server not ready yet (status: 000), waiting...
top - 13:01:02 up 1 day,  2:03,  0 users,  load average: 0.52, 0.58, 0.59
Tasks: 123 total,   1 running, 122 sleeping,   0 stopped,   0 zombie
%Cpu(s):  1.0 us,  0.5 sy,  0.0 ni, 98.5 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st
Server not ready yet (status: 503), waiting...
`
	profReady   = "Server http://127.0.0.1:30000 is ready\n"
	profWarning = "Warning: PROFILE_START_STEP not set; defaulting to 0\nWarning: PROFILE_STOP_STEP not set; defaulting to 50\n"
	profRunning = `Running profiler...
2025-12-03 10:15:42
+ curl -X POST http://127.0.0.1:30000/start_profile -H 'Content-Type: application/json' -d '{"output_dir": "/logs/profiles/decode", "num_steps": 50}'
{"message":"Start profiling."}
============ Serving Benchmark Result ============
Successful requests:                     64
`
	profDone = `2025-12-03 10:19:07
Torch profiling completed for decode mode with exit code 0
Profiling results saved to /logs/profiles/decode
`
)

func feedAll(tr *PhaseTracker, text string) {
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		tr.Feed(l)
	}
}

func TestPhaseTrackerFullRun(t *testing.T) {
	tr := NewPhaseTracker(PhaseDecode)
	tr.SetMissing(true)
	if st := tr.State(); st.Stage != StageNoFile || st.Summary() != "not created yet" {
		t.Fatalf("missing file: %v %q", st.Stage, st.Summary())
	}
	tr.SetMissing(false)
	feedAll(tr, profConfig)
	st := tr.State()
	if st.Stage != StageStarting || st.Config["Profiling mode"] != "decode" || st.Config["Total GPUs"] != "8" ||
		st.Config["Profiling dir"] != "/logs/profiles/decode" {
		t.Fatalf("after the configuration block: %+v", st)
	}

	feedAll(tr, profWaiting)
	if st.Stage != StageWaitingServer || st.NotReadyPolls != 2 || st.LastStatus != "503" || st.ServerURL != "http://127.0.0.1:30000" {
		t.Fatalf("waiting: %+v", st)
	}
	if got := st.Summary(); got != "waiting for server (2 not-ready polls, last status 503)" {
		t.Fatalf("summary %q", got)
	}

	feedAll(tr, profReady)
	if st.Stage != StageServerReady {
		t.Fatalf("ready: %v", st.Stage)
	}
	feedAll(tr, profWarning)
	if len(st.Warnings) != 2 || st.Failed() {
		t.Fatalf("warnings: %+v", st)
	}
	feedAll(tr, profRunning)
	if st.Stage != StageProfiling || st.StartedAt != "2025-12-03 10:15:42" {
		t.Fatalf("profiling: %+v", st)
	}
	feedAll(tr, profDone)
	if st.Stage != StageCompleted || !st.HasExitCode || st.ExitCode != 0 || st.ResultsDir != "/logs/profiles/decode" ||
		st.FinishedAt != "2025-12-03 10:19:07" || st.CompletedMode != "decode" || !st.Done() || st.Failed() {
		t.Fatalf("completed: %+v", st)
	}
	if st.Summary() != "completed (exit 0)" {
		t.Fatalf("summary %q", st.Summary())
	}
}

func TestPhaseTrackerNonZeroExit(t *testing.T) {
	tr := NewPhaseTracker(PhasePrefill)
	feedAll(tr, profConfig+profWaiting+profReady+profRunning)
	tr.Feed("Torch profiling completed for prefill mode with exit code 137")
	st := tr.State()
	if st.Stage != StageFailed || st.ExitCode != 137 || st.Summary() != "failed (exit 137)" {
		t.Fatalf("%+v %q", st, st.Summary())
	}
	// An end is an end: later lines do not bring the phase back.
	tr.Feed("Server http://127.0.0.1:30000 is ready")
	if st.Stage != StageFailed {
		t.Fatalf("stage went back to %v", st.Stage)
	}
}

func TestPhaseTrackerNsysWordingAndColours(t *testing.T) {
	tr := NewPhaseTracker(PhasePrefill)
	// The line may come coloured, with a CRLF; the wording says Torch even
	// for nsys, but accept another first word too.
	tr.Feed("\x1b[32mTorch profiling completed for prefill mode with exit code 0\x1b[0m\r")
	if st := tr.State(); st.Stage != StageCompleted {
		t.Fatalf("%+v", st)
	}
}

func TestPhaseTrackerIslOslError(t *testing.T) {
	tr := NewPhaseTracker(PhaseDecode)
	feedAll(tr, profConfig+profWaiting+profReady)
	tr.Feed("Error: isl and osl must be set for profiling.")
	st := tr.State()
	if st.Stage != StageFailed || len(st.Errors) != 1 || st.Errors[0] != "Error: isl and osl must be set for profiling." {
		t.Fatalf("%+v", st)
	}
	if st.Summary() != "failed: Error: isl and osl must be set for profiling." {
		t.Fatalf("summary %q", st.Summary())
	}
}

func TestPhaseTrackerErrorWhileProfilingIsRecordedNotFatal(t *testing.T) {
	tr := NewPhaseTracker(PhaseDecode)
	feedAll(tr, profRunning)
	tr.Feed("Error: one request timed out")
	st := tr.State()
	if st.Stage != StageProfiling || len(st.Errors) != 1 {
		t.Fatalf("%+v", st)
	}
}

func TestPhaseTrackerNotesAreBoundedAndSanitized(t *testing.T) {
	tr := NewPhaseTracker(PhaseDecode)
	for range 100 {
		tr.Feed("Warning: \x1b]0;evil\x07something\x07")
	}
	st := tr.State()
	if len(st.Warnings) != maxNotes || st.MoreWarnings != 100-maxNotes {
		t.Fatalf("%d warnings kept, %d more", len(st.Warnings), st.MoreWarnings)
	}
	if st.Warnings[0] != "Warning: something^G" {
		t.Fatalf("warning %q", st.Warnings[0])
	}
}

func TestPhaseTrackerResetAndClone(t *testing.T) {
	tr := NewPhaseTracker(PhaseDecode)
	feedAll(tr, profConfig+profWaiting)
	c := tr.State().Clone()
	tr.Feed("Server not ready yet (status: 502), waiting...")
	tr.State().Config["Profiling mode"] = "changed"
	if c.NotReadyPolls != 2 || c.Config["Profiling mode"] != "decode" {
		t.Fatalf("clone shares state: %+v", c)
	}
	tr.Reset()
	if st := tr.State(); st.Stage != StageStarting || st.NotReadyPolls != 0 || st.Phase != PhaseDecode {
		t.Fatalf("after reset: %+v", st)
	}
}

func TestLogTracker(t *testing.T) {
	var lt LogTracker
	for _, l := range []string{
		"Starting profiler...",
		"Prefill profiling will run on: gb200-node-017",
		"Decode profiling will run on: gb200-node-018",
		"some other output",
		"All profiling scripts finished at Wed Dec  3 10:20:01 UTC 2025 with exit code 0",
	} {
		lt.Feed(l)
	}
	st := lt.State()
	if !st.ProfilerStarted || st.Nodes[PhasePrefill] != "gb200-node-017" || st.Nodes[PhaseDecode] != "gb200-node-018" {
		t.Fatalf("%+v", st)
	}
	if !st.Finished || st.ExitCode != 0 || st.FinishedAt != "Wed Dec  3 10:20:01 UTC 2025" {
		t.Fatalf("%+v", st)
	}
	if lt.Feed("nothing to see") {
		t.Fatal("an unrelated line changed the state")
	}
}

// FuzzPhase: any sequence of lines leaves a consistent state: counts never
// negative, notes bounded and free of terminal control, an exit code only
// with an end.
func FuzzPhase(f *testing.F) {
	f.Add(profConfig + profWaiting + profReady + profWarning + profRunning + profDone)
	f.Add("Error: isl and osl must be set for profiling.\n")
	f.Add("Torch profiling completed for decode mode with exit code 99999999999999999999999\n")
	f.Add("Torch Profiling Configuration:\n  \x1b]0;x\x07Key: \x9bvalue\n")
	f.Add("All profiling scripts finished at now with exit code 1\nPrefill profiling will run on: \x1b[2Jnode\n")
	f.Fuzz(func(t *testing.T, text string) {
		tr := NewPhaseTracker(PhasePrefill)
		var lt LogTracker
		for _, l := range strings.Split(text, "\n") {
			tr.Feed(l)
			lt.Feed(l)
		}
		st := tr.State()
		if st.NotReadyPolls < 0 || st.Stage < StageNoFile || st.Stage > StageFailed {
			t.Fatalf("bad state %+v", st)
		}
		if st.HasExitCode && !st.Done() {
			t.Fatalf("exit code without an end: %+v", st)
		}
		if len(st.Errors) > maxNotes || len(st.Warnings) > maxNotes || len(st.Config) > 32 || len(lt.State().Nodes) > 8 {
			t.Fatalf("unbounded state: %d errors, %d warnings, %d config", len(st.Errors), len(st.Warnings), len(st.Config))
		}
		check := func(what, s string) {
			if s != safetext.Line(s) && s+"\x1b[m" != safetext.Line(s) {
				t.Fatalf("%s not sanitized: %q", what, s)
			}
		}
		for _, s := range append(append([]string{st.ServerURL, st.LastStatus, st.ResultsDir, lt.State().FinishedAt}, st.Errors...), st.Warnings...) {
			check("note", s)
		}
		for k, v := range st.Config {
			check("config key", k)
			check("config value", v)
		}
		for _, v := range lt.State().Nodes {
			check("node", v)
		}
		_ = st.Summary()
	})
}
