package runner

import (
	"os"
	"syscall"
)

// growPipe asks Linux for a larger pipe buffer (F_SETPIPE_SZ): with the
// default 64 KiB, the SFTP session's ssh and this process take turns
// every packet, and a fetch ran at 0.7x of plain sftp. Best effort: a lower
// limit (/proc/sys/fs/pipe-max-size) keeps the default.
func growPipe(f *os.File, size int) {
	const fSetPipeSz = 1031
	rc, err := f.SyscallConn() // not Fd: that would make the pipe blocking
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSz, uintptr(size))
	})
}
