//go:build unix

package runner

import (
	"errors"
	"os"
	"syscall"
)

// flock takes an advisory lock on f: exclusive or shared, waiting for it
// or not. Locks belong to the open file, so two Conns of one process
// exclude each other as two processes do, and the kernel drops a dead
// process's locks by itself.
func flock(f *os.File, exclusive, wait bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		}
		return false, err
	}
}

// openNoFollow opens (creating) a lock file that must not be a link.
func openNoFollow(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
}
