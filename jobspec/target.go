package jobspec

import (
	"fmt"
	"io/fs"
	"os"
)

// SaveOptions change what Save may replace.
type SaveOptions struct {
	// Force replaces a file that is read-only, has other hard links or
	// belongs to another user (what --force asks). A named pipe, a device
	// or a directory is never replaced.
	Force bool
}

// UnsafeTargetError is a file Save would silently damage by replacing it:
// why says how, and --force replaces it anyway.
type UnsafeTargetError struct {
	Path, Why string
}

func (e *UnsafeTargetError) Error() string {
	return fmt.Sprintf("%s: not written: %s (--force replaces it anyway)", e.Path, e.Why)
}

// checkTarget says why replacing the existing file st at path would lose
// something the user did not ask to lose: its read-only mode, the other
// names of a hard link (they would keep the old content), or its owner.
func checkTarget(path string, st fs.FileInfo, uid int) error {
	if err := regularFile(path, st); err != nil {
		return err
	}
	if st.Mode().Perm()&0o200 == 0 {
		return &UnsafeTargetError{path, fmt.Sprintf("it is read-only (mode %04o); chmod u+w it first if it is meant to change", st.Mode().Perm())}
	}
	if n := linkCount(st); n > 1 {
		return &UnsafeTargetError{path, fmt.Sprintf("it has %d hard links; the new version would replace this name only, and the other %d would keep the old content", n, n-1)}
	}
	if owner, ok := ownerOf(st); ok && owner != uid {
		return &UnsafeTargetError{path, fmt.Sprintf("it belongs to another user (uid %d); the new version would be yours", owner)}
	}
	return nil
}

// CheckReplace reports why Save would refuse to replace the file at path
// (nil for a file it may replace, or none): for commands that want to say
// so before the user starts editing.
func CheckReplace(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return checkTarget(path, st, os.Getuid())
}
