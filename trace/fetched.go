package trace

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// A fetched run is one job's traces as `fetch` (and the monitor's d) leave
// them: ./profiles/<ID>/, the job's profiles/ layout kept below it.

// FetchedRun is one folder under a profiles base directory.
type FetchedRun struct {
	ID     string
	Dir    string
	Phases []string  // in display order; "" for traces no name places
	Files  []string  // as Find returns them
	Time   time.Time // the newest trace's modification: when it was fetched
}

// FetchedBase is the profiles base directory and the run folder that paths
// were found in: the nearest folder above their common directory whose
// parent is named "profiles". ok is false when there is none (traces
// summarised from elsewhere have no fetched siblings to compare with).
func FetchedBase(paths []string) (base, runDir string, ok bool) {
	if len(paths) == 0 {
		return "", "", false
	}
	common := filepath.Dir(filepath.Clean(paths[0]))
	for _, p := range paths[1:] {
		d := filepath.Dir(filepath.Clean(p))
		for !within(d, common) {
			parent := filepath.Dir(common)
			if parent == common {
				return "", "", false
			}
			common = parent
		}
	}
	for d := common; ; {
		parent := filepath.Dir(d)
		if parent == d {
			return "", "", false
		}
		if filepath.Base(parent) == "profiles" {
			return parent, d, true
		}
		d = parent
	}
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// maxFetchedRuns bounds how many sibling folders are looked into: a
// profiles directory kept for years should not stall the screen.
const maxFetchedRuns = 200

// FetchedRuns lists the folders under base that hold traces, except skip,
// newest first.
func FetchedRuns(base, skip string) ([]FetchedRun, error) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, err
	}
	var runs []FetchedRun
	for _, e := range entries {
		if !e.IsDir() || len(runs) >= maxFetchedRuns {
			continue
		}
		dir := filepath.Join(base, e.Name())
		if filepath.Clean(dir) == filepath.Clean(skip) {
			continue
		}
		files, err := Find([]string{dir})
		if err != nil || len(files) == 0 {
			continue
		}
		r := FetchedRun{ID: e.Name(), Dir: dir, Files: files}
		for _, f := range files {
			if ph := PhaseOf(f); !slices.Contains(r.Phases, ph) {
				r.Phases = append(r.Phases, ph)
			}
			if fi, err := os.Stat(f); err == nil && fi.ModTime().After(r.Time) {
				r.Time = fi.ModTime()
			}
		}
		runs = append(runs, r)
	}
	slices.SortStableFunc(runs, func(a, b FetchedRun) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return runs, nil
}
