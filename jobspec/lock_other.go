//go:build !unix

package jobspec

import "os"

// tryLock: no flock here; writers are not serialised.
func tryLock(*os.File) error { return nil }
