package monitor

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/tail"
)

// fakeConn is a cluster over a local directory whose connection can be
// broken on purpose.
type fakeConn struct {
	mu         sync.Mutex
	broken     bool
	reconnects int
	state      JobState
	cancels    int
	stateCalls []time.Time
}

func (c *fakeConn) FS(context.Context) (tail.FS, error) { return flakyFS{c}, nil }

func (c *fakeConn) Reconnect(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reconnects++
	if c.broken {
		return errors.New("ssh: connect to host: connection refused")
	}
	return nil
}

func (c *fakeConn) State(context.Context, string) (JobState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stateCalls = append(c.stateCalls, time.Now())
	return c.state, nil
}

func (c *fakeConn) Cancel(context.Context, string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancels++
	c.state = JobState{State: "CANCELLED", Ended: true, ExitCode: "0:15"}
	return nil
}

func (c *fakeConn) Fetch(_ context.Context, remote, local string, progress func(done, total int64)) error {
	var done int64
	return filepath.WalkDir(remote, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(remote, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(local, rel)), 0o755); err != nil {
			return err
		}
		done += int64(len(data))
		progress(done, 0)
		return os.WriteFile(filepath.Join(local, rel), data, 0o644)
	})
}

func (c *fakeConn) setBroken(b bool) { c.mu.Lock(); c.broken = b; c.mu.Unlock() }

func (c *fakeConn) check() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken {
		return errors.New("connection lost")
	}
	return nil
}

type flakyFS struct{ c *fakeConn }

func (f flakyFS) Stat(n string) (fs.FileInfo, error) {
	if err := f.c.check(); err != nil {
		return nil, err
	}
	return os.Stat(n)
}

func (f flakyFS) Open(n string) (io.ReadSeekCloser, error) {
	if err := f.c.check(); err != nil {
		return nil, err
	}
	return os.Open(n)
}

func (f flakyFS) ReadDir(n string) ([]fs.FileInfo, error) {
	if err := f.c.check(); err != nil {
		return nil, err
	}
	return tail.OSFS{}.ReadDir(n)
}

const testConfig = `name: "prof"
model: {path: "m", container: "c", precision: "fp8"}
resources: {gpu_type: "gb200", prefill_nodes: 1, decode_nodes: 1, prefill_workers: 1, decode_workers: 1}
profiling:
  type: "torch"
  prefill: {isl: 1024, osl: 128, concurrency: 24}
  decode: {isl: 1024, osl: 128, concurrency: 256}
`

func fastOptions(save string) Options {
	return Options{
		Watch:          tail.Options{FastInterval: 10 * time.Millisecond, SlowInterval: 40 * time.Millisecond, RetryMin: 10 * time.Millisecond, RetryMax: 40 * time.Millisecond},
		TraceStableFor: time.Millisecond,
		FinalRead:      100 * time.Millisecond,
		SaveDir:        save,
	}
}

