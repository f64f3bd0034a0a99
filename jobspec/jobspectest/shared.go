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
// references (corpus, traces, spec), when present. Tests read it in place.
func SharedDir(tb testing.TB) string {
	tb.Helper()
	return existing(tb, filepath.Join(RepoRoot(tb), "..", "shared"))
}

// sharedSub is ../shared/<name> when it exists, else "".
func sharedSub(tb testing.TB, name string) string {
	tb.Helper()
	dir := filepath.Join(RepoRoot(tb), "..", "shared", name)
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// FullCorpus reports whether CorpusDir is the whole ../shared/corpus
// rather than the handful of files in testdata.
func FullCorpus(tb testing.TB) bool {
	tb.Helper()
	return sharedSub(tb, "corpus") != ""
}

// CorpusDir holds real job files from srtctl's repositories, by dialect
// (p1/, p3/, current/, v2/): ../shared/corpus when it is beside the
// repository, else the few copied into this package's testdata/corpus
// (see its README), so that tests pass in a plain clone.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	if dir := sharedSub(tb, "corpus"); dir != "" {
		return dir
	}
	return existing(tb, filepath.Join(RepoRoot(tb), "jobspec", "jobspectest", "testdata", "corpus"))
}

// TracesDir holds real torch traces: ../shared/traces when present, else
// sim/demotraces, the same prefill and small decode traces (byte for byte)
// that the simulator builds in.
func TracesDir(tb testing.TB) string {
	tb.Helper()
	if dir := sharedSub(tb, "traces"); dir != "" {
		return dir
	}
	return existing(tb, filepath.Join(RepoRoot(tb), "sim", "demotraces"))
}

// Corpus lists every .yaml file under CorpusDir. It fails the test when
// the walk finds fewer than expected (70 in ../shared/corpus, 11 in
// testdata), so a half-present corpus cannot pass for a checked one.
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
	want := 11
	if FullCorpus(tb) {
		want = 70
	}
	if len(files) < want {
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
		tb.Fatalf("%v", err)
	}
	return dir
}
