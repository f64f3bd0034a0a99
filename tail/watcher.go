package tail

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"time"
)

// Dialer returns a working FS: the first one, and a new one each time the
// previous one failed. The watcher never closes an FS; the Dialer, which
// made it, closes the old one when asked for the next (or the caller does,
// after Run returns).
type Dialer func(ctx context.Context) (FS, error)

// Msg is what a Watcher delivers: FileUpdate, TracesUpdate, ConnLost,
// ConnRestored, or a Source's own type.
type Msg any

// ConnLost says the FS failed (Attempt 1) or a redial failed (Attempt 2,
// 3, ...). The watcher keeps redialing until Run's context ends; the
// followers keep their state meanwhile.
type ConnLost struct {
	Err     error
	Attempt int
	Retry   time.Duration // until the next dial
}

// ConnRestored follows ConnLost once a dial succeeded; every source is
// polled at once afterwards.
type ConnRestored struct{ Attempts int }

// Result is what a Source's poll produced.
type Result struct {
	Msg    Msg  // delivered when not nil: at most one message per poll
	Active bool // something changed: keep polling fast
	More   bool // there is more to read right now: poll again at once
}

// Source is something a Watcher polls. An error from Poll means the FS is
// broken (the watcher redials); problems of one file are reported in the
// message instead. Sources of one Watcher are polled from one goroutine,
// one at a time, so they may share state without locks.
type Source interface {
	Poll(fsys FS) (Result, error)
}

// ThoroughSource is a Source that reads only part of what it follows on
// most polls (to spare a slow link); PollAll reads all of it, and a drain
// polls it that way.
type ThoroughSource interface {
	Source
	PollAll(fsys FS) (Result, error)
}

// Options tune a Watcher; zero fields take the defaults.
type Options struct {
	// FastInterval is the poll interval while a source changes (0.5 s);
	// each quiet poll doubles it up to SlowInterval (4 s). Shared file
	// systems cache sizes for seconds, so faster would not see more.
	FastInterval, SlowInterval time.Duration
	// RetryMin and RetryMax bound the redial backoff (0.5 s to 8 s).
	RetryMin, RetryMax time.Duration
	// Buffer is the capacity of the Events channel (16).
	Buffer int
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.FastInterval, 500*time.Millisecond)
	def(&o.SlowInterval, 4*time.Second)
	def(&o.RetryMin, 500*time.Millisecond)
	def(&o.RetryMax, 8*time.Second)
	if o.SlowInterval < o.FastInterval {
		o.SlowInterval = o.FastInterval
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = o.RetryMin
	}
	if o.Buffer <= 0 {
		o.Buffer = 16
	}
	return o
}

// Watcher polls its sources over an FS from one goroutine (Run), each on its
// own adaptive interval, and delivers their messages on Events.
type Watcher struct {
	dial    Dialer
	opt     Options
	sources []*scheduled
	events  chan Msg
	poke    chan struct{}

	mu     sync.Mutex
	drains []*drain // asked for by Drain, finished by Run
}

// drain is one Drain request: the sources not yet read to their end by a
// poll that began after it was asked.
type drain struct {
	asked time.Time
	left  map[*scheduled]bool
	done  chan struct{}
}

type scheduled struct {
	src      Source
	interval time.Duration
	next     time.Time
}

// NewWatcher makes a watcher; nothing happens until Run.
func NewWatcher(dial Dialer, opt Options, sources ...Source) *Watcher {
	opt = opt.withDefaults()
	w := &Watcher{
		dial:   dial,
		opt:    opt,
		events: make(chan Msg, opt.Buffer),
		poke:   make(chan struct{}, 1),
	}
	for _, s := range sources {
		w.sources = append(w.sources, &scheduled{src: s, interval: opt.FastInterval})
	}
	return w
}

// Events delivers the sources' messages; it is closed when Run returns.
// A slow reader slows the polling down, it never loses messages.
func (w *Watcher) Events() <-chan Msg { return w.events }

// Poke makes every source due now at the fast interval (after the user
// asked to refresh, or after a submit); while the watcher waits to redial,
// it redials now (the user has just logged in again). It never blocks.
func (w *Watcher) Poke() {
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

// Drain asks for one more read of every source, each begun after this call
// and carried on until the source has nothing more (Result.More false); the
// channel is closed once all of them are done. A job's last lines are
// written before it leaves the queue, so a drain asked for after that has
// them, however slow the connection. It is never closed while the FS is
// down: callers bound their wait.
func (w *Watcher) Drain() <-chan struct{} {
	d := &drain{asked: time.Now(), left: map[*scheduled]bool{}, done: make(chan struct{})}
	for _, s := range w.sources {
		d.left[s] = true
	}
	if len(d.left) == 0 {
		close(d.done)
		return d.done
	}
	w.mu.Lock()
	w.drains = append(w.drains, d)
	w.mu.Unlock()
	w.Poke()
	return d.done
}

// draining reports whether a drain waits.
func (w *Watcher) draining() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.drains) > 0
}

// drained records that s was read to its end by a poll begun at began.
func (w *Watcher) drained(s *scheduled, began time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	keep := w.drains[:0]
	for _, d := range w.drains {
		if !began.Before(d.asked) {
			delete(d.left, s)
		}
		if len(d.left) == 0 {
			close(d.done)
			continue
		}
		keep = append(keep, d)
	}
	w.drains = keep
}

