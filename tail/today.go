package tail

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Keys of a today's run's two story files in FileUpdate.
const (
	KeySweep     = "sweep"
	KeyBenchmark = "benchmark"
)

// Kinds of LogFile.
const (
	LogSweep     = "sweep"
	LogBenchmark = "benchmark"
	LogWorker    = "worker"
	LogFrontend  = "frontend"
)

// LogFile is one log of a today's run.
type LogFile struct {
	Path string
	// Name is the path below logs/ ("workers/n1_decode_w0.out").
	Name string
	Kind string
	// Mode and Worker for worker logs (prefill, decode, agg; w<Worker>).
	Mode   string
	Worker int
	Node   string
}

// TodaySpec says where a srtctl 1.0.x or 2.x run writes
// (<output base>/<id>/, srtctl-current.md §1.6, §2.5).
type TodaySpec struct {
	// RunDir is <output base>/<id>.
	RunDir string
	ID     string
	// TraceStableFor: see TraceScanner.StableFor (default 3 s).
	TraceStableFor time.Duration
	// Now is the clock (tests); time.Now when nil.
	Now func() time.Time
}

// Logs is the run's logs/ directory.
func (s TodaySpec) Logs() string { return path.Join(s.RunDir, "logs") }

// SweepLog is logs/sweep_<id>.log.
func (s TodaySpec) SweepLog() string { return path.Join(s.Logs(), "sweep_"+s.ID+".log") }

// BenchmarkOut is logs/benchmark.out.
func (s TodaySpec) BenchmarkOut() string { return path.Join(s.Logs(), "benchmark.out") }

// TodayModes are the trace directories of profiles/, in display order.
var TodayModes = []string{"prefill", "decode", "agg"}

// LogsUpdate is a poll of the run's per-node logs: the logs found since
// the last one, and what the followed ones said.
type LogsUpdate struct {
	Found   []LogFile
	Updates []FileUpdate // Key is the LogFile's Name
}

// BenchUpdate lists the benchmark results so far (every scan that found
// a new or changed file).
type BenchUpdate struct{ Results []BenchResult }

// TodayJob knows the files of a srtctl 1.0.x or 2.x run: the sweep log and
// benchmark.out (read into one SweepState), every worker and frontend log
// in logs/ and 2.x's logs/workers/ as they appear, the result files and
// the traces under logs/profiles/<mode>/. Its sources share state and must
// run in one Watcher.
type TodayJob struct {
	spec    TodaySpec
	tracker *SweepTracker
	files   []*FileSource
	logs    *logsSource
	bench   *BenchScanner
	scan    *traceScan
}

// NewTodayJob prepares the sources of the run described by spec.
func NewTodayJob(spec TodaySpec) *TodayJob {
	if spec.TraceStableFor <= 0 {
		spec.TraceStableFor = 3 * time.Second
	}
	if spec.Now == nil {
		spec.Now = time.Now
	}
	j := &TodayJob{spec: spec, tracker: NewSweepTracker(spec.Now)}
	sweep := NewFileSource(KeySweep, spec.SweepLog())
	sweep.OnBatch = func(u *FileUpdate) {
		if u.Batch.Restart != NoRestart {
			j.tracker = NewSweepTracker(spec.Now)
		}
		for _, l := range u.Batch.Lines {
			j.tracker.FeedSweep(l)
		}
		u.Sweep = j.tracker.State().Clone()
	}
	bench := NewFileSource(KeyBenchmark, spec.BenchmarkOut())
	bench.OnBatch = func(u *FileUpdate) {
		for _, l := range u.Batch.Lines {
			j.tracker.FeedBenchmark(l)
		}
		u.Sweep = j.tracker.State().Clone()
	}
	j.files = []*FileSource{sweep, bench}
	j.logs = &logsSource{logs: spec.Logs(), now: spec.Now}
	j.bench = &BenchScanner{LogsDir: spec.Logs()}
	j.scan = &traceScan{scanner: &TraceScanner{LogDir: spec.Logs(), Phases: TodayModes, ModeDirs: true,
		StableFor: spec.TraceStableFor, Now: spec.Now}}
	return j
}

// Spec is the run's description, with defaults filled in.
func (j *TodayJob) Spec() TodaySpec { return j.spec }

// Sources are the sweep log, benchmark.out, the per-node logs, the result
// files and the traces: give them all to one Watcher.
func (j *TodayJob) Sources() []Source {
	return []Source{j.files[0], j.files[1], j.logs, todayBenchSource{j}, todayTraceSource{j}}
}

// Watcher runs the run's sources over the FS that dial returns.
func (j *TodayJob) Watcher(dial Dialer, opt Options) *Watcher {
	return NewWatcher(dial, opt, j.Sources()...)
}

// maxFollowedLogs bounds the per-node logs followed at once.
const maxFollowedLogs = 64

// logListEvery is how often the log directories are listed for new
// files: a listing costs a round trip, and a worker's log appears once.
const logListEvery = 2 * time.Second

var (
	reWorkerLog   = regexp.MustCompile(`^(.+)_(prefill|decode|agg)_w(\d+)\.out$`)
	reFrontendLog = regexp.MustCompile(`^(.+)_frontend_(\d+)\.out$`)
)

