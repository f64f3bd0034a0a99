package monitor

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sync"
	"time"

	"github.com/srtctl-tui/srtctl-tui/tail"
)

// MinStateInterval is the shortest time between two SLURM queries: the
// controller is shared by everyone on the cluster.
const MinStateInterval = 2 * time.Second

// Options tune an Engine; zero fields take the defaults.
type Options struct {
	// StateInterval is how often SLURM is asked while the state changes
	// (MinStateInterval at least); it doubles while nothing changes, up to
	// MaxStateInterval, and a phase change asks again at once.
	StateInterval time.Duration
	// MaxStateInterval bounds that back-off (15 s).
	MaxStateInterval time.Duration
	// NoTracesGrace is how long after a phase completed its first trace may
	// take before the phase counts as failed (tail's default, 2 min: nsys
	// writes its report after the capture range ends).
	NoTracesGrace time.Duration
	// TraceStableFor is how long a trace's size must hold to call it
	// complete (tail's default, 3 s).
	TraceStableFor time.Duration
	// ConfigWait bounds the wait for config.yaml, which tells the phases
	// (20 s); after it, prefill and decode are assumed.
	ConfigWait time.Duration
	// FinalRead is how long the files are still read after the job left
	// the queue, to catch the last lines (3 s); the engine also waits for
	// one complete read of every file begun after the job ended (at most
	// DrainWait, 30 s, for a connection that does not come back).
	FinalRead time.Duration
	DrainWait time.Duration
	// Watch tunes the file polling.
	Watch tail.Options
	// SaveDir, when set, receives a copy of each followed file as received
	// (raw bytes, whole lines), named like the remote file.
	SaveDir string
}

func (o Options) withDefaults() Options {
	o.StateInterval = max(o.StateInterval, MinStateInterval)
	if o.MaxStateInterval <= 0 {
		o.MaxStateInterval = 15 * time.Second
	}
	o.MaxStateInterval = max(o.MaxStateInterval, o.StateInterval)
	if o.NoTracesGrace <= 0 {
		o.NoTracesGrace = 2 * time.Minute
	}
	if o.ConfigWait <= 0 {
		o.ConfigWait = 20 * time.Second
	}
	if o.FinalRead <= 0 {
		o.FinalRead = 3 * time.Second
	}
	if o.DrainWait <= 0 {
		o.DrainWait = 30 * time.Second
	}
	o.DrainWait = max(o.DrainWait, o.FinalRead)
	return o
}

// Engine follows one job. Run it once; read Events until it is closed.
type Engine struct {
	conn   Conn
	opt    Options
	id     string
	logDir string

	out      chan Event
	internal chan Event
	done     chan struct{} // closed when Run returns
	poke     chan struct{} // asks the state poller to ask SLURM soon

	// Owned by Run's goroutine.
	status      Status
	lastPhase   [3]PhaseState
	lastPartial [4]string
	save        *saver

	// A today's run (LayoutToday), owned by Run's goroutine.
	todaySpec    tail.TodaySpec
	todayLogs    []tail.LogFile
	todayPartial map[string]string
	lastSweep    tail.SweepState

	fetchMu  sync.Mutex
	fetching bool

	runCtx     context.Context // Run's, for the goroutines it starts
	waitMu     sync.Mutex
	waitServer bool               // the running WaitAnswering knocks on the server
	waitStop   context.CancelFunc // ends it; nil when none runs
	waitGen    int                // which waiter is the current one

	watchMu sync.Mutex
	watcher *tail.Watcher // the one polling now (config.yaml's, then the job's)
	// todayJob and todayFocus: see FocusLogs.
	todayJob   *tail.TodayJob
	todayFocus []string
}

