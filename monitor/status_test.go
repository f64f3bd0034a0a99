package monitor

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func disaggInfo() JobInfoEvent {
	return JobInfoEvent{JobInfo{ID: "42", Name: "p", Cluster: "c", Profiling: "torch",
		Phases: []Stream{StreamPrefill, StreamDecode}}}
}

func applyAll(s *Status, evs ...Event) []Note {
	var out []Note
	for _, ev := range evs {
		out = append(out, s.Apply(ev)...)
	}
	return out
}

func TestStatusTracesReadyNeedsEveryPhaseComplete(t *testing.T) {
	var s Status
	applyAll(&s, disaggInfo(),
		SlurmEvent{Job: JobState{State: "RUNNING", Node: "n1"}},
		TracesEvent{Stream: StreamPrefill, Traces: []Trace{{Path: "/l/profiles/prefill/a.json.gz", Size: 10, Complete: true}}},
		TracesEvent{Stream: StreamDecode, Traces: []Trace{{Path: "/l/profiles/decode/b.json.gz", Size: 10}}})
	if s.Outcome != OutcomeRunning {
		t.Fatalf("decode trace still being written, outcome %v", s.Outcome)
	}
	notes := s.Apply(TracesEvent{Stream: StreamDecode, Traces: []Trace{{Path: "/l/profiles/decode/b.json.gz", Size: 20, Complete: true}}})
	if s.Outcome != OutcomeTracesReady {
		t.Fatalf("outcome %v, want traces ready", s.Outcome)
	}
	last := notes[len(notes)-1].Text
	if !strings.Contains(last, "traces ready") || !strings.Contains(last, "/l/profiles/decode/b.json.gz") {
		t.Fatalf("ready note lacks paths: %q", last)
	}
	// The status bar shows the first line alone: it must say something.
	if first, _, _ := strings.Cut(last, "\n"); first != "traces ready: 2 files (prefill, decode), 30 B" {
		t.Fatalf("ready note's first line: %q", first)
	}
	// Ready stays ready when the job later ends, and our cancel is ours.
	s.Apply(CancelEvent{Requested: true})
	s.Apply(SlurmEvent{Job: JobState{State: "CANCELLED", Ended: true, ExitCode: "0:15"}})
	if s.Outcome != OutcomeCancelledByUs || s.ExitCode() != ExitTracesReady {
		t.Fatalf("outcome %v exit %d after our cancel", s.Outcome, s.ExitCode())
	}
}

func TestStatusFailures(t *testing.T) {
	cases := []struct {
		name string
		evs  []Event
		want Outcome
		why  string
	}{
		{"phase error", []Event{PhaseEvent{StreamPrefill, PhaseState{Status: PhaseError, Message: "Error: isl and osl must be set for profiling."}}},
			OutcomeFailed, "isl and osl"},
		{"phase exit", []Event{PhaseEvent{StreamDecode, PhaseState{Status: PhaseFailed, ExitCode: 2}}},
			OutcomeFailed, "exit code 2"},
		{"no traces", []Event{NoTracesEvent{StreamDecode, 2 * time.Minute}}, OutcomeFailed, "no trace"},
		// A job that ended without its traces fails once the engine's last
		// read is done (EndEvent), not before.
		{"job failed", []Event{SlurmEvent{Job: JobState{State: "FAILED", Ended: true, ExitCode: "3:0"}}, EndEvent{}}, OutcomeFailed, "FAILED (exit 3:0)"},
		{"job completed early", []Event{SlurmEvent{Job: JobState{State: "COMPLETED", Ended: true}}, EndEvent{}}, OutcomeFailed, "before every phase"},
		{"job vanished", []Event{SlurmEvent{Job: JobState{Ended: true, Unknown: true}}, EndEvent{}}, OutcomeFailed, "no longer says"},
		{"cancelled by other", []Event{SlurmEvent{Job: JobState{State: "CANCELLED", Ended: true}}}, OutcomeCancelledByOther, "not by this monitor"},
		{"cancelled by us", []Event{CancelEvent{Requested: true}, SlurmEvent{Job: JobState{State: "CANCELLED", Ended: true}}}, OutcomeCancelledByUs, "before the traces"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s Status
			s.Apply(disaggInfo())
			applyAll(&s, c.evs...)
			if s.Outcome != c.want || !strings.Contains(s.Reason, c.why) {
				t.Fatalf("outcome %v reason %q, want %v containing %q", s.Outcome, s.Reason, c.want, c.why)
			}
		})
	}
}

