package tail

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// startWatcher runs w and returns a function that stops it and checks that
// Run returned and closed Events.
func startWatcher(t *testing.T, w *Watcher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Run returned %v, want context.Canceled", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return after cancel")
			}
			for range w.Events() { // drains what was buffered; ends when closed
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// next waits for the next message of type T, skipping others.
func next[T any](t *testing.T, w *Watcher, timeout time.Duration) T {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case m, ok := <-w.Events():
			if !ok {
				t.Fatal("events closed")
			}
			if v, ok := m.(T); ok {
				return v
			}
		case <-deadline:
			var zero T
			t.Fatalf("no %T within %v", zero, timeout)
		}
	}
}

func staticDial(fsys FS) Dialer {
	return func(context.Context) (FS, error) { return fsys, nil }
}

func TestSchedulerBacksOffAndSpeedsUp(t *testing.T) {
	o := Options{FastInterval: 500 * time.Millisecond, SlowInterval: 4 * time.Second}.withDefaults()
	s := &scheduled{interval: o.FastInterval}
	now := time.Unix(0, 0)
	var got []time.Duration
	for range 6 {
		s.reschedule(Result{}, now, o)
		got = append(got, s.interval)
	}
	want := "[1s 2s 4s 4s 4s 4s]"
	if fmt.Sprint(got) != want {
		t.Fatalf("idle intervals %v, want %s", got, want)
	}
	s.reschedule(Result{Active: true}, now, o)
	if s.interval != 500*time.Millisecond || !s.next.Equal(now.Add(500*time.Millisecond)) {
		t.Fatalf("active: interval %v next %v", s.interval, s.next)
	}
	s.reschedule(Result{More: true}, now, o)
	if !s.next.Equal(now) {
		t.Fatalf("more to read should poll again at once, next %v", s.next)
	}
}

func TestWatcherAdaptivePolling(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "start\n")
	cfs := &countingFS{FS: OSFS{}, growPath: p}
	const fast, slow = 20 * time.Millisecond, 160 * time.Millisecond
	w := NewWatcher(staticDial(cfs), Options{FastInterval: fast, SlowInterval: slow}, NewFileSource("f", p))
	startWatcher(t, w)
	next[FileUpdate](t, w, 2*time.Second)
	go func() { // a reader that keeps up, as the screen does
		for range w.Events() {
		}
	}()

	// Idle: the interval grows to the slow one.
	before := cfs.stats.Load()
	time.Sleep(1200 * time.Millisecond)
	idle := cfs.stats.Load() - before
	// 20+40+80+160 ms then every 160 ms: about 10 polls in 1.2 s; at the
	// fast rate it would be 60.
	if idle > 15 || idle < 3 {
		t.Fatalf("%d polls in 1.2 s idle, want about 10 (backing off to %v)", idle, slow)
	}

	// Growing (a line appended before every poll): back to the fast
	// interval. At the slow rate 0.6 s would be 4 polls.
	cfs.grow.Store(true)
	time.Sleep(200 * time.Millisecond) // the slow poll notices, then fast
	before = cfs.stats.Load()
	time.Sleep(600 * time.Millisecond)
	busy := cfs.stats.Load() - before
	t.Logf("polls: %d in 1.2 s idle, %d in 0.6 s growing", idle, busy)
	if busy < 12 {
		t.Fatalf("%d polls in 0.6 s while the file grows, want about 30 (every %v)", busy, fast)
	}
}

func TestWatcherOneMessagePerPoll(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	var sb strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&sb, "line %d\n", i)
	}
	writeFile(t, p, sb.String())
	cfs := &countingFS{FS: OSFS{}}
	w := NewWatcher(staticDial(cfs), Options{FastInterval: 10 * time.Millisecond, SlowInterval: 20 * time.Millisecond}, NewFileSource("f", p))
	startWatcher(t, w)
	u := next[FileUpdate](t, w, 2*time.Second)
	if len(u.Batch.Lines) != 3000 || u.Key != "f" {
		t.Fatalf("3000 lines already there should come as one batch, got %d", len(u.Batch.Lines))
	}
	appendFile(t, p, "a\nb\nc\n")
	u = next[FileUpdate](t, w, 2*time.Second)
	if len(u.Batch.Lines) != 3 {
		t.Fatalf("batch %q, want the 3 new lines at once", u.Batch.Lines)
	}
	// Idle polls send nothing.
	time.Sleep(150 * time.Millisecond)
	select {
	case m := <-w.Events():
		t.Fatalf("idle poll sent %#v", m)
	default:
	}
}