// New makes an engine for the job described by info (ID and LogDir are
// required; the profiling type and phases are read from the config.yaml
// srtctl leaves in the log directory when info does not have them).
func New(conn Conn, info JobInfo, opt Options) *Engine {
	e := &Engine{
		conn:     conn,
		opt:      opt.withDefaults(),
		id:       info.ID,
		logDir:   info.LogDir,
		out:      make(chan Event, 64),
		internal: make(chan Event, 16),
		done:     make(chan struct{}),
		poke:     make(chan struct{}, 1),
	}
	info.Layout = LayoutOf(info.ID, info.LogDir)
	e.status.Info = info
	return e
}

// Events delivers everything the engine learns, in order; it is closed
// when Run returns.
func (e *Engine) Events() <-chan Event { return e.out }

// Run follows the job until it has left the queue (plus FinalRead) or ctx
// ends.
func (e *Engine) Run(ctx context.Context) error {
	defer close(e.done)
	defer close(e.out)
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	e.runCtx = ctx
	if e.opt.SaveDir != "" {
		e.save = newSaver(e.opt.SaveDir)
		defer e.save.close()
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stop()
	wg.Add(1)
	go func() { defer wg.Done(); e.pollState(ctx) }()

	if !e.emit(ctx, JobInfoEvent{Info: e.status.Info}) {
		return ctx.Err()
	}
	if e.status.Info.Layout == LayoutToday {
		return e.runToday(ctx, &wg)
	}
	if len(e.status.Info.Phases) == 0 {
		if err := e.readConfig(ctx, &wg); err != nil {
			return err
		}
	}
	info := e.status.Info
	job := tail.NewJob(tail.JobSpec{
		LogDir:         info.LogDir,
		Aggregated:     len(info.Phases) == 1 && info.Phases[0] == StreamAggregated,
		TraceStableFor: e.opt.TraceStableFor,
		NoTraceGrace:   e.opt.NoTracesGrace,
	})
	w := job.Watcher(e.dialer(), e.opt.Watch)
	e.setWatcher(w)
	wg.Add(1)
	go func() { defer wg.Done(); w.Run(ctx) }()
	return e.follow(ctx, w)
}

// follow passes w's messages and the engine's own events on until the job
// has left the queue (plus FinalRead) or ctx ends.
func (e *Engine) follow(ctx context.Context, w *tail.Watcher) error {
	// After the job ended: final fires after FinalRead, drained once every
	// file was read again to its end, giveUp after DrainWait. The end
	// needs the first two, or the third.
	var final, giveUp <-chan time.Time
	var drained <-chan struct{}
	finalDone, drainDone := false, false
	end := func(reason string) error {
		e.emit(ctx, EndEvent{Reason: reason})
		if e.status.Info.Layout == LayoutToday {
			return e.afterEnd(ctx)
		}
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-w.Events():
			if !ok {
				return ctx.Err()
			}
			for _, ev := range e.translate(m) {
				if !e.emit(ctx, ev) {
					return ctx.Err()
				}
			}
		case ev := <-e.internal:
			if !e.emit(ctx, ev) {
				return ctx.Err()
			}
			if s, ok := ev.(SlurmEvent); ok && s.Job.Ended && final == nil && !finalDone {
				// Read the files once more: the last lines and traces are
				// written just before the job ends. A fixed wait is not
				// enough on a slow or reconnecting link; the drain is.
				drained = w.Drain()
				final = time.After(e.opt.FinalRead)
				giveUp = time.After(e.opt.DrainWait)
			}
		case <-final:
			final, finalDone = nil, true
			if drainDone {
				return end("job " + e.id + " left the queue")
			}
		case <-drained:
			drained, drainDone = nil, true
			if finalDone {
				return end("job " + e.id + " left the queue")
			}
		case <-giveUp:
			e.emit(ctx, ErrorEvent{Err: fmt.Sprintf("the last read of the job's files did not finish within %s of its end: the newest lines may be missing", e.opt.DrainWait)})
			return end("job " + e.id + " left the queue")
		}
	}
}

