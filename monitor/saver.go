package monitor

import (
	"os"
	"path/filepath"
	"strings"
)

// saver keeps a local copy of each followed file exactly as received: whole
// lines, raw bytes (before safetext.Line), started over when the remote file
// was truncated or replaced. A nil saver does nothing.
type saver struct {
	dir   string
	files map[Stream]*os.File
	err   error
}

func newSaver(dir string) *saver { return &saver{dir: dir, files: map[Stream]*os.File{}} }

func (s *saver) file(st Stream, truncate bool) *os.File {
	if f, ok := s.files[st]; ok && !truncate {
		return f
	}
	if f, ok := s.files[st]; ok {
		f.Close()
		delete(s.files, st)
	}
	if s.err != nil {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		s.err = err
		return nil
	}
	f, err := os.Create(filepath.Join(s.dir, st.File()))
	if err != nil {
		s.err = err
		return nil
	}
	s.files[st] = f
	return f
}

func (s *saver) write(st Stream, lines []string) {
	if s == nil || len(lines) == 0 {
		return
	}
	if f := s.file(st, false); f != nil {
		f.WriteString(strings.Join(lines, "\n") + "\n")
	}
}

func (s *saver) restart(st Stream) {
	if s != nil {
		s.file(st, true)
	}
}

func (s *saver) close() {
	for _, f := range s.files {
		f.Close()
	}
}
