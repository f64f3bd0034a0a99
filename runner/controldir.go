package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// maxControlDir keeps <dir>/<40 hex digits of %C> and its ".lock" beside it
// under the 104 bytes macOS allows in a socket path.
const maxControlDir = 56

// DefaultControlDir is where master sockets live: $XDG_RUNTIME_DIR/srtctl-tui
// when XDG_RUNTIME_DIR is a private directory of the user's (as systemd
// makes it), else srtctl-tui in the user's cache directory (~/.cache), else
// ~/.srtctl-tui. Never a fixed name in a shared directory such as /tmp:
// another local user could create it first, and block (or, if it were
// accepted, hijack) every connection.
func DefaultControlDir() string {
	for _, d := range controlDirCandidates() {
		if len(d) <= maxControlDir {
			return d
		}
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".srtctl-tui")
}

func controlDirCandidates() []string {
	var out []string
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" && filepath.IsAbs(rt) && checkPrivateDir(rt, false) == nil {
		out = append(out, filepath.Join(rt, "srtctl-tui"))
	}
	if cache, err := os.UserCacheDir(); err == nil && filepath.IsAbs(cache) {
		out = append(out, filepath.Join(cache, "srtctl-tui"))
	}
	if home, err := os.UserHomeDir(); err == nil && filepath.IsAbs(home) {
		out = append(out, filepath.Join(home, ".srtctl-tui"))
	}
	return out
}

// ensurePrivateDir makes dir (mode 0700) when it is missing and refuses one
// that is not safe to hold sockets: a symbolic link, not a directory, owned
// by someone else, or open to others. Whoever can plant a socket there gets
// our commands; whoever made the directory first could also remove ours.
func ensurePrivateDir(dir string) error {
	if len(dir) > maxControlDir {
		return fmt.Errorf("%s is too long for a socket path (at most %d bytes); set XDG_RUNTIME_DIR or choose a shorter directory", dir, maxControlDir)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return err
	}
	// Mkdir, not MkdirAll: an existing entry must be looked at, not trusted.
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return checkPrivateDir(dir, true)
}

// checkPrivateDir refuses a directory that is a link, someone else's, or that
// others may write (strict: or read, or enter).
func checkPrivateDir(dir string, strict bool) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	switch {
	case info.Mode()&os.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link; the socket directory must be a real directory of yours (remove the link)", dir)
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	if owner, ok := fileOwner(info); ok && owner != os.Getuid() {
		return fmt.Errorf("%s belongs to another user (uid %d), who could reach your clusters through it; remove it or set XDG_RUNTIME_DIR", dir, owner)
	}
	mask := os.FileMode(0o022)
	if strict {
		mask = 0o077
	}
	if info.Mode().Perm()&mask != 0 {
		return fmt.Errorf("%s is open to other users (mode %04o); make it private: chmod 700 %s", dir, info.Mode().Perm(), dir)
	}
	return nil
}