func appendFile(t *testing.T, p, s string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// collector folds an engine's events in on its own goroutine.
type collector struct {
	mu     sync.Mutex
	status Status
	lines  map[Stream][]string
	events []Event
	closed chan struct{}
}

func collect(e *Engine) *collector {
	c := &collector{lines: map[Stream][]string{}, closed: make(chan struct{})}
	go func() {
		defer close(c.closed)
		for ev := range e.Events() {
			c.mu.Lock()
			c.status.Apply(ev)
			c.events = append(c.events, ev)
			if l, ok := ev.(LinesEvent); ok {
				c.lines[l.Stream] = append(c.lines[l.Stream], l.Lines...)
			}
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *collector) waitFor(t *testing.T, what string, cond func(*collector) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		ok := cond(c)
		c.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.Fatalf("timed out waiting for %s; status %+v; lines %v", what, c.status, c.lines)
}

var prefillScript = []string{
	"Torch Profiling Configuration:",
	"  Profiling mode: prefill",
	"Waiting for server at http://127.0.0.1:30000 to be ready...",
	"Server http://127.0.0.1:30000 is ready",
	"Running profiler...",
	"2026-01-01 10:00:00",
	"2026-01-01 10:01:00",
	"Torch profiling completed for prefill mode with exit code 0",
	"Profiling results saved to /logs/profiles/prefill",
}

func TestEngineFollowsJobUntilTracesReadyThenCancels(t *testing.T) {
	dir := t.TempDir()
	save := filepath.Join(t.TempDir(), "saved")
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(testConfig), 0o644)
	conn := &fakeConn{state: JobState{State: "RUNNING", Node: "node1"}}
	e := New(conn, JobInfo{ID: "7", LogDir: dir, Cluster: "test"}, fastOptions(save))
	c := collect(e)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- e.Run(ctx) }()

	c.waitFor(t, "config.yaml read", func(c *collector) bool { return len(c.status.Info.Phases) == 2 })
	if c.status.Info.Profiling != "torch" || c.status.Info.Name != "prof" {
		t.Fatalf("info from config.yaml: %+v", c.status.Info)
	}
	for i, line := range prefillScript {
		appendFile(t, filepath.Join(dir, "profile_prefill.out"), line+"\n")
		appendFile(t, filepath.Join(dir, "profile_decode.out"), strings.ReplaceAll(line, "prefill", "decode")+"\n")
		if i == 2 {
			c.waitFor(t, "waiting for server", func(c *collector) bool {
				return c.status.Phases[StreamPrefill].State.Status == PhaseWaitingServer
			})
		}
	}
	appendFile(t, filepath.Join(dir, "log.out"), "Prefill profiling will run on: node1\n")
	c.waitFor(t, "both phases completed", func(c *collector) bool {
		return c.status.Phases[StreamPrefill].State.Status == PhaseCompleted &&
			c.status.Phases[StreamDecode].State.Status == PhaseCompleted
	})
	if c.status.Outcome != OutcomeRunning {
		t.Fatalf("outcome %v before any trace", c.status.Outcome)
	}
	for _, ph := range []string{"prefill", "decode"} {
		os.MkdirAll(filepath.Join(dir, "profiles", ph), 0o755)
		os.WriteFile(filepath.Join(dir, "profiles", ph, "1-TP-0."+ph+".trace.json.gz"), []byte("trace "+ph), 0o644)
	}
	c.waitFor(t, "traces ready", func(c *collector) bool { return c.status.Outcome == OutcomeTracesReady })
	if got := c.lines[StreamPrefill]; strings.Join(got, "\n") != strings.Join(prefillScript, "\n") {
		t.Fatalf("prefill lines:\n%q", got)
	}

	fetchDir := filepath.Join(t.TempDir(), "fetched")
	if err := e.Fetch(ctx, fetchDir); err != nil {
		t.Fatal(err)
	}
	c.waitFor(t, "fetch finished", func(c *collector) bool { return c.status.Fetch.Finished })
	if data, err := os.ReadFile(filepath.Join(fetchDir, "decode", "1-TP-0.decode.trace.json.gz")); err != nil || string(data) != "trace decode" {
		t.Fatalf("fetched trace: %q %v (%+v)", data, err, c.status.Fetch)
	}

	e.Cancel(ctx)
	if err := <-runErr; err != nil {
		t.Fatalf("Run: %v", err)
	}
	<-c.closed
	if c.status.Outcome != OutcomeCancelledByUs || !c.status.Ended || conn.cancels != 1 {
		t.Fatalf("after cancel: outcome %v ended %v cancels %d", c.status.Outcome, c.status.Ended, conn.cancels)
	}
	saved, _ := os.ReadFile(filepath.Join(save, "profile_decode.out"))
	remote, _ := os.ReadFile(filepath.Join(dir, "profile_decode.out"))
	if string(saved) != string(remote) {
		t.Fatalf("saved copy differs:\n%q\n%q", saved, remote)
	}
	for i := 1; i < len(conn.stateCalls); i++ {
		if d := conn.stateCalls[i].Sub(conn.stateCalls[i-1]); d < MinStateInterval {
			t.Fatalf("SLURM asked twice within %v", d)
		}
	}
}

func TestEngineResumesAfterConnectionLossWithNothingLostOrRepeated(t *testing.T) {
	dir := t.TempDir()
	save := filepath.Join(t.TempDir(), "saved")
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(testConfig), 0o644)
	conn := &fakeConn{state: JobState{State: "RUNNING"}}
	e := New(conn, JobInfo{ID: "8", LogDir: dir}, fastOptions(save))
	c := collect(e)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.Run(ctx)
	p := filepath.Join(dir, "profile_prefill.out")
	var want []string
	for i := range 60 {
		line := "line " + strings.Repeat("x", i)
		want = append(want, line)
		appendFile(t, p, line+"\n")
		switch i {
		case 20:
			c.waitFor(t, "first lines", func(c *collector) bool { return len(c.lines[StreamPrefill]) > 0 })
			conn.setBroken(true)
		case 40:
			c.waitFor(t, "reconnecting", func(c *collector) bool { return c.status.Conn.Lost })
			if c.status.Conn.Err == "" || c.status.Conn.Attempt < 1 {
				t.Fatalf("conn state %+v", c.status.Conn)
			}
			conn.setBroken(false)
		}
		time.Sleep(2 * time.Millisecond)
	}
	c.waitFor(t, "every line", func(c *collector) bool { return len(c.lines[StreamPrefill]) >= len(want) })
	cancel()
	<-c.closed
	if got := c.lines[StreamPrefill]; strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("received %d lines, want %d:\n%q", len(got), len(want), got)
	}
	if c.status.Conn.Lost {
		t.Fatal("still reconnecting at the end")
	}
	saved, _ := os.ReadFile(filepath.Join(save, "profile_prefill.out"))
	remote, _ := os.ReadFile(p)
	if string(saved) != string(remote) {
		t.Fatalf("saved copy differs from the file")
	}
}

