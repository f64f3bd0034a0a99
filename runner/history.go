package runner

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Entry is one submitted job in the history.
type Entry struct {
	Cluster string `json:"cluster"`
	JobID   string `json:"id"`
	Name    string `json:"name,omitempty"`
	LogDir  string `json:"log_dir,omitempty"`
	// JobFile is the local job file that was submitted.
	JobFile string `json:"job_file,omitempty"`
	// RemoteJobFile is the uploaded copy srtctl read.
	RemoteJobFile string    `json:"remote_job_file,omitempty"`
	SubmittedAt   time.Time `json:"time"`
}

// History is the local, append-only record of submitted jobs: one JSON
// object per line, so concurrent writers (two terminals) never interleave
// within an entry and a damaged line loses only itself.
type History struct {
	path string
	mu   sync.Mutex
}

// DefaultHistoryPath is $XDG_STATE_HOME/srtctl-tui/history.jsonl
// (~/.local/state/srtctl-tui/history.jsonl when unset).
func DefaultHistoryPath() string {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "srtctl-tui", "history.jsonl")
}

// OpenHistory returns the history stored at path (created on first Append).
func OpenHistory(path string) *History { return &History{path: path} }

// Path is the history file.
func (h *History) Path() string { return h.path }

// Append records e with one write to the end of the file.
func (h *History) Append(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return fmt.Errorf("job history: %w", err)
	}
	if err := statPrivate("the job history", h.path); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("job history: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("job history %s: %w", h.path, err)
	}
	return f.Close()
}

// maxHistoryLine bounds one line of the history; an entry is a few
// hundred bytes.
const maxHistoryLine = 64 << 10

// MaxSkippedNamed is how many damaged lines Entries names one by one; the
// rest are counted in one more message, so that a history damaged
// throughout (20,000 bad lines took 1.3 GB to report) costs no memory.
const MaxSkippedNamed = 20

// Entries returns the history oldest first. A line that is not an entry
// (not JSON, no cluster, a job id SLURM would refuse) is skipped and named
// in skipped as "file:line: why", so one damaged line cannot break the
// listing of every job of its cluster; after MaxSkippedNamed of them, one
// last message counts the rest. A missing file is an empty history.
// A history others can write is refused (see checkPrivate).
func (h *History) Entries() (entries []Entry, skipped []string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	// A regular file only: a pipe would block every command that reads it.
	data, info, err := jobspec.OpenRegular(h.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("job history: %w", err)
	}
	defer data.Close()
	if err := checkPrivate("the job history", h.path, info, os.Getuid()); err != nil {
		return nil, nil, err
	}
	r := bufio.NewReaderSize(data, 64<<10)
	more, firstMore := 0, 0
	done := func() []string {
		if more > 0 {
			skipped = append(skipped, fmt.Sprintf("%s:%d: %d more damaged lines from here on; skipped", h.path, firstMore, more))
		}
		return skipped
	}
	for n := 1; ; n++ {
		line, long, err := readHistoryLine(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return entries, done(), nil
			}
			return entries, done(), fmt.Errorf("job history %s: %w", h.path, err)
		}
		if len(bytes.TrimSpace(line)) == 0 && !long {
			continue
		}
		e, why := parseHistoryLine(line, long)
		switch {
		case why == "":
			entries = append(entries, e)
		case len(skipped) < MaxSkippedNamed:
			skipped = append(skipped, fmt.Sprintf("%s:%d: %s; line skipped", h.path, n, why))
		default:
			if more++; more == 1 {
				firstMore = n
			}
		}
	}
}

// readHistoryLine reads one line; long reports a line above maxHistoryLine
// (read to its end and dropped).
func readHistoryLine(r *bufio.Reader) (line []byte, long bool, err error) {
	for {
		chunk, more, err := r.ReadLine()
		if err != nil {
			if errors.Is(err, io.EOF) && (len(line) > 0 || long) {
				return line, long, nil
			}
			return nil, false, err
		}
		if !long && len(line)+len(chunk) <= maxHistoryLine {
			line = append(line, chunk...)
		} else {
			long, line = true, nil
		}
		if !more {
			return line, long, nil
		}
	}
}

// parseHistoryLine reads one entry; why says what is wrong with it.
func parseHistoryLine(line []byte, long bool) (Entry, string) {
	var e Entry
	switch {
	case long:
		return e, fmt.Sprintf("longer than %d bytes", maxHistoryLine)
	case json.Unmarshal(line, &e) != nil:
		return e, "not a JSON entry"
	case e.Cluster == "" || strings.ContainsFunc(e.Cluster, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '/' }):
		return e, fmt.Sprintf("cluster %q is not a cluster name", shortened(e.Cluster))
	case !ValidJobID(e.JobID):
		return e, fmt.Sprintf("job id %q is not a SLURM job id", shortened(e.JobID))
	}
	return e, ""
}

// Find returns the latest entry for job id (on cluster, unless cluster is "").
func (h *History) Find(cluster, id string) (Entry, bool, error) {
	entries, _, err := h.Entries()
	if err != nil {
		return Entry{}, false, err
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.JobID == id && (cluster == "" || e.Cluster == cluster) {
			return e, true, nil
		}
	}
	return Entry{}, false, nil
}

// shortened keeps a damaged value short enough to quote in a message.
func shortened(s string) string {
	const keep = 60
	if len(s) <= keep {
		return s
	}
	i := keep
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
