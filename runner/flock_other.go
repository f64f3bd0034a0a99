//go:build !unix

package runner

import "os"

// flock is a no-op where there is no flock(2): master starts are then not
// serialised between processes.
func flock(*os.File, bool, bool) (bool, error) { return true, nil }

func openNoFollow(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
}
