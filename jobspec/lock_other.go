//go:build !unix

package jobspec

import "os"

// tryLock: no flock here; writers are not serialised.
func tryLock(*os.File) error { return nil }

func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}
