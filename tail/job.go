package tail

import (
	"path"
	"time"
)

// Phase names, which are also the names of the profile files
// (profile_<phase>.out) and trace directories (profiles/<phase>/).
const (
	PhasePrefill    = "prefill"
	PhaseDecode     = "decode"
	PhaseAggregated = "aggregated"
	// KeyLog is the FileUpdate key of log.out.
	KeyLog = "log"
)

// JobSpec says where a P1 profiling job writes and how to judge its traces.
type JobSpec struct {
	// LogDir is the job's log directory on the cluster
	// (<srtctl_root>/logs/<id>_<P>P_<D>D_<timestamp>).
	LogDir string
	// Aggregated jobs have one profiled phase and profile_aggregated.out;
	// disaggregated ones prefill and decode.
	Aggregated bool
	// TraceStableFor: see TraceScanner.StableFor (default 3 s, the
	// attribute cache of a typical NFS mount).
	TraceStableFor time.Duration
	// NoTraceGrace: how long after a phase's completion line a missing
	// trace counts as a failure (default 2 min).
	NoTraceGrace time.Duration
	// Now is the clock (tests); time.Now when nil.
	Now func() time.Time
}

// Phases are the job's profiled phases, in display order.
func (s JobSpec) Phases() []string {
	if s.Aggregated {
		return []string{PhaseAggregated}
	}
	return []string{PhasePrefill, PhaseDecode}
}

// ProfileOut is the path of profile_<phase>.out.
func (s JobSpec) ProfileOut(phase string) string {
	return path.Join(s.LogDir, "profile_"+phase+".out")
}

// LogOut is the path of the job's log.out.
func (s JobSpec) LogOut() string { return path.Join(s.LogDir, "log.out") }

// TracesUpdate is a trace scan that differs from the previous one.
type TracesUpdate struct {
	Phases []PhaseTraces // in JobSpec.Phases order
	// Ready: every phase has its traces, all complete.
	Ready bool
	// Err is a problem listing profiles/ (permission denied); the
	// connection is fine.
	Err error
}

// Job knows the files of a P1 profiling job: it follows each
// profile_<phase>.out and log.out, tracks their states, and scans for
// traces. Its sources share state and must run in one Watcher.
type Job struct {
	spec     JobSpec
	files    []*FileSource
	trackers map[string]*PhaseTracker
	log      LogTracker
	ended    map[string]time.Time
	scan     *traceScan
}

// NewJob prepares the sources of the job described by spec.
func NewJob(spec JobSpec) *Job {
	if spec.TraceStableFor <= 0 {
		spec.TraceStableFor = 3 * time.Second
	}
	if spec.NoTraceGrace <= 0 {
		spec.NoTraceGrace = 2 * time.Minute
	}
	if spec.Now == nil {
		spec.Now = time.Now
	}
	j := &Job{spec: spec, trackers: map[string]*PhaseTracker{}, ended: map[string]time.Time{}}
	for _, phase := range spec.Phases() {
		tr := NewPhaseTracker(phase)
		j.trackers[phase] = tr
		src := NewFileSource(phase, spec.ProfileOut(phase))
		src.OnBatch = func(u *FileUpdate) { j.onPhaseBatch(phase, tr, u) }
		j.files = append(j.files, src)
	}
	logSrc := NewFileSource(KeyLog, spec.LogOut())
	logSrc.OnBatch = j.onLogBatch
	j.files = append(j.files, logSrc)
	j.scan = &traceScan{scanner: &TraceScanner{
		LogDir:     spec.LogDir,
		Phases:     spec.Phases(),
		StableFor:  spec.TraceStableFor,
		Grace:      spec.NoTraceGrace,
		Now:        spec.Now,
		PhaseEnded: j.phaseEnded,
	}}
	return j
}

// Spec is the job's description, with defaults filled in.
func (j *Job) Spec() JobSpec { return j.spec }

// Sources are the profile files (in phase order), log.out, and the trace
// scan: give them all to one Watcher.
func (j *Job) Sources() []Source {
	out := make([]Source, 0, len(j.files)+1)
	for _, f := range j.files {
		out = append(out, f)
	}
	return append(out, traceSource{j})
}

// Watcher runs the job's sources over the FS that dial returns.
func (j *Job) Watcher(dial Dialer, opt Options) *Watcher {
	return NewWatcher(dial, opt, j.Sources()...)
}

func (j *Job) onPhaseBatch(phase string, tr *PhaseTracker, u *FileUpdate) {
	b := &u.Batch
	if b.Restart != NoRestart {
		tr.Reset()
		delete(j.ended, phase)
	}
	tr.SetMissing(b.Missing)
	for _, line := range b.Lines {
		tr.Feed(line)
	}
	if tr.State().Done() {
		if _, ok := j.ended[phase]; !ok {
			j.ended[phase] = j.spec.Now()
		}
	}
	u.Phase = tr.State().Clone()
}

func (j *Job) onLogBatch(u *FileUpdate) {
	if u.Batch.Restart != NoRestart {
		j.log.Reset()
	}
	for _, line := range u.Batch.Lines {
		j.log.Feed(line)
	}
	u.Log = j.log.State().Clone()
}

func (j *Job) phaseEnded(phase string) (time.Time, bool) {
	at, ok := j.ended[phase]
	return at, ok
}

// traceSource is the job's trace scan as a Source.
type traceSource struct{ j *Job }

func (s traceSource) Poll(fsys FS) (Result, error) { return s.j.scan.poll(fsys, true) }

// traceScan turns a TraceScanner's scans into a Source's results: a
// message when something changed (or a listing error, once), and fast
// polling while a trace grows.
type traceScan struct {
	scanner *TraceScanner
	last    []PhaseTraces
	lastErr string
	scanned bool
}

// poll scans once; withReady fills TracesUpdate.Ready (P1: every phase).
func (t *traceScan) poll(fsys FS, withReady bool) (Result, error) {
	phases, err := t.scanner.Scan(fsys)
	if err != nil {
		if !fileLevel(err) {
			return Result{}, err
		}
		if err.Error() == t.lastErr {
			return Result{}, nil
		}
		t.lastErr = err.Error()
		return Result{Msg: TracesUpdate{Err: err}}, nil
	}
	t.lastErr = ""
	growing := false
	for i := range phases {
		growing = growing || phases[i].Growing > 0 || len(phases[i].InProgress) > 0
	}
	if t.scanned && samePhaseTraces(phases, t.last) {
		return Result{Active: growing}, nil
	}
	t.scanned, t.last = true, phases
	u := TracesUpdate{Phases: phases}
	if withReady {
		u.Ready = TracesReady(phases)
	}
	return Result{Msg: u, Active: true}, nil
}