// readConfig waits (at most ConfigWait) for config.yaml to learn the
// profiling type and phases, passing on connection and SLURM events
// meanwhile.
func (e *Engine) readConfig(ctx context.Context, wg *sync.WaitGroup) error {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := tail.NewWatcher(e.dialer(), e.opt.Watch, &configSource{path: path.Join(e.logDir, "config.yaml")})
	e.setWatcher(w)
	wg.Add(1)
	go func() { defer wg.Done(); w.Run(cctx) }()
	timeout := time.After(e.opt.ConfigWait)
	info := e.status.Info
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout:
			info.Phases = []Stream{StreamPrefill, StreamDecode}
			if !e.emit(ctx, ErrorEvent{Err: "no readable config.yaml in " + e.logDir + " yet: assuming prefill and decode are profiled"}) {
				return ctx.Err()
			}
			e.emit(ctx, JobInfoEvent{Info: info})
			return ctx.Err()
		case ev := <-e.internal:
			if !e.emit(ctx, ev) {
				return ctx.Err()
			}
		case m := <-w.Events():
			switch m := m.(type) {
			case configFound:
				if m.Err != nil {
					timeout = nil
					e.emit(ctx, ErrorEvent{Err: "config.yaml: " + m.Err.Error()})
					info.Phases = []Stream{StreamPrefill, StreamDecode}
				} else {
					if info.Name == "" {
						info.Name = m.Name
					}
					info.Profiling = m.Profiling
					info.Phases = []Stream{StreamAggregated}
					if m.Disaggregated {
						info.Phases = []Stream{StreamPrefill, StreamDecode}
					}
				}
				e.emit(ctx, JobInfoEvent{Info: info})
				return ctx.Err()
			default:
				for _, ev := range e.translate(m) {
					if !e.emit(ctx, ev) {
						return ctx.Err()
					}
				}
			}
		}
	}
}

// dialer gives a watcher the connection's FS, reconnecting first whenever
// the previous FS failed.
func (e *Engine) dialer() tail.Dialer {
	first := true
	return func(ctx context.Context) (tail.FS, error) {
		if !first {
			if err := e.conn.Reconnect(ctx); err != nil {
				return nil, err
			}
		}
		first = false
		return e.conn.FS(ctx)
	}
}

