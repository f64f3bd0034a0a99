package tail

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// A Poke while the watcher waits to redial makes it redial at once: after
// the user logged in again, the panes must not sit out a long backoff.
func TestPokeCutsRedialBackoffShort(t *testing.T) {
	var loggedIn atomic.Bool
	var dials atomic.Int32
	dial := func(context.Context) (FS, error) {
		dials.Add(1)
		if !loggedIn.Load() {
			return nil, errors.New("Permission denied (publickey).")
		}
		return OSFS{}, nil
	}
	w := NewWatcher(dial, Options{RetryMin: time.Minute, RetryMax: time.Minute})
	startWatcher(t, w)
	// The first failure redials at once, the second waits a minute.
	if lost := next[ConnLost](t, w, 5*time.Second); lost.Attempt != 1 || lost.Retry != 0 {
		t.Fatalf("first failure: %+v", lost)
	}
	if lost := next[ConnLost](t, w, 5*time.Second); lost.Attempt != 2 || lost.Retry != time.Minute {
		t.Fatalf("second failure: %+v", lost)
	}
	time.Sleep(50 * time.Millisecond)
	if n := dials.Load(); n != 2 {
		t.Fatalf("%d dials while waiting out the backoff", n)
	}
	loggedIn.Store(true)
	start := time.Now()
	w.Poke()
	back := next[ConnRestored](t, w, 5*time.Second)
	if back.Attempts != 2 || time.Since(start) > 2*time.Second {
		t.Fatalf("restored %+v after %v", back, time.Since(start))
	}
}