func TestStatusNotesOnlyOnChange(t *testing.T) {
	var s Status
	s.Apply(disaggInfo())
	run := SlurmEvent{Job: JobState{State: "RUNNING", Node: "n1", Elapsed: time.Second}}
	if n := s.Apply(run); len(n) != 1 || !strings.Contains(n[0].Text, "RUNNING on n1") {
		t.Fatalf("first state: %v", n)
	}
	run.Job.Elapsed = 5 * time.Second
	if n := s.Apply(run); len(n) != 0 {
		t.Fatalf("elapsed alone made notes: %v", n)
	}
	if n := s.Apply(LinesEvent{Stream: StreamPrefill, Lines: []string{"x"}}); len(n) != 0 {
		t.Fatalf("lines made notes: %v", n)
	}
	if n := s.Apply(ConnEvent{Lost: true, Attempt: 2, Err: "EOF"}); len(n) != 1 || !strings.Contains(n[0].Text, "attempt 2") {
		t.Fatalf("conn lost: %v", n)
	}
	if n := s.Apply(ConnEvent{}); len(n) != 1 || !strings.Contains(n[0].Text, "reconnected") {
		t.Fatalf("conn back: %v", n)
	}
}

func TestStatusElapsedExtrapolatesWhileRunning(t *testing.T) {
	var s Status
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.Apply(SlurmEvent{Job: JobState{State: "RUNNING", Elapsed: 10 * time.Second}, At: at})
	if got := s.Elapsed(at.Add(5 * time.Second)); got != 15*time.Second {
		t.Fatalf("elapsed %v", got)
	}
	s.Apply(SlurmEvent{Job: JobState{State: "PENDING", Elapsed: 0}, At: at})
	if got := s.Elapsed(at.Add(5 * time.Second)); got != 0 {
		t.Fatalf("pending elapsed %v", got)
	}
}

func TestPlainPrefixesLinesAndExitsWithOutcome(t *testing.T) {
	cases := []struct {
		last Event
		code int
	}{
		{SlurmEvent{Job: JobState{State: "CANCELLED", Ended: true}}, ExitCancelledByOther},
		{PhaseEvent{StreamDecode, PhaseState{Status: PhaseFailed, ExitCode: 1}}, ExitFailed},
		{TracesEvent{Stream: StreamDecode, Traces: []Trace{{Path: "d.json.gz", Size: 1, Complete: true}}}, ExitTracesReady},
	}
	for _, c := range cases {
		ch := make(chan Event, 10)
		ch <- disaggInfo()
		ch <- LinesEvent{Stream: StreamPrefill, Lines: []string{"Waiting for server", "ready"}}
		ch <- TracesEvent{Stream: StreamPrefill, Traces: []Trace{{Path: "p.json.gz", Size: 1, Complete: true}}}
		ch <- c.last
		ch <- LinesEvent{Stream: StreamLog, Lines: []string{"never printed"}}
		var out bytes.Buffer
		code := NewPlain(&out).Run(context.Background(), ch)
		if code != c.code {
			t.Fatalf("%T: exit %d, want %d\n%s", c.last, code, c.code, out.String())
		}
		if !strings.Contains(out.String(), "prefill   | Waiting for server\nprefill   | ready\n") {
			t.Fatalf("lines not prefixed:\n%s", out.String())
		}
		if strings.Contains(out.String(), "never printed") {
			t.Fatalf("printed past the outcome:\n%s", out.String())
		}
	}
}

func TestPlainEndWithoutOutcomeIsFailure(t *testing.T) {
	ch := make(chan Event, 2)
	ch <- disaggInfo()
	close(ch)
	var out bytes.Buffer
	if code := NewPlain(&out).Run(context.Background(), ch); code != ExitFailed {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "stopped before") {
		t.Fatalf("no explanation:\n%s", out.String())
	}
}

func TestParseSlurmDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"":           0,
		"45":         45 * time.Second,
		"1:02":       62 * time.Second,
		"01:02:03":   time.Hour + 2*time.Minute + 3*time.Second,
		"2-00:00:01": 48*time.Hour + time.Second,
		"x:1":        0,
		"1:2:3:4":    0,
		"-1":         0,
	} {
		if got := ParseSlurmDuration(in); got != want {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
}

func FuzzParseSlurmDuration(f *testing.F) {
	for _, s := range []string{"1-02:03:04", "59", "::", "-", "99999999999:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d := ParseSlurmDuration(s); d < 0 {
			t.Fatalf("%q gave negative %v", s, d)
		}
	})
}

