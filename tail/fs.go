package tail

import (
	"io"
	"io/fs"
	"os"
)

// FS is the file system the followers read through. runner declares the
// same method set, so its SFTP and local implementations satisfy this one
// without either package importing the other. Names are absolute paths in
// the remote (POSIX) syntax.
type FS interface {
	// Stat reports a missing file with an error matching fs.ErrNotExist.
	Stat(name string) (fs.FileInfo, error)
	Open(name string) (io.ReadSeekCloser, error)
	ReadDir(name string) ([]fs.FileInfo, error)
}

// OSFS is FS over the local operating system, for the local cluster and for
// tests. Unlike os.DirFS it takes absolute paths as they are.
type OSFS struct{}

// Stat returns os.Stat(name).
func (OSFS) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

// Open opens name for reading.
func (OSFS) Open(name string) (io.ReadSeekCloser, error) { return os.Open(name) }

// ReadDir lists name. Entries that vanish while being listed are left out,
// as a remote listing would not have shown them either.
func (OSFS) ReadDir(name string) ([]fs.FileInfo, error) {
	entries, err := os.ReadDir(name)
	if err != nil {
		return nil, err
	}
	infos := make([]fs.FileInfo, 0, len(entries))
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		infos = append(infos, info)
	}
	return infos, nil
}
