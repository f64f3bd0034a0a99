package monitor

import (
	"time"
)

// Stream names one followed file of the job's log directory.
type Stream int

const (
	StreamPrefill Stream = iota
	StreamDecode
	StreamAggregated
	StreamLog
)

// Streams lists every stream, phases first.
var Streams = []Stream{StreamPrefill, StreamDecode, StreamAggregated, StreamLog}

// File is the stream's file name inside the log directory.
func (s Stream) File() string {
	switch s {
	case StreamPrefill:
		return "profile_prefill.out"
	case StreamDecode:
		return "profile_decode.out"
	case StreamAggregated:
		return "profile_aggregated.out"
	default:
		return "log.out"
	}
}

// String is the stream's short name: the phase, or "log".
func (s Stream) String() string {
	switch s {
	case StreamPrefill:
		return "prefill"
	case StreamDecode:
		return "decode"
	case StreamAggregated:
		return "aggregated"
	default:
		return "log"
	}
}

// IsPhase reports whether the stream is a profiled phase (not log.out).
func (s Stream) IsPhase() bool { return s != StreamLog }

// Event is anything the engine reports. Every concrete type is below.
type Event interface{ isEvent() }

// JobInfoEvent says what is being followed; sent first, and again once the
// job's config.yaml has been read (profiling type, phases).
type JobInfoEvent struct{ Info JobInfo }

// JobInfo describes the job being followed.
type JobInfo struct {
	ID      string
	Name    string
	Cluster string
	LogDir  string
	// Profiling is "torch", "nsys" or "" while config.yaml is unknown.
	Profiling string
	// Phases are the profiled phases (prefill+decode or aggregated); empty
	// until known.
	Phases []Stream
	// Layout is where the job's files are (LayoutOf its LogDir); for
	// LayoutToday, LogDir is the run directory <output base>/<id>.
	Layout Layout
}

// LinesEvent carries the whole lines one poll read from one file: one event
// per poll per file, never one per line. Lines are already made safe to show.
type LinesEvent struct {
	Stream Stream
	Lines  []string
	// Partial is the unterminated last line so far (a progress bar).
	Partial string
	// Restarted: the file was truncated or replaced; Lines start it anew.
	Restarted bool
}

// FileEvent reports a change in a followed file's existence or identity.
type FileEvent struct {
	Stream Stream
	Status FileStatus
}

// FileStatus is what happened to a followed file.
type FileStatus int

const (
	FileMissing   FileStatus = iota // not created yet (still polling)
	FileAppeared                    // exists now; lines follow
	FileTruncated                   // shrank: reading again from the start
	FileReplaced                    // different file under the same name: from the start
)

func (f FileStatus) String() string {
	return [...]string{"not created yet", "appeared", "truncated, reading from the start", "replaced, reading from the start"}[f]
}

// PhaseEvent reports a new state of one profiled phase.
type PhaseEvent struct {
	Stream Stream
	State  PhaseState
}

// PhaseStatus is where a profiled phase is, from its profile_*.out.
type PhaseStatus int

const (
	PhaseNotStarted    PhaseStatus = iota // no output file yet
	PhaseStarting                         // the profile script started
	PhaseWaitingServer                    // waiting for the model server
	PhaseServerReady                      // server up, profiler not yet started
	PhaseProfiling                        // profiler running
	PhaseCompleted                        // profiling exited 0
	PhaseFailed                           // profiling exited non-zero
	PhaseError                            // the script reported an error and stopped
)

func (p PhaseStatus) String() string {
	return [...]string{"not started", "starting", "waiting for server", "server ready",
		"profiling", "completed", "failed", "error"}[p]
}

// Done reports whether the phase has finished, well or badly.
func (p PhaseStatus) Done() bool { return p >= PhaseCompleted }

// Bad reports whether the phase finished badly.
func (p PhaseStatus) Bad() bool { return p == PhaseFailed || p == PhaseError }

// PhaseState is a phase's status plus what came with it.
type PhaseState struct {
	Status PhaseStatus
	// ExitCode is set for PhaseCompleted and PhaseFailed.
	ExitCode int
	// Message is the error line for PhaseError, else a detail worth showing
	// (e.g. the last "Server not ready yet" status).
	Message string
}

// TracesEvent lists the traces found for one phase (every scan that changed
// something).
type TracesEvent struct {
	Stream Stream
	Traces []Trace
	// InProgress counts nsys .qdstrm files: Nsight Systems is still writing
	// a report.
	InProgress int
}

// Trace is one trace file under profiles/.
type Trace struct {
	Path string // remote path
	Size int64
	// Complete: the size was stable across two scans (torch) or the report
	// is finished (nsys, not a .qdstrm).
	Complete bool
	// Endpoint names the worker that wrote it (today's runs; see
	// tail.TraceFile.Endpoint).
	Endpoint string
}

// NoTracesEvent: the phase completed but no complete trace appeared within
// the grace period.
type NoTracesEvent struct {
	Stream Stream
	After  time.Duration
}

// SlurmEvent is a new SLURM state of the job.
type SlurmEvent struct {
	Job JobState
	At  time.Time
}

// JobState is the job as SLURM reports it.
type JobState struct {
	State    string // PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, TIMEOUT, ...
	Elapsed  time.Duration
	Node     string // node list, "" while pending
	Reason   string // pending reason
	ExitCode string // "0:0", "3:0", "0:15" when known
	Ended    bool   // left the queue
	Unknown  bool   // left the queue and SLURM no longer says how it ended
}

// ConnEvent reports the connection: Lost with the attempt about to be made,
// or back.
type ConnEvent struct {
	Lost    bool
	Attempt int
	Err     string
	// NeedsLogin: ssh failed for want of the user (a password, 2FA, a key
	// no longer accepted, or HostKey). The engine keeps retrying without
	// asking (it may have been transient); a login with the terminal handed
	// to ssh, then Engine.Redial, resumes at once.
	NeedsLogin bool
	// HostKey: ssh could not verify the cluster's host key. Only the user
	// can check it; it is never skipped.
	HostKey bool
}

// CancelEvent reports our own cancel: Requested before scancel runs (so a
// CANCELLED state is known to be ours), then Done or Err.
type CancelEvent struct {
	Requested bool
	Done      bool
	Err       string
}

// FetchEvent reports a trace download.
type FetchEvent struct {
	LocalDir string
	Done     int64 // bytes copied so far
	Total    int64 // bytes to copy (0: unknown yet)
	Finished bool
	Err      string
}

// ErrorEvent is a problem worth showing that does not stop the monitor.
type ErrorEvent struct{ Err string }

// EndEvent is the engine's last event: it stopped following (the job left
// the queue and the files were read one last time, or it was stopped).
type EndEvent struct{ Reason string }

func (JobInfoEvent) isEvent()  {}
func (LinesEvent) isEvent()    {}
func (FileEvent) isEvent()     {}
func (PhaseEvent) isEvent()    {}
func (TracesEvent) isEvent()   {}
func (NoTracesEvent) isEvent() {}
func (SlurmEvent) isEvent()    {}
func (ConnEvent) isEvent()     {}
func (CancelEvent) isEvent()   {}
func (FetchEvent) isEvent()    {}
func (ErrorEvent) isEvent()    {}
func (EndEvent) isEvent()      {}
