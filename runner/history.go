package runner

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
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

// Entries returns the history oldest first. Lines that do not parse are
// skipped and counted in skipped; a missing file is an empty history.
func (h *History) Entries() (entries []Entry, skipped int, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, err := os.Open(h.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("job history: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e Entry
		if len(sc.Bytes()) == 0 {
			continue
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.JobID == "" || e.Cluster == "" {
			skipped++
			continue
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return entries, skipped, fmt.Errorf("job history %s: %w", h.path, err)
	}
	return entries, skipped, nil
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