// SFTP's error text is "connection lost": the note must not say it twice.
func TestStatusConnectionLostSaysItOnce(t *testing.T) {
	for _, c := range []struct{ err, want string }{
		{"connection lost", "connection lost: reconnecting (attempt 1)"},
		{"", "connection lost: reconnecting (attempt 1)"},
		{"dial tcp: connection refused", "connection lost (dial tcp: connection refused): reconnecting (attempt 1)"},
	} {
		var s Status
		notes := s.Apply(ConnEvent{Lost: true, Attempt: 1, Err: c.err})
		if len(notes) != 1 || notes[0].Text != c.want {
			t.Errorf("Err %q: notes %+v, want %q", c.err, notes, c.want)
		}
	}
}

// squeue lags behind the job's logs: plain mode never prints a log line
// before a line saying the job runs (once).
func TestPlainSaysRunningBeforeTheFirstLine(t *testing.T) {
	var out bytes.Buffer
	p := NewPlain(&out)
	p.Handle(disaggInfo())
	p.Handle(SlurmEvent{Job: JobState{State: "PENDING", Reason: "Resources"}})
	p.Handle(LinesEvent{Stream: StreamPrefill, Lines: []string{"loading"}})
	p.Handle(LinesEvent{Stream: StreamPrefill, Lines: []string{"more"}})
	p.Handle(SlurmEvent{Job: JobState{State: "RUNNING", Node: "n1"}})
	got := out.String()
	i, j := strings.Index(got, "is running: its output arrives (squeue says PENDING)"), strings.Index(got, "| loading")
	if i < 0 || j < 0 || i > j || strings.Count(got, "its output arrives") != 1 {
		t.Fatalf("order:\n%s", got)
	}
}

// Plain mode prints the traces-ready note as its "== " line and one
// indented line per trace (it printed them all on one line joined by ^J).
func TestPlainTracesReadyListsOneTracePerLine(t *testing.T) {
	var out bytes.Buffer
	p := NewPlain(&out)
	for _, ev := range []Event{disaggInfo(), SlurmEvent{Job: JobState{State: "RUNNING", Node: "n1"}},
		TracesEvent{Stream: StreamPrefill, Traces: []Trace{{Path: "/l/profiles/prefill/a.json.gz", Size: 10, Complete: true}}},
		TracesEvent{Stream: StreamDecode, Traces: []Trace{{Path: "/l/profiles/decode/b\x1b[2J.json.gz", Size: 20, Complete: true}}}} {
		p.Handle(ev)
	}
	got := out.String()
	want := "== traces ready: 2 files (prefill, decode), 30 B\n     /l/profiles/prefill/a.json.gz  10 B\n     /l/profiles/decode/b"
	if !strings.Contains(got, want) || strings.Contains(got, "^J") || strings.Contains(got, "\x1b") {
		t.Fatalf("plain output:\n%q", got)
	}
}

// A job followed after it ended (or whose traces had no time to be seen
// holding their size): SLURM's "ended" does not fail it before the
// engine's last read, and the traces that read found are whole (it said
// "job ended before every profiled endpoint had its trace" of a run whose
// traces were all there).
func TestEndedJobTracesAreWholeAfterTheLastRead(t *testing.T) {
	var s Status
	applyAll(&s, disaggInfo(),
		SlurmEvent{Job: JobState{State: "COMPLETED", Ended: true}},
		TracesEvent{Stream: StreamPrefill, Traces: []Trace{{Path: "/l/profiles/prefill/a.json.gz", Size: 10}}},
		TracesEvent{Stream: StreamDecode, Traces: []Trace{{Path: "/l/profiles/decode/b.json.gz", Size: 20}}})
	if s.Outcome != OutcomeRunning {
		t.Fatalf("before the last read: %v (%s), want running", s.Outcome, s.Reason)
	}
	s.Apply(EndEvent{Reason: "job 42 left the queue"})
	if s.Outcome != OutcomeTracesReady {
		t.Fatalf("after the last read: %v (%s), want traces ready", s.Outcome, s.Reason)
	}
}