func TestWatcherReconnectResumesWithNothingLostOrRepeated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "")
	var dials dialLog
	dial := func(context.Context) (FS, error) {
		dials.mu.Lock()
		defer dials.mu.Unlock()
		if dials.fails > 0 {
			dials.fails--
			return nil, errors.New("ssh: connect to host: connection refused")
		}
		b := &breakableFS{FS: OSFS{}}
		dials.made = append(dials.made, b)
		return b, nil
	}
	w := NewWatcher(dial, Options{FastInterval: 5 * time.Millisecond, SlowInterval: 20 * time.Millisecond,
		RetryMin: 5 * time.Millisecond, RetryMax: 20 * time.Millisecond}, NewFileSource("f", p))
	stop := startWatcher(t, w)

	var want, got strings.Builder
	collect := func(u FileUpdate) {
		for _, l := range u.Batch.Lines {
			got.WriteString(l + "\n")
		}
	}
	write := func(from, to int) {
		for i := from; i < to; i++ {
			s := fmt.Sprintf("line %d %s\n", i, strings.Repeat("x", i%70))
			want.WriteString(s)
			appendFile(t, p, s)
		}
	}
	waitFor := func(n int) {
		deadline := time.After(5 * time.Second)
		for got.Len() < n {
			select {
			case m := <-w.Events():
				if u, ok := m.(FileUpdate); ok {
					if u.Batch.Restart != NoRestart {
						t.Fatalf("unexpected restart %v", u.Batch.Restart)
					}
					collect(u)
				}
			case <-deadline:
				t.Fatalf("received %d of %d bytes", got.Len(), n)
			}
		}
	}

	write(0, 100)
	waitFor(want.Len())

	// The connection dies; two redials fail; the third works.
	dials.mu.Lock()
	dials.fails = 2
	dials.mu.Unlock()
	dials.current().Break()
	write(100, 200) // written while disconnected
	lost := next[ConnLost](t, w, 2*time.Second)
	if lost.Attempt != 1 || !errors.Is(lost.Err, errConnLost) {
		t.Fatalf("first loss: %+v", lost)
	}
	var attempts []int
	var restored ConnRestored
	for restored.Attempts == 0 {
		select {
		case m := <-w.Events():
			switch m := m.(type) {
			case ConnLost:
				attempts = append(attempts, m.Attempt)
			case ConnRestored:
				restored = m
			case FileUpdate:
				t.Fatalf("update while disconnected: %+v", m)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("never reconnected")
		}
	}
	if fmt.Sprint(attempts) != "[2 3]" || restored.Attempts != 3 {
		t.Fatalf("attempts %v, restored %+v; want [2 3] and 3", attempts, restored)
	}
	if dials.count() != 2 {
		t.Fatalf("%d file systems dialled, want 2", dials.count())
	}
	write(200, 300)
	waitFor(want.Len())
	stop()
	if got.String() != want.String() {
		t.Fatalf("received %d bytes, file has %d; equal=%v", got.Len(), want.Len(), got.String() == want.String())
	}
}

func TestWatcherPoke(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "a\n")
	w := NewWatcher(staticDial(OSFS{}), Options{FastInterval: time.Hour, SlowInterval: time.Hour}, NewFileSource("f", p))
	startWatcher(t, w)
	next[FileUpdate](t, w, 2*time.Second)
	appendFile(t, p, "b\n")
	w.Poke()
	u := next[FileUpdate](t, w, 2*time.Second)
	if len(u.Batch.Lines) != 1 || u.Batch.Lines[0] != "b" {
		t.Fatalf("after poke: %q", u.Batch.Lines)
	}
}

func TestWatcherPermissionErrorIsFileLevel(t *testing.T) {
	// Simulated: tests run as root, who reads anything.
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "a\n")
	var dials dialLog
	dial := func(context.Context) (FS, error) {
		dials.mu.Lock()
		defer dials.mu.Unlock()
		dials.made = append(dials.made, nil)
		return permFS{FS: OSFS{}}, nil
	}
	w := NewWatcher(dial, Options{FastInterval: 5 * time.Millisecond}, NewFileSource("f", p))
	startWatcher(t, w)
	u := next[FileUpdate](t, w, 2*time.Second)
	if !errors.Is(u.Err, os.ErrPermission) {
		t.Fatalf("update %+v, want a permission error", u)
	}
	// The same error is not repeated every poll, and no redial happens.
	select {
	case m := <-w.Events():
		t.Fatalf("repeated: %#v", m)
	case <-time.After(100 * time.Millisecond):
	}
	if dials.count() != 1 {
		t.Fatalf("%d dials for a file-level error, want 1", dials.count())
	}
}

func TestWatcherStopsCleanly(t *testing.T) {
	base := runtime.NumGoroutine()
	p := filepath.Join(t.TempDir(), "f.out")
	var sb strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&sb, "%d\n", i)
	}
	writeFile(t, p, sb.String())

	for _, tc := range []struct {
		name string
		dial Dialer
		read bool
	}{
		// Blocked sending to a reader that stopped reading.
		{"blocked on send", staticDial(OSFS{}), false},
		// Blocked in a dial that waits for its context.
		{"blocked in dial", func(ctx context.Context) (FS, error) { <-ctx.Done(); return nil, ctx.Err() }, false},
		// Waiting between redials.
		{"waiting to redial", func(context.Context) (FS, error) { return nil, errors.New("down") }, true},
		// Sleeping between polls.
		{"idle", staticDial(OSFS{}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := NewFileSource("f", p)
			src.Follower.MaxRead = 64 // many batches: the buffer fills
			w := NewWatcher(tc.dial, Options{Buffer: 1, RetryMin: time.Hour, RetryMax: time.Hour}, src)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()
			if tc.read {
				select {
				case <-w.Events():
				case <-time.After(2 * time.Second):
					t.Fatal("no first message")
				}
			}
			time.Sleep(50 * time.Millisecond)
			cancel()
			select {
			case <-done:
			case <-time.After(2 * time.Second):
				t.Fatal("Run did not return")
			}
			for range w.Events() {
			}
		})
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > base && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left running, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
}