func TestEngineShowsTerminalEscapesAsHarmlessText(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(testConfig), 0o644)
	hostile := "title\x1b]0;pwned\x07 clip\x1b]52;c;ZXZpbA==\x07 move\x1b[2J\x1b[H \x1b[31mred\x1b[0m bell\x07 end"
	appendFile(t, filepath.Join(dir, "profile_prefill.out"), hostile+"\n")
	e := New(&fakeConn{state: JobState{State: "RUNNING"}}, JobInfo{ID: "9", LogDir: dir}, fastOptions(""))
	c := collect(e)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.Run(ctx)
	c.waitFor(t, "the line", func(c *collector) bool { return len(c.lines[StreamPrefill]) == 1 })
	cancel()
	<-c.closed
	got := c.lines[StreamPrefill][0]
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\x1b[H", "\x07"} {
		if strings.Contains(got, bad) {
			t.Fatalf("%q survived in %q", bad, got)
		}
	}
	if !strings.Contains(got, "\x1b[31mred") || !strings.Contains(got, "end") {
		t.Fatalf("colour or text lost: %q", got)
	}
}

func TestStateIntervalBacksOffWhileNothingChanges(t *testing.T) {
	o := Options{}.withDefaults()
	var got []time.Duration
	d := time.Duration(0)
	for _, changed := range []bool{true, false, false, false, false, true, false} {
		d = nextStateInterval(d, changed, o)
		got = append(got, d)
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second, 15 * time.Second, 2 * time.Second, 4 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("intervals %v, want %v", got, want)
		}
	}
	if !sameState(JobState{State: "RUNNING", Node: "n1", Elapsed: time.Second}, JobState{State: "RUNNING", Node: "n1", Elapsed: time.Minute}) {
		t.Fatal("a new elapsed time alone counts as a change")
	}
	if sameState(JobState{State: "PENDING", Reason: "Priority"}, JobState{State: "PENDING", Reason: "Resources"}) {
		t.Fatal("a new pending reason does not count as a change")
	}
}
