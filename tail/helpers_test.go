package tail

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// countingFS counts the calls that reach the file system. With grow set,
// each Stat of growPath first appends a line to it, so that every poll
// finds the file grown.
type countingFS struct {
	FS
	stats, opens, readDirs atomic.Int64
	grow                   atomic.Bool
	growPath               string
}

func (c *countingFS) Stat(name string) (fs.FileInfo, error) {
	c.stats.Add(1)
	if c.grow.Load() && name == c.growPath {
		f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		_, err = f.WriteString("grown\n")
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return c.FS.Stat(name)
}

func (c *countingFS) Open(name string) (io.ReadSeekCloser, error) {
	c.opens.Add(1)
	return c.FS.Open(name)
}

func (c *countingFS) ReadDir(name string) ([]fs.FileInfo, error) {
	c.readDirs.Add(1)
	return c.FS.ReadDir(name)
}

var errConnLost = errors.New("connection lost")

// breakableFS works until Break, then fails every call like a dead
// connection.
type breakableFS struct {
	FS
	broken atomic.Bool
}

func (b *breakableFS) Break() { b.broken.Store(true) }

func (b *breakableFS) Stat(name string) (fs.FileInfo, error) {
	if b.broken.Load() {
		return nil, errConnLost
	}
	return b.FS.Stat(name)
}

func (b *breakableFS) Open(name string) (io.ReadSeekCloser, error) {
	if b.broken.Load() {
		return nil, errConnLost
	}
	return b.FS.Open(name)
}

func (b *breakableFS) ReadDir(name string) ([]fs.FileInfo, error) {
	if b.broken.Load() {
		return nil, errConnLost
	}
	return b.FS.ReadDir(name)
}

// dialLog hands out breakableFS values and remembers them.
type dialLog struct {
	mu    sync.Mutex
	made  []*breakableFS
	fails int // the next dials that fail
}

func (d *dialLog) current() *breakableFS {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.made[len(d.made)-1]
}

func (d *dialLog) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.made)
}

// permFS refuses to open files, as a remote file of another user would.
type permFS struct{ FS }

func (permFS) Open(name string) (io.ReadSeekCloser, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}