// emit records ev in the engine's status (and the saved copy) and delivers it.
func (e *Engine) emit(ctx context.Context, ev Event) bool {
	e.status.Apply(ev)
	select {
	case e.out <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

// send delivers an event from another goroutine into Run's loop.
func (e *Engine) send(ev Event) bool {
	select {
	case e.internal <- ev:
		return true
	case <-e.done:
		return false
	}
}

// nextStateInterval is the wait before the next SLURM query: every query
// costs a remote shell and a request to the controller everyone shares, and
// a job's state sits still for most of its life, so the wait doubles while
// the answer stays the same.
func nextStateInterval(cur time.Duration, changed bool, o Options) time.Duration {
	if changed || cur <= 0 {
		return o.StateInterval
	}
	return min(2*cur, o.MaxStateInterval)
}

// sameState reports whether two answers would show the same on screen
// (Elapsed is counted locally between answers).
func sameState(a, b JobState) bool {
	return a.State == b.State && a.Reason == b.Reason && a.Node == b.Node && a.Ended == b.Ended
}

// pollState asks SLURM until the job has left the queue, backing off while
// nothing changes (nextStateInterval). Errors are reported once per
// streak: a lost connection is the watcher's to report.
func (e *Engine) pollState(ctx context.Context) {
	var last time.Time
	var prev JobState
	var interval time.Duration
	failing := 0
	for {
		if wait := time.Until(last.Add(MinStateInterval)); wait > 0 && !sleepCtx(ctx, wait) {
			return
		}
		st, err := e.conn.State(ctx, e.id)
		if ctx.Err() != nil {
			return
		}
		// Counted from the answer, as the runner's own throttle does: from
		// the question, the next one would come early and get the cached
		// (stale) answer.
		last = time.Now()
		if err != nil {
			if failing++; failing == 3 {
				e.send(ErrorEvent{Err: "cannot read the SLURM state of job " + e.id + ": " + err.Error()})
			}
		} else {
			failing = 0
			if !e.send(SlurmEvent{Job: st, At: time.Now()}) || st.Ended {
				return
			}
		}
		interval = nextStateInterval(interval, err != nil || !sameState(prev, st), e.opt)
		prev = st
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-e.poke:
			t.Stop()
		}
	}
}

// Cancel cancels the job (scancel). It returns at once; CancelEvents
// report the progress. The request is recorded before scancel runs, so the
// CANCELLED state that follows is known to be ours.
func (e *Engine) Cancel(ctx context.Context) {
	go func() {
		if !e.send(CancelEvent{Requested: true}) {
			return
		}
		if err := e.conn.Cancel(ctx, e.id); err != nil {
			e.send(CancelEvent{Err: err.Error()})
			return
		}
		e.send(CancelEvent{Done: true})
		e.pokeState()
	}()
}

func (e *Engine) setWatcher(w *tail.Watcher) {
	e.watchMu.Lock()
	e.watcher = w
	e.watchMu.Unlock()
}

// Redial makes a lost connection try again now instead of after its
// backoff, and asks SLURM again: the user has just logged in again (a new
// master connection is up). Every tail resumes from its offset. It never
// blocks.
func (e *Engine) Redial() {
	e.watchMu.Lock()
	w := e.watcher
	e.watchMu.Unlock()
	if w != nil {
		w.Poke()
	}
	e.pokeState()
}

// redialWhenAnswering redials as soon as the cluster answers again, when
// the connection can tell. One waiter runs at a time; it is replaced when
// the server is now known to be down and it was not watching the server.
func (e *Engine) redialWhenAnswering(server bool) {
	w, ok := e.conn.(answerWaiter)
	if !ok || e.runCtx == nil {
		return
	}
	e.waitMu.Lock()
	defer e.waitMu.Unlock()
	if e.waitStop != nil {
		if e.waitServer || !server {
			return
		}
		e.waitStop()
	}
	ctx, stop := context.WithCancel(e.runCtx)
	e.waitGen++
	gen := e.waitGen
	e.waitStop, e.waitServer = stop, server
	go func() {
		err := w.WaitAnswering(ctx, server)
		e.waitMu.Lock()
		if e.waitGen == gen {
			e.waitStop = nil
		}
		e.waitMu.Unlock()
		stop()
		if err == nil {
			e.Redial()
		}
	}()
}

// pokeState asks the state poller to ask SLURM now (a phase ended, a cancel
// went through): the job's state is likely to change.
func (e *Engine) pokeState() {
	select {
	case e.poke <- struct{}{}:
	default:
	}
}

// ErrFetching is returned by Fetch while a fetch is running.
var ErrFetching = errors.New("a fetch is already running")

// Fetch copies the job's profiles/ directory into localDir in the
// background; FetchEvents report progress (at most ten a second).
func (e *Engine) Fetch(ctx context.Context, localDir string) error {
	e.fetchMu.Lock()
	defer e.fetchMu.Unlock()
	if e.fetching {
		return ErrFetching
	}
	e.fetching = true
	remote := ProfilesDir(e.id, e.logDir)
	go func() {
		defer func() { e.fetchMu.Lock(); e.fetching = false; e.fetchMu.Unlock() }()
		var last time.Time
		var done int64
		e.send(FetchEvent{LocalDir: localDir})
		err := e.conn.Fetch(ctx, remote, localDir, func(d, total int64) {
			done = d
			if now := time.Now(); now.Sub(last) >= 100*time.Millisecond {
				last = now
				e.send(FetchEvent{LocalDir: localDir, Done: d, Total: total})
			}
		})
		ev := FetchEvent{LocalDir: localDir, Done: done, Total: done, Finished: true}
		if err != nil {
			ev.Err = err.Error()
		}
		e.send(ev)
	}()
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
