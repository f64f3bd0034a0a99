package trace

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

func sharedTrace(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(jobspectest.TracesDir(tb), name)
}

// sharedTraces lists every trace in ../shared/traces.
func sharedTraces(tb testing.TB) []string {
	tb.Helper()
	m, err := filepath.Glob(filepath.Join(jobspectest.TracesDir(tb), "*.json.gz"))
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
