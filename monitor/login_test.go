package monitor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// loginConn is a cluster whose master connection died and whose ssh now
// fails the way BatchMode does when it needs the user, until loggedIn.
type loginConn struct {
	*fakeConn
	mu       sync.Mutex
	reason   string // ssh's message while logged out
	loggedIn bool
}

func (c *loginConn) Reconnect(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fakeConn.mu.Lock()
	c.fakeConn.reconnects++
	c.fakeConn.mu.Unlock()
	if !c.loggedIn {
		return &runner.ConnectError{Cluster: "test", Host: "login01", Reason: c.reason}
	}
	c.fakeConn.setBroken(false)
	return nil
}

func (c *loginConn) logOut() {
	c.mu.Lock()
	c.loggedIn = false
	c.mu.Unlock()
	c.fakeConn.setBroken(true)
}

func (c *loginConn) logIn() { c.mu.Lock(); c.loggedIn = true; c.mu.Unlock() }

// While ssh needs the user the engine says so (once, not per retry) and
// keeps retrying; after the login, Redial resumes every tail at once from
// its offset: no line lost, none repeated.
func TestEngineReportsNeedsLoginAndResumesOnRedial(t *testing.T) {
	dir := t.TempDir()
	conn := &loginConn{fakeConn: &fakeConn{state: JobState{State: "RUNNING", Node: "node1"}},
		reason: "alice@login01: Permission denied (publickey,keyboard-interactive)."}
	opt := fastOptions("")
	// A backoff far longer than the test: only Redial can bring it back in time.
	opt.Watch.RetryMin, opt.Watch.RetryMax = time.Minute, time.Minute
	info := JobInfo{ID: "7", LogDir: dir, Cluster: "test", Profiling: "torch", Phases: []Stream{StreamPrefill, StreamDecode}}
	e := New(conn, info, opt)
	c := collect(e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go e.Run(ctx)

	prefill := filepath.Join(dir, "profile_prefill.out")
	var want []string
	write := func(lines ...string) {
		for _, l := range lines {
			appendFile(t, prefill, l+"\n")
			want = append(want, l)
		}
	}
	write(prefillScript[:3]...)
	c.waitFor(t, "the first lines", func(c *collector) bool { return len(c.lines[StreamPrefill]) == 3 })

	conn.logOut()
	c.waitFor(t, "needs login", func(c *collector) bool { return c.status.Conn.Lost && c.status.Conn.NeedsLogin })
	if c.status.Conn.HostKey {
		t.Fatal("an authentication failure reported as a host key problem")
	}
	// Lines written while nobody can read them.
	write(prefillScript[3:6]...)
	time.Sleep(200 * time.Millisecond)

	conn.logIn()
	start := time.Now()
	e.Redial()
	c.waitFor(t, "reconnected", func(c *collector) bool { return !c.status.Conn.Lost && c.status.Conn.Attempt > 0 })
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Redial took %v: it waited out the backoff", d)
	}
	write(prefillScript[6:]...)
	c.waitFor(t, "every line", func(c *collector) bool { return len(c.lines[StreamPrefill]) >= len(want) })
	time.Sleep(100 * time.Millisecond)

	c.mu.Lock()
	defer c.mu.Unlock()
	if got := c.lines[StreamPrefill]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines across the login:\n got %q\nwant %q", got, want)
	}
	var loginNotes, lostEvents int
	var s Status
	for _, ev := range c.events {
		if ce, ok := ev.(ConnEvent); ok && ce.Lost {
			lostEvents++
		}
		for _, n := range s.Apply(ev) {
			if strings.Contains(n.Text, "ssh needs you to log in again") {
				loginNotes++
				if !strings.Contains(n.Text, "Permission denied (publickey,keyboard-interactive)") {
					t.Errorf("the note does not say ssh's reason: %q", n.Text)
				}
			}
		}
	}
	if loginNotes != 1 {
		t.Errorf("%d needs-login notes over %d lost events, want 1", loginNotes, lostEvents)
	}
}

// A host key ssh cannot verify is named as such, never as a login.
func TestEngineReportsHostKeyFailure(t *testing.T) {
	dir := t.TempDir()
	conn := &loginConn{fakeConn: &fakeConn{state: JobState{State: "RUNNING"}},
		reason: "Host key for login01 has changed and you have requested strict checking.\nHost key verification failed."}
	opt := fastOptions("")
	opt.Watch = tail.Options{FastInterval: 10 * time.Millisecond, RetryMin: time.Minute, RetryMax: time.Minute}
	e := New(conn, JobInfo{ID: "7", LogDir: dir, Cluster: "test", Phases: []Stream{StreamAggregated}}, opt)
	c := collect(e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go e.Run(ctx)
	if err := os.WriteFile(filepath.Join(dir, "profile_aggregated.out"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "the line", func(c *collector) bool { return len(c.lines[StreamAggregated]) == 1 })
	conn.logOut()
	c.waitFor(t, "host key failure", func(c *collector) bool { return c.status.Conn.Lost && c.status.Conn.HostKey })
	c.mu.Lock()
	defer c.mu.Unlock()
	var s Status
	s.Info.Cluster = "test"
	found := false
	for _, ev := range c.events {
		for _, n := range s.Apply(ev) {
			if strings.Contains(n.Text, "could not verify the host key of cluster test") && strings.Contains(n.Text, "never skips") {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no note says the host key could not be verified")
	}
}

// Plain mode cannot hand over a terminal: it says once how to log in from
// one, and nothing more while the retries fail the same way.
func TestPlainSaysHowToLogInOnce(t *testing.T) {
	var out strings.Builder
	p := NewPlain(&out)
	p.Reattach = "srtctl-tui monitor 7 --cluster test"
	p.Handle(JobInfoEvent{Info: JobInfo{ID: "7", Cluster: "test"}})
	for attempt := 2; attempt < 6; attempt++ {
		p.Handle(ConnEvent{Lost: true, Attempt: attempt, NeedsLogin: true, Err: "alice@login01: Permission denied (publickey)."})
	}
	text := out.String()
	if strings.Count(text, "ssh needs you to log in again (alice@login01: Permission denied (publickey).)") != 1 ||
		strings.Count(text, "to log in again, run an srtctl-tui command for this cluster on a terminal (srtctl-tui monitor 7 --cluster test)") != 1 {
		t.Fatalf("plain output:\n%s", text)
	}
	p.Handle(ConnEvent{Attempt: 5})
	if !strings.Contains(out.String(), "reconnected") {
		t.Fatalf("no reconnected note:\n%s", out.String())
	}
}
