package runner

import (
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/pkg/sftp"
)

// FS is the read side of a cluster's files. package tail declares the same
// method set, so a runner FS is a tail FS without either importing the
// other. Names are absolute paths on the cluster.
type FS interface {
	// Stat reports a missing file with an error matching fs.ErrNotExist.
	Stat(name string) (fs.FileInfo, error)
	Open(name string) (io.ReadSeekCloser, error)
	ReadDir(name string) ([]fs.FileInfo, error)
}

// writeFS is what Submit and the tests need besides reading.
type writeFS interface {
	FS
	MkdirAll(name string) error
	// Create makes a new file; it fails if name exists.
	Create(name string) (io.WriteCloser, error)
	Rename(oldname, newname string) error
	Remove(name string) error
}

// sftpFS is FS over one SFTP session. pkg/sftp maps "no such file" to
// os.ErrNotExist, which is fs.ErrNotExist.
type sftpFS struct{ c *sftp.Client }

func (s sftpFS) Stat(name string) (fs.FileInfo, error) { return s.c.Stat(name) }

// Open refuses anything but a regular file before asking the server to
// open it: sftp-server opening a FIFO blocks until someone writes to it,
// and with it the whole session; a device never ends. The file is checked
// again once open, in case it was swapped in between.
func (s sftpFS) Open(name string) (io.ReadSeekCloser, error) {
	info, err := s.c.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := regularFile(name, info); err != nil {
		return nil, err
	}
	f, err := s.c.Open(name)
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err != nil || regularFile(name, info) != nil {
		f.Close()
		if err == nil {
			err = regularFile(name, info)
		}
		return nil, err
	}
	return f, nil
}

// NotRegularError is the error of Open on a FIFO, a device, a socket or a
// directory. It matches fs.ErrInvalid, which package tail takes as a
// problem of that one file, not of the connection.
type NotRegularError struct{ What string }

func (e *NotRegularError) Error() string {
	return "a " + e.What + ", not a regular file; refusing to read it"
}

func (e *NotRegularError) Is(target error) bool { return target == fs.ErrInvalid }

// regularFile is nil for a regular file, else a *fs.PathError saying what
// name is instead.
func regularFile(name string, info fs.FileInfo) error {
	m := info.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "special file"
	switch {
	case m.IsDir():
		what = "directory"
	case m&fs.ModeNamedPipe != 0:
		what = "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "socket"
	case m&fs.ModeDevice != 0:
		what = "device"
	}
	return &fs.PathError{Op: "open", Path: name, Err: &NotRegularError{What: what}}
}

func (s sftpFS) ReadDir(name string) ([]fs.FileInfo, error) { return s.c.ReadDir(name) }

func (s sftpFS) MkdirAll(name string) error { return s.c.MkdirAll(name) }

func (s sftpFS) Create(name string) (io.WriteCloser, error) {
	f, err := s.c.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (s sftpFS) Rename(oldname, newname string) error { return s.c.Rename(oldname, newname) }

func (s sftpFS) Remove(name string) error { return s.c.Remove(name) }

// osFS is FS over this machine, for the local cluster. Entries that vanish
// while a directory is listed are left out, as SFTP would not show them.
type osFS struct{}

func (osFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// Open opens name only if it is a regular file. O_NONBLOCK makes opening a
// FIFO return at once instead of waiting for a writer (it changes nothing
// for a regular file), and the type is checked on the open file, so a
// FIFO or device swapped in after a Stat is still refused.
func (osFS) Open(name string) (io.ReadSeekCloser, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err == nil {
		err = regularFile(name, info)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (osFS) ReadDir(name string) ([]fs.FileInfo, error) {
	entries, err := os.ReadDir(name)
	if err != nil {
		return nil, err
	}
	infos := make([]fs.FileInfo, 0, len(entries))
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			infos = append(infos, info)
		}
	}
	return infos, nil
}

func (osFS) MkdirAll(name string) error { return os.MkdirAll(name, 0o755) }

func (osFS) Create(name string) (io.WriteCloser, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}

func (osFS) Rename(oldname, newname string) error { return os.Rename(oldname, newname) }

func (osFS) Remove(name string) error { return os.Remove(name) }
