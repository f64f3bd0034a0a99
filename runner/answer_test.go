package runner

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func waitAnsweringAsync(c *Conn, server bool) (<-chan error, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	done := make(chan error, 1)
	go func() { done <- c.WaitAnswering(ctx, server) }()
	return done, cancel
}

// WaitAnswering returns as soon as the server's port or the master's
// socket answers again, and not while nothing went down.
func TestWaitAnswering(t *testing.T) {
	dir, err := os.MkdirTemp("", "wa")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // the server is down
	c := &Conn{cluster: Cluster{Name: "x"}, controlPath: filepath.Join(dir, "sock"), serverAddr: addr}

	// The server comes back: at once, not at a backoff slot.
	done, cancel := waitAnsweringAsync(c, true)
	defer cancel()
	time.Sleep(400 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("returned while the server was down: %v", err)
	default:
	}
	l, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	start := time.Now()
	if err := <-done; err != nil || time.Since(start) > time.Second {
		t.Fatalf("server back: %v after %v", err, time.Since(start))
	}

	// Without server, only the socket counts: it answers after it did not.
	done, cancel2 := waitAnsweringAsync(c, false)
	defer cancel2()
	time.Sleep(400 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("returned although the socket never answered (the port does, but was not asked): %v", err)
	default:
	}
	hangUpSocket(t, c.controlPath)
	start = time.Now()
	if err := <-done; err != nil || time.Since(start) > time.Second {
		t.Fatalf("socket back: %v after %v", err, time.Since(start))
	}

	// A socket that answers all along is no news: no retry loop.
	done, cancel3 := waitAnsweringAsync(c, false)
	defer cancel3()
	select {
	case err := <-done:
		t.Fatalf("returned at once on a socket that never went down: %v", err)
	case <-time.After(700 * time.Millisecond):
	}
}
