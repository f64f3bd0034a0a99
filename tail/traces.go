package tail

import (
	"errors"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Trace kinds.
const (
	TraceTorch = "torch" // profiles/<phase>/*.json[.gz], Chrome trace
	TraceNsys  = "nsys"  // profiles/<phase>_<rank>.nsys-rep
)

// TraceFile is one trace found under <logdir>/profiles/.
type TraceFile struct {
	Path    string
	Kind    string // TraceTorch or TraceNsys
	Rank    int    // from "-TP-<n>" (torch) or "_<n>" (nsys); -1 if unknown
	Size    int64
	ModTime time.Time
	// Endpoint names the worker that wrote the file, so that files can be
	// counted per profiled endpoint: today's nsys "<mode>_w<i>[_e<id>]",
	// a torch trace's profile id (what precedes "-TP-").
	Endpoint string
	// Complete: the size stayed the same across two scans at least
	// StableFor apart (traces are written at the end of the profiled
	// window, and shared file systems report stale sizes for seconds).
	Complete bool
}

// PhaseTraces is what one phase has under profiles/.
type PhaseTraces struct {
	Phase     string
	Files     []TraceFile // sorted by path
	TotalSize int64
	Growing   int // files not complete yet
	// InProgress are nsys .qdstrm files: Nsight Systems is still writing;
	// they are not reports.
	InProgress []string
	// NoTrace: the phase's script finished at least the grace period ago
	// and nothing at all appeared. A failure to show.
	NoTrace bool
}

// Ready reports whether the phase has traces and all are complete.
func (p *PhaseTraces) Ready() bool {
	return len(p.Files) > 0 && p.Growing == 0 && len(p.InProgress) == 0
}

// TracesReady reports whether every phase has its traces complete.
func TracesReady(phases []PhaseTraces) bool {
	if len(phases) == 0 {
		return false
	}
	for i := range phases {
		if !phases[i].Ready() {
			return false
		}
	}
	return true
}

// TraceScanner looks for the traces of a job's phases. Not safe for
// concurrent use.
type TraceScanner struct {
	LogDir string
	Phases []string
	// ModeDirs: each phase's directory holds its nsys reports too, named
	// per node and worker (srtctl 1.0.x and 2.x); P1 puts them in profiles/.
	ModeDirs bool
	// StableFor is how long a size must hold to call a file complete
	// (besides two scans); 0 means two scans are enough.
	StableFor time.Duration
	// Grace is how long after a phase ended a missing trace becomes
	// NoTrace; PhaseEnded tells when (if) the phase ended.
	Grace      time.Duration
	PhaseEnded func(phase string) (time.Time, bool)
	Now        func() time.Time

	seen map[string]sizeSeen
}

type sizeSeen struct {
	size    int64
	modTime time.Time
	since   time.Time // first scan that saw this size
	scans   int       // consecutive scans that saw this size
}

var reTorchRank = regexp.MustCompile(`-TP-(\d+)`)

// Scan lists <logdir>/profiles/ and each phase's directory once. A missing
// directory is no trace yet, not an error.
func (s *TraceScanner) Scan(fsys FS) ([]PhaseTraces, error) {
	now := s.now()
	root := path.Join(s.LogDir, "profiles")
	top, err := readDirIfExists(fsys, root)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]sizeSeen)
	out := make([]PhaseTraces, 0, len(s.Phases))
	for _, phase := range s.Phases {
		pt := PhaseTraces{Phase: phase}
		for _, info := range top {
			name := info.Name()
			switch {
			case info.IsDir() && name == phase:
				entries, err := readDirIfExists(fsys, path.Join(root, phase))
				if err != nil {
					return nil, err
				}
				for _, e := range entries {
					p := path.Join(root, phase, e.Name())
					switch {
					case e.IsDir():
					case isTorchTrace(e.Name()):
						f := s.file(seen, now, p, TraceTorch, torchRank(e.Name()), e)
						f.Endpoint, _, _ = strings.Cut(e.Name(), "-TP-")
						pt.Files = append(pt.Files, f)
					case s.ModeDirs && strings.HasSuffix(e.Name(), ".nsys-rep"):
						f := s.file(seen, now, p, TraceNsys, todayNsysRank(e.Name()), e)
						f.Endpoint = todayNsysEndpoint(e.Name(), phase)
						pt.Files = append(pt.Files, f)
					case s.ModeDirs && strings.HasSuffix(e.Name(), ".qdstrm"):
						pt.InProgress = append(pt.InProgress, p)
					}
				}
			case info.IsDir(), s.ModeDirs:
			case strings.HasSuffix(name, ".nsys-rep"):
				if rank, ok := nsysRank(name, phase, ".nsys-rep"); ok {
					pt.Files = append(pt.Files, s.file(seen, now, path.Join(root, name), TraceNsys, rank, info))
				}
			case strings.HasSuffix(name, ".qdstrm"):
				if _, ok := nsysRank(name, phase, ".qdstrm"); ok {
					pt.InProgress = append(pt.InProgress, path.Join(root, name))
				}
			}
		}
		slices.SortFunc(pt.Files, func(a, b TraceFile) int { return strings.Compare(a.Path, b.Path) })
		slices.Sort(pt.InProgress)
		for _, f := range pt.Files {
			pt.TotalSize += f.Size
			if !f.Complete {
				pt.Growing++
			}
		}
		if len(pt.Files) == 0 && len(pt.InProgress) == 0 && s.PhaseEnded != nil {
			if at, ok := s.PhaseEnded(phase); ok && now.Sub(at) >= s.Grace {
				pt.NoTrace = true
			}
		}
		out = append(out, pt)
	}
	s.seen = seen
	return out, nil
}

