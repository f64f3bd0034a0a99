package tail

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func appendFile(t *testing.T, p, s string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func poll(t *testing.T, f *Follower) Batch {
	t.Helper()
	b, err := f.Poll(OSFS{})
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return b
}

func wantLines(t *testing.T, b Batch, want ...string) {
	t.Helper()
	if !slices.Equal(b.Lines, want) {
		t.Fatalf("lines = %q, want %q", b.Lines, want)
	}
}

func TestFollowerMissingThenCreated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "profile_prefill.out")
	f := NewFollower(p)

	b := poll(t, f)
	if !b.Missing || !b.StateChanged || !b.Changed() {
		t.Fatalf("first poll of a missing file: %+v, want Missing and StateChanged", b)
	}
	b = poll(t, f)
	if !b.Missing || b.StateChanged || b.Changed() {
		t.Fatalf("second poll of a missing file should change nothing: %+v", b)
	}

	writeFile(t, p, "Torch Profiling Configuration:\n")
	b = poll(t, f)
	if b.Missing || !b.StateChanged {
		t.Fatalf("file appeared: %+v", b)
	}
	wantLines(t, b, "Torch Profiling Configuration:")
	if b.Restart != NoRestart {
		t.Fatalf("a first appearance is not a restart: %v", b.Restart)
	}
}

func TestFollowerGrowthAndPartialLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "one\ntw")
	f := NewFollower(p)

	b := poll(t, f)
	wantLines(t, b, "one")
	if b.Partial != "tw" || b.Offset != 6 {
		t.Fatalf("partial %q offset %d, want \"tw\" 6", b.Partial, b.Offset)
	}

	b = poll(t, f)
	if b.Changed() || len(b.Lines) != 0 {
		t.Fatalf("nothing was written, batch %+v", b)
	}

	appendFile(t, p, "o\nthree\r\nfour")
	b = poll(t, f)
	wantLines(t, b, "two", "three\r")
	if b.Partial != "four" {
		t.Fatalf("partial %q", b.Partial)
	}
	appendFile(t, p, "\n")
	b = poll(t, f)
	wantLines(t, b, "four")
	if b.Partial != "" || b.Offset != int64(len("one\ntwo\nthree\r\nfour\n")) {
		t.Fatalf("partial %q offset %d", b.Partial, b.Offset)
	}
}

func TestFollowerTruncation(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, strings.Repeat("old line\n", 20))
	f := NewFollower(p)
	poll(t, f)

	writeFile(t, p, "new\n")
	b := poll(t, f)
	if b.Restart != Truncated {
		t.Fatalf("restart = %v, want truncated", b.Restart)
	}
	wantLines(t, b, "new")
	if b.Offset != 4 {
		t.Fatalf("offset %d, want 4", b.Offset)
	}
	appendFile(t, p, "more\n")
	b = poll(t, f)
	if b.Restart != NoRestart {
		t.Fatalf("growth after the restart is not a restart: %v", b.Restart)
	}
	wantLines(t, b, "more")
}

func TestFollowerReplacedLongerFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.out")
	writeFile(t, p, "first version\n")
	f := NewFollower(p)
	poll(t, f)

	// A different file, longer than what was read: only the first bytes tell.
	tmp := filepath.Join(dir, "tmp")
	writeFile(t, tmp, "second version, which is longer\nand has two lines\n")
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	b := poll(t, f)
	if b.Restart != Replaced {
		t.Fatalf("restart = %v, want replaced", b.Restart)
	}
	wantLines(t, b, "second version, which is longer", "and has two lines")
}

