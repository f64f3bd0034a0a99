package jobspectest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RepoRoot is the directory holding go.mod, found by walking up from the
// working directory (go test runs a test in its package's directory).
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			tb.Fatalf("no go.mod above %s", wd)
		}
	}
}

// SharedDir is ../shared beside the repository root: the read-only
// references (corpus, traces, spec). Tests read it in place and never copy
// it into the repository.
func SharedDir(tb testing.TB) string {
	tb.Helper()
	return existing(tb, filepath.Join(RepoRoot(tb), "..", "shared"))
}

// CorpusDir is ../shared/corpus: real job files from srtctl's repositories,
// by dialect (p1/, p3/, current/).
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	return existing(tb, filepath.Join(SharedDir(tb), "corpus"))
}

// TracesDir is ../shared/traces: real torch traces and nsys stats.
func TracesDir(tb testing.TB) string {
	tb.Helper()
	return existing(tb, filepath.Join(SharedDir(tb), "traces"))
}

// Corpus lists every .yaml file under CorpusDir. It fails the test when the
// walk finds fewer than 70, so a half-present corpus cannot pass for a
// checked one.
func Corpus(tb testing.TB) []string {
	tb.Helper()
	root := CorpusDir(tb)
	var files []string
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(files) < 70 {
		tb.Fatalf("only %d corpus files found under %s", len(files), root)
	}
	return files
}

// P1ExamplePath is srtctl's own P1 profiling example in the corpus
// (p1/examples/enable-profiling.yaml), a job P1 srtctl accepts.
func P1ExamplePath(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(CorpusDir(tb), "p1", "examples", "enable-profiling.yaml")
}

// P1Example is the content of P1ExamplePath.
func P1Example(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile(P1ExamplePath(tb))
	if err != nil {
		tb.Fatalf("reading the P1 example job: %v", err)
	}
	return b
}

func existing(tb testing.TB, dir string) string {
	tb.Helper()
	if _, err := os.Stat(dir); err != nil {
		tb.Fatalf("%v (CI has ../shared beside the repository)", err)
	}
	return dir
}
