package trace

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// ownTraces holds the traces the tests need (see its README), beside the
// demo's real traces (sim/demotraces, embedded in the binary); the shared
// folder beside the repository may add more.
const (
	ownTraces  = "testdata/traces"
	demoTraces = "../sim/demotraces"
)

// sharedTracesDir is ../shared/traces beside the repository, "" when it is
// not there: it adds cases, it is never required.
func sharedTracesDir() string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "traces"))
	if err != nil {
		return ""
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// sharedTrace is the named trace (or script) of testdata/traces, else of
// ../shared/traces when only that one has it.
func sharedTrace(tb testing.TB, name string) string {
	tb.Helper()
	for _, dir := range []string{ownTraces, demoTraces} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if dir := sharedTracesDir(); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return filepath.Join(dir, name)
		}
	}
	tb.Fatalf("no %s in %s or %s (nor in ../shared/traces)", name, ownTraces, demoTraces)
	return ""
}

// sharedTraces lists the demo's traces and, when it is there, those of
// ../shared/traces.
func sharedTraces(tb testing.TB) []string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join(demoTraces, "*.json.gz"))
	if err != nil || len(m) == 0 {
		tb.Fatalf("no traces in %s (%v)", demoTraces, err)
	}
	if dir := sharedTracesDir(); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "*.json.gz"))
		for _, p := range more {
			if !slices.ContainsFunc(m, func(q string) bool { return filepath.Base(q) == filepath.Base(p) }) {
				m = append(m, p)
			}
		}
	}
	return m
}

// gunzipFile returns the decompressed bytes of a .gz file.
func gunzipFile(tb testing.TB, path string) []byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
