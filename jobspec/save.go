package jobspec

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrChangedOnDisk is returned by Save when the file on disk is no longer
// the one that was loaded (someone else edited it meanwhile).
var ErrChangedOnDisk = errors.New("the file changed on disk since it was loaded; reload it before saving")

// Save writes the current content to path atomically: a temporary file in
// the same directory, fsync, then rename over the target (the file a
// symbolic link points to, when path is one). The previous content is kept
// as target + ".bak" and the file mode is preserved. It holds the
// writers' lock (LockFile) while it re-reads the file and writes, and
// refuses (ErrChangedOnDisk) when the Doc was loaded from path and the
// file on disk is no longer what was loaded. It never replaces a named
// pipe, a device or a directory, and without opts.Force it refuses what
// replacing would silently damage (*UnsafeTargetError: read-only, hard
// linked, another user's). After a successful save the Doc remembers the
// new state, so a second Save works.
func (d *Doc) Save(path string) error { return d.SaveWith(path, SaveOptions{}) }

// SaveWith is Save with options.
func (d *Doc) SaveWith(path string, opts SaveOptions) error {
	// Never write what does not parse back: the edit functions check each
	// change, this guards against a caller-built Doc.
	if _, _, err := parseTree(path, d.src); err != nil {
		return fmt.Errorf("refusing to save: %w", err)
	}
	// Through a symbolic link, write the file it points to (and keep the
	// .bak beside that file): replacing the link with a file would leave
	// the real file unchanged and break the link.
	target := resolveLink(path)
	if !d.lock.holds(path) {
		l, err := LockFile(path)
		if err != nil {
			return err
		}
		defer l.Unlock()
	}
	loadedHere := d.disk != nil && sameFile(d.disk.path, path)
	mode := fs.FileMode(0o644)
	var old []byte
	st, err := os.Stat(target)
	switch {
	case err == nil:
		if err := regularFile(path, st); err != nil {
			return fmt.Errorf("%w; nothing written", err)
		}
		if !opts.Force {
			if err := checkTarget(path, st, os.Getuid()); err != nil {
				return err
			}
		}
		if old, _, err = ReadFile(target); err != nil {
			return err
		}
		if loadedHere && !bytes.Equal(old, d.disk.content) {
			return fmt.Errorf("%s: %w", path, ErrChangedOnDisk)
		}
		mode = st.Mode().Perm()
	case errors.Is(err, fs.ErrNotExist):
		if loadedHere {
			return fmt.Errorf("%s: %w (it was deleted)", path, ErrChangedOnDisk)
		}
	default:
		return err
	}
	if loadedHere {
		mode = d.disk.mode
	}
	if old != nil {
		if err := writeAtomic(BackupPath(path), old, mode); err != nil {
			return fmt.Errorf("keeping the previous version: %w", err)
		}
	}
	if err := writeAtomic(target, d.src, mode); err != nil {
		return err
	}
	st, err = os.Stat(path)
	if err != nil {
		return err
	}
	d.name = path
	d.disk = &diskState{path: path, size: st.Size(), modTime: st.ModTime(), mode: mode, content: append([]byte(nil), d.src...)}
	return nil
}

// BackupPath is where Save keeps the previous version of path: beside
// the file a symbolic link points to, not beside the link.
func BackupPath(path string) string { return resolveLink(path) + ".bak" }

// resolveLink is the file path names once symbolic links are followed
// (path itself when it is not a link; a dangling link's destination).
func resolveLink(path string) string {
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return path
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	dest, err := os.Readlink(path)
	if err != nil {
		return path
	}
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(filepath.Dir(path), dest)
	}
	return dest
}

func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

// writeAtomic writes data to a temporary file next to path, syncs it,
// sets mode, renames it over path and syncs the directory.
func writeAtomic(path string, data []byte, mode fs.FileMode) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if df, derr := os.Open(dir); derr == nil {
		_ = df.Sync() // best effort: some file systems refuse to sync a directory
		df.Close()
	}
	return nil
}
