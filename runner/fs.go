package runner

import (
	"io"
	"io/fs"
	"os"

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

func (s sftpFS) Open(name string) (io.ReadSeekCloser, error) {
	f, err := s.c.Open(name)
	if err != nil {
		return nil, err
	}
	return f, nil
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

func (osFS) Open(name string) (io.ReadSeekCloser, error) {
	f, err := os.Open(name)
	if err != nil {
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