func (s *TraceScanner) file(seen map[string]sizeSeen, now time.Time, p, kind string, rank int, info fs.FileInfo) TraceFile {
	cur := sizeSeen{size: info.Size(), modTime: info.ModTime(), since: now, scans: 1}
	if prev, ok := s.seen[p]; ok && prev.size == cur.size && prev.modTime.Equal(cur.modTime) {
		cur.since, cur.scans = prev.since, prev.scans+1
	}
	seen[p] = cur
	return TraceFile{
		Path: p, Kind: kind, Rank: rank, Size: cur.size, ModTime: cur.modTime,
		Complete: cur.size > 0 && cur.scans >= 2 && now.Sub(cur.since) >= s.StableFor,
	}
}

func (s *TraceScanner) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func readDirIfExists(fsys FS, dir string) ([]fs.FileInfo, error) {
	infos, err := fsys.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return infos, err
}

func isTorchTrace(name string) bool {
	return strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".json.gz")
}

func torchRank(name string) int {
	if m := reTorchRank.FindStringSubmatch(name); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return -1
}

// nsysRank parses "<phase>_<rank><ext>".
func nsysRank(name, phase, ext string) (int, bool) {
	digits, ok := strings.CutPrefix(strings.TrimSuffix(name, ext), phase+"_")
	if !ok || digits == "" || len(digits) > 9 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, _ := strconv.Atoi(digits)
	return n, true
}

// samePhaseTraces reports whether two scans would look the same on screen.
func samePhaseTraces(a, b []PhaseTraces) bool {
	return slices.EqualFunc(a, b, func(x, y PhaseTraces) bool {
		return x.Phase == y.Phase && x.NoTrace == y.NoTrace && x.Growing == y.Growing &&
			x.TotalSize == y.TotalSize && slices.Equal(x.InProgress, y.InProgress) &&
			slices.EqualFunc(x.Files, y.Files, func(f, g TraceFile) bool {
				return f.Path == g.Path && f.Size == g.Size && f.Complete == g.Complete
			})
	})
}

var (
	reTodayNsysRank     = regexp.MustCompile(`_profile_rank(\d+)`)
	reTodayNsysEndpoint = regexp.MustCompile(`_w(\d+)(_e[^_]+)?_profile`)
)

// todayNsysRank is N of "..._profile_rank<N>..." (per-rank MPI reports),
// else 0 (one report per GPU set).
func todayNsysRank(name string) int {
	if m := reTodayNsysRank.FindStringSubmatch(name); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 0
}

// todayNsysEndpoint is "<mode>_w<i>[_e<id>]" of
// "<node>_<mode>_w<i>[_e<id>]_profile_...nsys-rep": the worker, whichever
// node of it wrote the report.
func todayNsysEndpoint(name, mode string) string {
	if m := reTodayNsysEndpoint.FindStringSubmatch(name); m != nil {
		return mode + "_w" + m[1] + m[2]
	}
	return name
}
