//go:build unix

package runner

import (
	"io/fs"
	"syscall"
)

func fileOwner(info fs.FileInfo) (int, bool) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), true
	}
	return 0, false
}