// hiddenLogEvery is how often a log nobody looks at is read once a screen
// said which logs it shows (Focus): its lines are kept for later, they need
// not arrive within half a second.
const hiddenLogEvery = 4 * time.Second

// logsSource finds and follows the per-node logs.
type logsSource struct {
	logs    string
	now     func() time.Time
	listed  time.Time
	known   map[string]bool
	sources []*FileSource
	files   []LogFile
	polled  []time.Time

	focusMu sync.Mutex
	focus   map[string]bool // nil: every log is read at every poll
}

// Focus says which logs (by LogFile.Name) a screen shows: they are read at
// every poll, the others every hiddenLogEvery. Safe from any goroutine.
func (j *TodayJob) Focus(names []string) {
	f := map[string]bool{}
	for _, n := range names {
		f[n] = true
	}
	j.logs.focusMu.Lock()
	j.logs.focus = f
	j.logs.focusMu.Unlock()
}

func (s *logsSource) focused() map[string]bool {
	s.focusMu.Lock()
	defer s.focusMu.Unlock()
	return s.focus
}

func (s *logsSource) Poll(fsys FS) (Result, error) { return s.poll(fsys, false) }

// PollAll lists the log directories and reads every log, the hidden ones
// too: a drain (the job ended) must not leave a log that appeared since the
// last listing, or a hidden log's last lines, unread.
func (s *logsSource) PollAll(fsys FS) (Result, error) { return s.poll(fsys, true) }

func (s *logsSource) poll(fsys FS, all bool) (Result, error) {
	var u LogsUpdate
	if now := s.now(); all || now.Sub(s.listed) >= logListEvery {
		found, err := s.list(fsys)
		if err != nil {
			return Result{}, err
		}
		s.listed = now
		u.Found = found
	}
	res := Result{Active: len(u.Found) > 0}
	focus := s.focused()
	now := s.now()
	for i, src := range s.sources {
		if !all && focus != nil && !focus[s.files[i].Name] && now.Sub(s.polled[i]) < hiddenLogEvery {
			continue
		}
		s.polled[i] = now
		r, err := src.Poll(fsys)
		if err != nil {
			return Result{}, err
		}
		if fu, ok := r.Msg.(FileUpdate); ok {
			fu.Key = s.files[i].Name
			u.Updates = append(u.Updates, fu)
		}
		res.Active = res.Active || r.Active
		res.More = res.More || r.More
	}
	if len(u.Found) > 0 || len(u.Updates) > 0 {
		res.Msg = u
	}
	return res, nil
}

// list looks for new logs in logs/ and logs/workers/.
func (s *logsSource) list(fsys FS) ([]LogFile, error) {
	if s.known == nil {
		s.known = map[string]bool{}
	}
	var found []LogFile
	for _, sub := range []string{"", "workers"} {
		dir := path.Join(s.logs, sub)
		infos, err := readDirIfExists(fsys, dir)
		if err != nil {
			if fileLevel(err) {
				continue
			}
			return nil, err
		}
		for _, info := range infos {
			name := path.Join(sub, info.Name())
			if info.IsDir() || s.known[name] || len(s.sources) >= maxFollowedLogs {
				continue
			}
			lf := LogFile{Path: path.Join(dir, info.Name()), Name: name}
			if m := reWorkerLog.FindStringSubmatch(info.Name()); m != nil {
				lf.Kind, lf.Node, lf.Mode = LogWorker, m[1], m[2]
				lf.Worker, _ = strconv.Atoi(m[3])
			} else if m := reFrontendLog.FindStringSubmatch(info.Name()); m != nil {
				lf.Kind, lf.Node = LogFrontend, m[1]
			} else {
				continue
			}
			s.known[name] = true
			found = append(found, lf)
		}
	}
	slices.SortFunc(found, func(a, b LogFile) int { return compareLogs(a, b) })
	for _, lf := range found {
		s.files = append(s.files, lf)
		s.sources = append(s.sources, NewFileSource(lf.Name, lf.Path))
		s.polled = append(s.polled, time.Time{})
	}
	return found, nil
}

// compareLogs orders workers by mode (prefill, decode, agg) and index,
// then frontends.
func compareLogs(a, b LogFile) int {
	rank := func(l LogFile) int {
		if l.Kind != LogWorker {
			return 9
		}
		return slices.Index(TodayModes, l.Mode)
	}
	if d := rank(a) - rank(b); d != 0 {
		return d
	}
	if d := a.Worker - b.Worker; d != 0 {
		return d
	}
	if a.Name < b.Name {
		return -1
	}
	if a.Name > b.Name {
		return 1
	}
	return 0
}

type todayBenchSource struct{ j *TodayJob }

func (s todayBenchSource) Poll(fsys FS) (Result, error) {
	results, changed, err := s.j.bench.Scan(fsys)
	if err != nil {
		if fileLevel(err) {
			return Result{}, nil
		}
		return Result{}, err
	}
	if !changed {
		return Result{}, nil
	}
	return Result{Msg: BenchUpdate{Results: slices.Clone(results)}, Active: true}, nil
}

type todayTraceSource struct{ j *TodayJob }

func (s todayTraceSource) Poll(fsys FS) (Result, error) { return s.j.scan.poll(fsys, false) }
