package monitor

import (
	"os"
	"path/filepath"
	"strings"
)

// saver keeps a local copy of each followed file exactly as received: whole
// lines, raw bytes (before safetext.Line), started over when the remote file
// was truncated or replaced. Files are named as in the job's directory (a
// today's run's per-node logs keep their workers/ directory). A nil saver
// does nothing.
type saver struct {
	dir   string
	files map[string]*os.File
	err   error
}

func newSaver(dir string) *saver { return &saver{dir: dir, files: map[string]*os.File{}} }

func (s *saver) file(name string, truncate bool) *os.File {
	if f, ok := s.files[name]; ok && !truncate {
		return f
	}
	if f, ok := s.files[name]; ok {
		f.Close()
		delete(s.files, name)
	}
	if s.err != nil {
		return nil
	}
	p := filepath.Join(s.dir, filepath.Clean("/"+name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		s.err = err
		return nil
	}
	f, err := os.Create(p)
	if err != nil {
		s.err = err
		return nil
	}
	s.files[name] = f
	return f
}

func (s *saver) write(st Stream, lines []string) { s.writeName(st.File(), lines) }

func (s *saver) restart(st Stream) { s.restartName(st.File()) }

func (s *saver) writeName(name string, lines []string) {
	if s == nil || len(lines) == 0 {
		return
	}
	if f := s.file(name, false); f != nil {
		f.WriteString(strings.Join(lines, "\n") + "\n")
	}
}

func (s *saver) restartName(name string) {
	if s != nil {
		s.file(name, true)
	}
}

func (s *saver) close() {
	for _, f := range s.files {
		f.Close()
	}
}
