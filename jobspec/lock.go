package jobspec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// FileLock serialises the writers of one job file (parallel `set` runs,
// the form's save): an exclusive flock on a lock file beside it,
// ".<name>.lock", which stays after use (removing it would let a waiting
// writer and a new one lock two different files).
type FileLock struct {
	target string // the job file, symbolic links resolved
	f      *os.File
}

// lockWait is how long a writer waits for another one to finish.
const lockWait = 30 * time.Second

// errLockBusy is what tryLock reports while another process holds it.
var errLockBusy = errors.New("lock held")

// LockFile takes the writers' lock of the job file at path (the file a
// symbolic link points to), waiting up to 30 s for another writer.
func LockFile(path string) (*FileLock, error) {
	target := resolveLink(path)
	lockPath := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock")
	f, err := openLockFile(lockPath)
	if err != nil {
		return nil, fmt.Errorf("%s: taking the writers' lock: %w", path, err)
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := tryLock(f)
		if err == nil {
			return &FileLock{target: target, f: f}, nil
		}
		if !errors.Is(err, errLockBusy) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, errLockBusy) {
				return nil, fmt.Errorf("%s: another writer has held %s for %s; try again when it is done", path, lockPath, lockWait)
			}
			return nil, fmt.Errorf("%s: taking the writers' lock %s: %w", path, lockPath, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Unlock releases the lock; a nil lock is fine.
func (l *FileLock) Unlock() {
	if l != nil && l.f != nil {
		l.f.Close() // closing releases the flock
		l.f = nil
	}
}

// holds reports whether l is the held lock of the file at path.
func (l *FileLock) holds(path string) bool {
	return l != nil && l.f != nil && sameFile(l.target, resolveLink(path))
}

// LoadLocked takes the writers' lock of path, then loads it: what is read
// is what the lock protects until Unlock, so an edit applied to it and
// saved cannot overwrite another writer's. Save keeps the lock held.
func LoadLocked(path string) (*Doc, error) {
	l, err := LockFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Load(path)
	if err != nil {
		l.Unlock()
		return nil, err
	}
	d.lock = l
	return d, nil
}

// Unlock releases the lock LoadLocked took (nothing otherwise).
func (d *Doc) Unlock() {
	d.lock.Unlock()
	d.lock = nil
}
