package jobspec

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ReadFile reads a YAML file for the gate: a regular file only (a named
// pipe would block the reader forever, /dev/zero never ends, a device is
// not a file to edit), of at most MaxYAMLSize bytes. It follows symbolic
// links, so a link to a device is refused as the device is. The info is the
// opened file's.
func ReadFile(path string) ([]byte, fs.FileInfo, error) {
	f, fst, err := OpenRegular(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if fst.Size() > MaxYAMLSize {
		return nil, nil, fmt.Errorf("%s: %w", path, errTooLarge(fst.Size()))
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxYAMLSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxYAMLSize {
		return nil, nil, fmt.Errorf("%s: grew beyond %d bytes while being read", path, MaxYAMLSize)
	}
	return data, fst, nil
}

// OpenRegular opens path for reading if it is a regular file (following
// symbolic links), and returns the open file's info.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if err := regularFile(path, st); err != nil {
		return nil, nil, err
	}
	// O_NONBLOCK: should a pipe replace the file after the Stat, opening
	// it must not wait for a writer; the Stat of the open file refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fst, err := f.Stat()
	if err == nil {
		err = regularFile(path, fst)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fst, nil
}

// regularFile refuses anything but a regular file, saying what it is.
func regularFile(path string, st fs.FileInfo) error {
	if st.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s: is %s, not a regular file; give the path of a YAML file", path, fileKind(st.Mode()))
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file (" + m.Type().String() + ")"
}
