package tail

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awaitDrain hands every message to keep until done is closed, and then
// those sent before (already in the channel).
func awaitDrain(t *testing.T, w *Watcher, done <-chan struct{}, keep func(Msg)) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for drained := false; !drained; {
		select {
		case m := <-w.Events():
			keep(m)
		case <-done:
			drained = true
		case <-timeout:
			t.Fatal("no drain after 20 s")
		}
	}
	for n := len(w.Events()); n > 0; n-- {
		keep(<-w.Events())
	}
}

// slowSource reads its file through a FileSource but takes its time, as a
// poll over a reconnecting SSH link does.
type slowSource struct {
	inner Source
	delay time.Duration
}

func (s slowSource) Poll(fsys FS) (Result, error) {
	time.Sleep(s.delay)
	return s.inner.Poll(fsys)
}

// Drain closes only after a read begun after it reached the end of every
// file: the monitor's last read after the job ended, which a fixed wait
// missed on a slow link (lines written just before the job ended were lost
// from --save-logs).
func TestWatcherDrainReadsEveryFileToItsEnd(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.out"), filepath.Join(dir, "b.out")
	writeFile(t, a, "a1\n")
	writeFile(t, b, "b1\n")
	// Hour-long intervals: only Drain's poke can make the last read.
	w := NewWatcher(staticDial(OSFS{}), Options{FastInterval: time.Hour, SlowInterval: time.Hour},
		slowSource{NewFileSource("a", a), 300 * time.Millisecond}, slowSource{NewFileSource("b", b), 300 * time.Millisecond})
	startWatcher(t, w)
	seen := map[string][]string{}
	for len(seen["a"]) == 0 || len(seen["b"]) == 0 {
		u := next[FileUpdate](t, w, 5*time.Second)
		seen[u.Key] = append(seen[u.Key], u.Batch.Lines...)
	}
	// Many lines: more than one poll's worth, so More is exercised.
	var more strings.Builder
	for i := range 20000 {
		more.WriteString(strings.Repeat("x", 60))
		more.WriteString(" ")
		more.WriteString(string(rune('0' + i%10)))
		more.WriteString("\n")
	}
	appendFile(t, a, more.String())
	appendFile(t, b, "b2\n")
	want := map[string]int{"a": 1 + 20000, "b": 2}
	done := w.Drain()
	start := time.Now()
	keep := func(m Msg) {
		if u, ok := m.(FileUpdate); ok {
			seen[u.Key] = append(seen[u.Key], u.Batch.Lines...)
		}
	}
	awaitDrain(t, w, done, keep)
	for k, n := range want {
		if len(seen[k]) != n {
			t.Errorf("%s: %d lines received by the drain's end, want %d", k, len(seen[k]), n)
		}
	}
	if took := time.Since(start); took < 600*time.Millisecond {
		t.Errorf("drained in %v: both slow sources (300 ms each) cannot have been read", took)
	}
}

// A drain of a watcher with no sources is done at once; a drain whose FS is
// down stays open (the caller bounds the wait).
func TestWatcherDrainEdges(t *testing.T) {
	w := NewWatcher(staticDial(OSFS{}), Options{})
	select {
	case <-w.Drain():
	default:
		t.Fatal("a watcher with no sources did not drain at once")
	}
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "a\n")
	w = NewWatcher(func(context.Context) (FS, error) { return nil, os.ErrDeadlineExceeded }, Options{RetryMin: 10 * time.Millisecond, RetryMax: 10 * time.Millisecond}, NewFileSource("f", p))
	startWatcher(t, w)
	done := w.Drain()
	deadline := time.After(500 * time.Millisecond)
	for {
		select {
		case <-done:
			t.Fatal("drained while the FS was down")
		case <-w.Events():
			continue
		case <-deadline:
		}
		break
	}
}

// A drain reads the logs no screen shows too, and lists the directories
// again: the job's end must not wait for their next hiddenLogEvery, or lose
// their last lines (a worker's last line was missing from --save-logs after
// the job ended), nor miss a log that appeared since the last listing.
func TestDrainReadsHiddenTodayLogs(t *testing.T) {
	run := filepath.Join(t.TempDir(), "9")
	logs := filepath.Join(run, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(logs, "n1_prefill_w0.out"), "p1\n")
	writeFile(t, filepath.Join(logs, "n1_prefill_w1.out"), "q1\n")
	now := time.Unix(1000, 0) // still: hidden logs are never due by the clock
	j := NewTodayJob(TodaySpec{RunDir: run, ID: "9", Now: func() time.Time { return now }})
	w := j.Watcher(staticDial(OSFS{}), Options{FastInterval: time.Hour, SlowInterval: time.Hour})
	startWatcher(t, w)
	seen := map[string][]string{}
	keep := func(m Msg) {
		if u, ok := m.(LogsUpdate); ok {
			for _, fu := range u.Updates {
				seen[fu.Key] = append(seen[fu.Key], fu.Batch.Lines...)
			}
		}
	}
	for deadline := time.After(5 * time.Second); len(seen["n1_prefill_w1.out"]) == 0; {
		select {
		case m := <-w.Events():
			keep(m)
		case <-deadline:
			t.Fatalf("the logs were not read: %v", seen)
		}
	}
	j.Focus([]string{"n1_prefill_w0.out"})
	appendFile(t, filepath.Join(logs, "n1_prefill_w1.out"), "q2 the last line\n")
	// A log that appeared since the last listing (the clock stands still:
	// no listing is due).
	writeFile(t, filepath.Join(logs, "n1_frontend_0.out"), "f1\n")
	done := w.Drain()
	awaitDrain(t, w, done, keep)
	if got := strings.Join(seen["n1_prefill_w1.out"], ","); got != "q1,q2 the last line" {
		t.Fatalf("hidden log after the drain: %q", got)
	}
	if got := strings.Join(seen["n1_frontend_0.out"], ","); got != "f1" {
		t.Fatalf("a log new since the last listing, after the drain: %q", got)
	}
}
