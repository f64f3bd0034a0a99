package runner

import (
	"fmt"
	"io/fs"
	"os"

	"al.essio.dev/pkg/shellescape"
)

// checkPrivate refuses a file that decides what runs on the user's behalf
// (the cluster configuration: ssh options, srtctl commands; the job
// history: which jobs cancel and fetch act on) when someone else could
// have written it, as OpenSSH refuses such a ~/.ssh/config: writable by
// the group or by everyone, or owned by another user (root excepted).
// uid is the current user's.
func checkPrivate(what, path string, info fs.FileInfo, uid int) error {
	if owner, ok := fileOwner(info); ok && owner != uid && owner != 0 {
		q := shellescape.Quote(path)
		return fmt.Errorf("%s %s belongs to another user (uid %d), who could make srtctl-tui run any command as you; refusing to use it: make it a file of your own (cp %s %s.mine && mv %s.mine %s)",
			what, path, owner, q, q, q, q)
	}
	if perm := info.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("%s %s can be changed by other users (mode %04o), who could make srtctl-tui run any command as you; refusing to use it: run chmod go-w %s",
			what, path, perm, shellescape.Quote(path))
	}
	return nil
}

// statPrivate is checkPrivate of the file at path; a missing file is fine
// (it is created private).
func statPrivate(what, path string) error {
	info, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	return checkPrivate(what, path, info, os.Getuid())
}
