package monitor

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// answerConn is a cluster whose server went down (ssh: connection
// refused) and that can tell when it answers again.
type answerConn struct {
	*loginConn
	up     chan struct{}
	mu     sync.Mutex
	server []bool // what each WaitAnswering was asked to watch
}

func (c *answerConn) WaitAnswering(ctx context.Context, server bool) error {
	c.mu.Lock()
	c.server = append(c.server, server)
	c.mu.Unlock()
	select {
	case <-c.up:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// When the server answers again the engine reconnects at once, not at the
// next backoff slot (here a minute away).
func TestEngineRedialsWhenTheServerAnswers(t *testing.T) {
	dir := t.TempDir()
	conn := &answerConn{loginConn: &loginConn{fakeConn: &fakeConn{state: JobState{State: "RUNNING"}},
		reason: "ssh: connect to host 127.0.0.1 port 22: Connection refused", loggedIn: true}, up: make(chan struct{})}
	opt := fastOptions("")
	opt.Watch.RetryMin, opt.Watch.RetryMax = time.Minute, time.Minute
	e := New(conn, JobInfo{ID: "7", LogDir: dir, Cluster: "test", Profiling: "torch", Phases: []Stream{StreamPrefill, StreamDecode}}, opt)
	c := collect(e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go e.Run(ctx)
	appendFile(t, dir+"/profile_prefill.out", "first\n")
	c.waitFor(t, "the first line", func(c *collector) bool { return len(c.lines[StreamPrefill]) == 1 })

	conn.logOut() // the server refuses from now on
	c.waitFor(t, "two failed attempts", func(c *collector) bool { return c.status.Conn.Lost && c.status.Conn.Attempt >= 2 })
	conn.logIn()
	start := time.Now()
	close(conn.up)
	c.waitFor(t, "reconnected", func(c *collector) bool { return !c.status.Conn.Lost })
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("reconnected %v after the server answered: it waited for the backoff", d)
	}
	conn.mu.Lock()
	defer conn.mu.Unlock()
	// Once the server answers, WaitAnswering returns at once, and the engine
	// may ask again (socket only) before its redial lands: any watch of the
	// server counts.
	if !slices.Contains(conn.server, true) {
		t.Fatalf("the server was not watched after ssh said it refused: %v", conn.server)
	}
}
