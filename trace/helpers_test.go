package trace

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// sharedDir is ../shared/traces next to the repository root (found by
// walking up to go.mod), where the real traces are.
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	traces := filepath.Join(dir, "..", "shared", "traces")
	if _, err := os.Stat(traces); err != nil {
		tb.Fatalf("the shared traces are missing: %v", err)
	}
	return traces
}

func sharedTrace(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(sharedDir(tb), name)
}

// sharedTraces lists every trace in ../shared/traces.
func sharedTraces(tb testing.TB) []string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join(sharedDir(tb), "*.json.gz"))
	if err != nil || len(m) == 0 {
		tb.Fatalf("no traces in ../shared/traces (%v)", err)
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
