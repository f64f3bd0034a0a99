package runner

import (
	"os"
	"syscall"
	"testing"
)

func TestGrowPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	size := func() int {
		n, _, errno := syscall.Syscall(syscall.SYS_FCNTL, r.Fd(), 1032 /* F_GETPIPE_SZ */, 0)
		if errno != 0 {
			t.Fatal(errno)
		}
		return int(n)
	}
	before := size()
	growPipe(r, 1<<20)
	if got := size(); got < 1<<20 || got <= before {
		t.Fatalf("pipe buffer %d after growPipe (was %d)", got, before)
	}
}