func TestFollowerReplacedSameHeader(t *testing.T) {
	// A rerun writes the same configuration header: the first 64 bytes are
	// equal, the bytes before the offset are not.
	dir := t.TempDir()
	p := filepath.Join(dir, "f.out")
	header := "Torch Profiling Configuration:\n  Profiling mode: prefill\n  Profiling dir: /logs/profiles/prefill\n"
	writeFile(t, p, header+"run one line A\nrun one line B\n")
	f := NewFollower(p)
	poll(t, f)

	tmp := filepath.Join(dir, "tmp")
	writeFile(t, tmp, header+"run two: something else entirely\nrun two line 2\n")
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	b := poll(t, f)
	if b.Restart != Replaced {
		t.Fatalf("restart = %v, want replaced", b.Restart)
	}
	if len(b.Lines) != 5 || b.Lines[3] != "run two: something else entirely" {
		t.Fatalf("lines after replacement %q", b.Lines)
	}
}

func TestFollowerRecreated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "a\n")
	f := NewFollower(p)
	poll(t, f)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	b := poll(t, f)
	if !b.Missing || !b.StateChanged {
		t.Fatalf("deleted file: %+v", b)
	}
	writeFile(t, p, "a\n")
	b = poll(t, f)
	if b.Restart != Recreated {
		t.Fatalf("restart = %v, want recreated", b.Restart)
	}
	wantLines(t, b, "a")
}

func TestFollowerOneBatchPerPollAndReadCap(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	var all []string
	var sb strings.Builder
	for i := range 1000 {
		l := strings.Repeat("x", i%50) + "|" + time.Duration(i).String()
		all = append(all, l)
		sb.WriteString(l + "\n")
	}
	writeFile(t, p, sb.String())
	f := NewFollower(p)
	f.MaxRead = 4096

	var got []string
	polls := 0
	var prev int64
	for {
		b := poll(t, f)
		polls++
		if b.Offset-prev > 4096 {
			t.Fatalf("a capped poll read %d bytes", b.Offset-prev)
		}
		prev = b.Offset
		got = append(got, b.Lines...)
		if !b.More {
			break
		}
		if polls > 1000 {
			t.Fatal("never finished")
		}
	}
	if !slices.Equal(got, all) {
		t.Fatalf("got %d lines, want %d; equal=%v", len(got), len(all), slices.Equal(got, all))
	}
	wantPolls := (sb.Len() + 4095) / 4096
	if polls != wantPolls {
		t.Fatalf("polls = %d, want %d (one capped read per poll)", polls, wantPolls)
	}
}

func TestFollowerLongLineIsCut(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, strings.Repeat("y", 25)+"\nend")
	f := NewFollower(p)
	f.MaxLine = 10
	b := poll(t, f)
	wantLines(t, b, "yyyyyyyyyy", "yyyyyyyyyy", "yyyyy")
	if b.Cut != 2 || b.Partial != "end" {
		t.Fatalf("cut %d partial %q", b.Cut, b.Partial)
	}
	// A partial line that never ends is bounded too.
	appendFile(t, p, strings.Repeat("z", 30))
	b = poll(t, f)
	if len(b.Partial) > 10 || b.Cut != 3 {
		t.Fatalf("partial %q (%d bytes), cut %d", b.Partial, len(b.Partial), b.Cut)
	}
}

func TestFollowerIdlePollOnlyStats(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.out")
	writeFile(t, p, "a\n")
	f := NewFollower(p)
	cfs := &countingFS{FS: OSFS{}}
	if _, err := f.Poll(cfs); err != nil {
		t.Fatal(err)
	}
	opens := cfs.opens.Load()
	for range 5 {
		if _, err := f.Poll(cfs); err != nil {
			t.Fatal(err)
		}
	}
	if got := cfs.opens.Load(); got != opens {
		t.Fatalf("idle polls opened the file %d times; a stat is enough", got-opens)
	}
	if cfs.stats.Load() != 6 {
		t.Fatalf("stats = %d, want 6", cfs.stats.Load())
	}
}

func TestFollowerDirectoryIsFileLevelError(t *testing.T) {
	f := NewFollower(t.TempDir())
	_, err := f.Poll(OSFS{})
	if err == nil || !fileLevel(err) {
		t.Fatalf("err = %v, want a file-level error", err)
	}
}