// Run polls until ctx ends, then closes Events and returns ctx's error.
// Call it once per Watcher.
func (w *Watcher) Run(ctx context.Context) error {
	defer close(w.events)
	var fsys FS
	failures := 0 // consecutive failures of a dial or of the FS it gave
	fail := func(err error) bool {
		failures++
		retry := w.retryDelay(failures)
		return w.send(ctx, ConnLost{Err: err, Attempt: failures, Retry: retry}) && w.sleepOrPoke(ctx, retry)
	}
	for {
		if fsys == nil {
			var err error
			fsys, err = w.dial(ctx)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err == nil && fsys == nil {
				err = errors.New("dialer returned no file system")
			}
			if err != nil {
				fsys = nil
				if !fail(err) {
					return ctx.Err()
				}
				continue
			}
			if failures > 0 && !w.send(ctx, ConnRestored{Attempts: failures}) {
				return ctx.Err()
			}
			w.dueAll(time.Now())
		}

		if !w.waitNextDue(ctx) {
			return ctx.Err()
		}
		now := time.Now()
		for _, s := range w.sources {
			if s.next.After(now) {
				continue
			}
			began := time.Now()
			var res Result
			var err error
			if ts, ok := s.src.(ThoroughSource); ok && w.draining() {
				res, err = ts.PollAll(fsys)
			} else {
				res, err = s.src.Poll(fsys)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				// The source's state is untouched: it is polled again,
				// first thing, on the new FS.
				fsys = nil
				if !fail(err) {
					return ctx.Err()
				}
				break
			}
			failures = 0
			if res.Msg != nil && !w.send(ctx, res.Msg) {
				return ctx.Err()
			}
			if !res.More {
				// After the send: a drained source's last message is
				// already with the reader.
				w.drained(s, began)
			}
			s.reschedule(res, time.Now(), w.opt)
		}
	}
}

// retryDelay is the wait before the next dial: none after the first failure
// (a dropped connection usually comes back at once), then RetryMin
// doubling up to RetryMax, so that an FS that dials fine but fails at once
// cannot make a busy loop.
func (w *Watcher) retryDelay(failures int) time.Duration {
	if failures <= 1 {
		return 0
	}
	return backoff(w.opt.RetryMin, w.opt.RetryMax, failures-2)
}

func (s *scheduled) reschedule(res Result, now time.Time, o Options) {
	switch {
	case res.More:
		s.interval = o.FastInterval
		s.next = now
	case res.Active:
		s.interval = o.FastInterval
		s.next = now.Add(s.interval)
	default:
		s.interval = min(2*s.interval, o.SlowInterval)
		s.next = now.Add(s.interval)
	}
}

func (w *Watcher) dueAll(now time.Time) {
	for _, s := range w.sources {
		s.interval = w.opt.FastInterval
		s.next = now
	}
}

// waitNextDue sleeps until the earliest source is due or Poke is called; it
// is false when ctx ended.
func (w *Watcher) waitNextDue(ctx context.Context) bool {
	if len(w.sources) == 0 {
		select {
		case <-ctx.Done():
			return false
		case <-w.poke:
			return true
		}
	}
	next := w.sources[0].next
	for _, s := range w.sources[1:] {
		if s.next.Before(next) {
			next = s.next
		}
	}
	d := time.Until(next)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	case <-w.poke:
		w.dueAll(time.Now())
		return true
	}
}

func (w *Watcher) send(ctx context.Context, m Msg) bool {
	select {
	case w.events <- m:
		return true
	case <-ctx.Done():
		return false
	}
}

// backoff is lo doubled n times, at most hi.
func backoff(lo, hi time.Duration, n int) time.Duration {
	d := lo
	for i := 0; i < n && d < hi; i++ {
		d *= 2
	}
	return min(d, hi)
}

// sleepOrPoke waits d, or until Poke; it is false when ctx ended.
func (w *Watcher) sleepOrPoke(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	case <-w.poke:
	}
	return true
}

// FileUpdate is one poll of a followed file that found something.
type FileUpdate struct {
	// Key names the file for the screen: the phase ("prefill", "decode",
	// "aggregated"), "log" for log.out, or what NewFileSource was given.
	Key   string
	Batch Batch
	// Err is a problem of this file alone (permission denied, a directory
	// where a file was expected); the connection is fine.
	Err error
	// Phase is the phase state after this batch (profile_<phase>.out only).
	Phase *PhaseState
	// Log is log.out's state after this batch (log.out only).
	Log *LogState
	// Sweep is a today's run's state after this batch (its sweep log and
	// benchmark.out only).
	Sweep *SweepState
}

// FileSource follows one file as a Source; its message is a FileUpdate.
type FileSource struct {
	Key      string
	Follower *Follower
	// OnBatch, when set, runs after each poll that changed something, on
	// the watcher's goroutine, and may fill in the update.
	OnBatch func(*FileUpdate)

	lastErr string
}

// NewFileSource follows path under the name key.
func NewFileSource(key, path string) *FileSource {
	return &FileSource{Key: key, Follower: NewFollower(path)}
}

// Poll implements Source.
func (s *FileSource) Poll(fsys FS) (Result, error) {
	b, err := s.Follower.Poll(fsys)
	if err != nil {
		if !fileLevel(err) {
			return Result{}, err
		}
		if err.Error() == s.lastErr {
			return Result{}, nil
		}
		s.lastErr = err.Error()
		return Result{Msg: FileUpdate{Key: s.Key, Batch: b, Err: err}}, nil
	}
	s.lastErr = ""
	if !b.Changed() {
		return Result{}, nil
	}
	u := FileUpdate{Key: s.Key, Batch: b}
	if s.OnBatch != nil {
		s.OnBatch(&u)
	}
	active := len(b.Lines) > 0 || b.Restart != NoRestart || b.partialChanged
	return Result{Msg: u, Active: active, More: b.More}, nil
}

// fileLevel tells the errors of one file from those of the connection.
func fileLevel(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, errIsDir) || errors.Is(err, fs.ErrInvalid)
}
