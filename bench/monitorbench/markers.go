package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// Marker kinds: a line in a burst (the watcher is polling fast), or a line
// after seconds of silence (the watcher has backed off).
const (
	kindBurst = "burst"
	kindIdle  = "after idle"
)

// marker is one line appended to profile_prefill.out, with a token no
// other line holds, and when it was written and seen.
type marker struct {
	token   string
	kind    string
	quiet   time.Duration // silence before it was written
	written time.Time
	shown   time.Time // first capture of the pane holding it (zero: never)
	tailed  time.Time // when tail -F over ssh delivered it (zero: never)
}

// markers is every marker of one run, shared by the writer, the screen
// poller and the tail -F reader.
type markers struct {
	mu      sync.Mutex
	list    []*marker
	byToken map[string]*marker
}

func newToken(prefix string, seq int) string {
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	// Fixed width, so no token is a prefix of another.
	return fmt.Sprintf("%s%03d%s", prefix, seq, hex.EncodeToString(rnd[:]))
}

// add records m as written now; the caller writes its line right after.
func (ms *markers) add(m *marker) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if ms.byToken == nil {
		ms.byToken = map[string]*marker{}
	}
	m.written = time.Now()
	ms.list = append(ms.list, m)
	ms.byToken[m.token] = m
}

// sawOnScreen marks every pending marker that text holds as shown at t,
// and says how many are still pending.
func (ms *markers) sawOnScreen(text string, t time.Time) (pending int) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	for _, m := range ms.list {
		if !m.shown.IsZero() {
			continue
		}
		if strings.Contains(text, m.token) {
			m.shown = t
		} else {
			pending++
		}
	}
	return pending
}

// sawInTail marks the marker whose token ends line as delivered by tail -F.
func (ms *markers) sawInTail(line string, t time.Time) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if m, ok := ms.byToken[f[len(f)-1]]; ok && m.tailed.IsZero() {
		m.tailed = t
	}
}

// delays are the screen (or tail -F) delays of the markers of kind, and
// how many never arrived. Burst lines written before the burst's first line
// (an after-idle line) arrived waited on the backed-off interval, not the
// fast one: they are left out and counted in warmup.
func (ms *markers) delays(kind string, viaTail bool) (ds []time.Duration, missing, warmup int) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	var burstStart time.Time // when the line before the burst arrived
	for _, m := range ms.list {
		at := m.shown
		if viaTail {
			at = m.tailed
		}
		if m.kind == kindIdle {
			burstStart = at
		}
		if m.kind != kind {
			continue
		}
		if kind == kindBurst && !at.IsZero() && (burstStart.IsZero() || m.written.Before(burstStart)) {
			warmup++
			continue
		}
		if at.IsZero() {
			missing++
			continue
		}
		ds = append(ds, at.Sub(m.written))
	}
	return ds, missing, warmup
}

// quietRange is the shortest and longest silence before the markers of kind.
func (ms *markers) quietRange(kind string) (lo, hi time.Duration) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	lo = time.Duration(math.MaxInt64)
	for _, m := range ms.list {
		if m.kind == kind {
			lo, hi = min(lo, m.quiet), max(hi, m.quiet)
		}
	}
	if hi == 0 {
		lo = 0
	}
	return lo, hi
}

// summary is min, median, 90th percentile (nearest rank) and max.
type summary struct {
	n                  int
	min, med, p90, max time.Duration
}

func summarize(ds []time.Duration) summary {
	if len(ds) == 0 {
		return summary{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(q float64) time.Duration { return s[max(int(math.Ceil(q*float64(len(s))))-1, 0)] }
	return summary{n: len(s), min: s[0], med: rank(0.5), p90: rank(0.9), max: s[len(s)-1]}
}

// sleepCtx sleeps d, false when ctx ended first.
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
