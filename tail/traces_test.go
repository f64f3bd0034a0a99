package tail

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// fakeClock is a settable clock for the time-based rules.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func scan(t *testing.T, s *TraceScanner) []PhaseTraces {
	t.Helper()
	out, err := s.Scan(OSFS{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTraceScannerTorch(t *testing.T) {
	logdir := t.TempDir()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	s := &TraceScanner{LogDir: logdir, Phases: []string{PhasePrefill, PhaseDecode}, StableFor: 3 * time.Second, Now: clock.Now}

	// No profiles/ yet: nothing, no error.
	got := scan(t, s)
	if len(got) != 2 || len(got[0].Files) != 0 || got[0].Ready() || TracesReady(got) {
		t.Fatalf("empty: %+v", got)
	}

	mkdir(t, filepath.Join(logdir, "profiles", "prefill"))
	mkdir(t, filepath.Join(logdir, "profiles", "decode"))
	tr := filepath.Join(logdir, "profiles", "prefill", "1795954250-TP-0-prefill.trace.json.gz")
	writeFile(t, tr, "partial")
	writeFile(t, filepath.Join(logdir, "profiles", "prefill", "notes.txt"), "not a trace")
	got = scan(t, s)
	p := got[0]
	if len(p.Files) != 1 || p.Files[0].Path != tr || p.Files[0].Kind != TraceTorch || p.Files[0].Rank != 0 ||
		p.Files[0].Complete || p.Growing != 1 || p.TotalSize != 7 {
		t.Fatalf("first sight: %+v", p)
	}

	// Grows: still not complete.
	clock.Advance(5 * time.Second)
	appendFile(t, tr, " more")
	if p := scan(t, s)[0]; p.Files[0].Complete || p.TotalSize != 12 {
		t.Fatalf("grown: %+v", p)
	}
	// Same size on the next scan, but too soon for a shared file system.
	clock.Advance(time.Second)
	if p := scan(t, s)[0]; p.Files[0].Complete {
		t.Fatalf("complete after 1 s: %+v", p)
	}
	clock.Advance(3 * time.Second)
	got = scan(t, s)
	if p := got[0]; !p.Files[0].Complete || !p.Ready() || p.Growing != 0 {
		t.Fatalf("stable for 4 s: %+v", p)
	}
	if TracesReady(got) {
		t.Fatal("decode has no trace: not ready")
	}

	// A plain .json counts too; rank from -TP-3.
	writeFile(t, filepath.Join(logdir, "profiles", "decode", "1795954250-TP-3-DP-0-decode.trace.json"), "{}")
	scan(t, s)
	clock.Advance(4 * time.Second)
	got = scan(t, s)
	if d := got[1]; len(d.Files) != 1 || d.Files[0].Rank != 3 || !d.Ready() || !TracesReady(got) {
		t.Fatalf("decode: %+v", d)
	}
}

func TestTraceScannerNsys(t *testing.T) {
	logdir := t.TempDir()
	profiles := filepath.Join(logdir, "profiles")
	mkdir(t, profiles)
	s := &TraceScanner{LogDir: logdir, Phases: []string{PhasePrefill, PhaseDecode}}

	writeFile(t, filepath.Join(profiles, "prefill_0.qdstrm"), "raw")
	writeFile(t, filepath.Join(profiles, "prefill_x.nsys-rep"), "not a rank")
	writeFile(t, filepath.Join(profiles, "decodeX_0.nsys-rep"), "other phase name")
	got := scan(t, s)
	if p := got[0]; len(p.Files) != 0 || len(p.InProgress) != 1 || p.Ready() {
		t.Fatalf("qdstrm only: %+v", p)
	}
	if d := got[1]; len(d.Files) != 0 {
		t.Fatalf("decodeX_0 is not decode's: %+v", d)
	}

	if err := os.Remove(filepath.Join(profiles, "prefill_0.qdstrm")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(profiles, "prefill_0.nsys-rep"), "report0")
	writeFile(t, filepath.Join(profiles, "prefill_1.nsys-rep"), "report-1")
	writeFile(t, filepath.Join(profiles, "decode_0.nsys-rep"), "d")
	scan(t, s)
	got = scan(t, s)
	p := got[0]
	if len(p.Files) != 2 || p.Files[1].Rank != 1 || p.Files[0].Kind != TraceNsys || p.TotalSize != 15 || !p.Ready() {
		t.Fatalf("nsys prefill: %+v", p)
	}
	if !TracesReady(got) {
		t.Fatalf("both phases have complete reports: %+v", got)
	}
}

func TestTraceScannerNoTraceAfterGrace(t *testing.T) {
	logdir := t.TempDir()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	ended := map[string]time.Time{}
	s := &TraceScanner{
		LogDir: logdir, Phases: []string{PhaseAggregated}, Grace: time.Minute, Now: clock.Now,
		PhaseEnded: func(p string) (time.Time, bool) { at, ok := ended[p]; return at, ok },
	}
	if scan(t, s)[0].NoTrace {
		t.Fatal("NoTrace before the phase ended")
	}
	ended[PhaseAggregated] = clock.Now()
	clock.Advance(59 * time.Second)
	if scan(t, s)[0].NoTrace {
		t.Fatal("NoTrace within the grace period")
	}
	clock.Advance(time.Second)
	if !scan(t, s)[0].NoTrace {
		t.Fatal("no NoTrace after the grace period")
	}
	mkdir(t, filepath.Join(logdir, "profiles", "aggregated"))
	writeFile(t, filepath.Join(logdir, "profiles", "aggregated", "1-TP-0.trace.json.gz"), "late")
	if scan(t, s)[0].NoTrace {
		t.Fatal("NoTrace although a trace appeared")
	}
}

func TestTraceScannerRealTraces(t *testing.T) {
	// The real traces from ../shared/traces, laid out as a job writes them.
	src := jobspectest.TracesDir(t)
	logdir := t.TempDir()
	for _, phase := range []string{PhasePrefill, PhaseDecode} {
		mkdir(t, filepath.Join(logdir, "profiles", phase))
		name := "1795954250-TP-0-" + phase + ".trace.json.gz"
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatalf("shared traces: %v", err)
		}
		writeFile(t, filepath.Join(logdir, "profiles", phase, name), string(data))
	}
	s := &TraceScanner{LogDir: logdir, Phases: []string{PhasePrefill, PhaseDecode}}
	scan(t, s)
	got := scan(t, s)
	if !TracesReady(got) || got[0].TotalSize == 0 || got[1].Files[0].Rank != 0 {
		t.Fatalf("%+v", got)
	}
}
