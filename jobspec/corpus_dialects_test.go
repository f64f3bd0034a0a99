package jobspec

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// corpusFiles are the copies in testdata/corpus, plus all of
// ../shared/corpus when it is beside the repository. Keys are the path
// below the corpus root (p1/..., current/..., v2/...).
func corpusFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	walk := func(root, tag string) {
		_ = filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.HasSuffix(p, ".yaml") {
				rel, _ := filepath.Rel(root, p)
				files[tag+filepath.ToSlash(rel)] = p
			}
			return err
		})
	}
	walk("testdata/corpus", "")
	shared := filepath.Join(jobspectest.RepoRoot(t), "..", "shared", "corpus")
	if _, err := os.Stat(shared); err == nil {
		walk(shared, "shared:")
	}
	if len(files) < 16 {
		t.Fatalf("only %d corpus files", len(files))
	}
	return files
}

// Every real file, of every dialect, is detected as its folder says,
// validates without an error with its own dialect's rules and saves back
// byte for byte.
func TestCorpusDialectsCleanAndByteIdentical(t *testing.T) {
	tmp := t.TempDir()
	i := 0
	for rel, f := range corpusFiles(t) {
		i++
		orig, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(f, orig)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		det := d.Detect("")
		folder := strings.SplitN(strings.TrimPrefix(rel, "shared:"), "/", 2)[0]
		want := map[string]Dialect{"p1": DialectP1, "p3": DialectP3, "current": DialectV1, "v2": DialectV2}[folder]
		switch {
		case strings.HasSuffix(rel, "current/examples/enable-profiling.yaml"):
			want = DialectP3 // a stale P3 example in the 1.0.68 tree, which 1.0.68 rejects
		case (folder == "p1" || folder == "p3") && det.Assumed:
			want = DialectV1 // nothing P1/P3-only in it: could be either
		}
		if det.Dialect != want {
			t.Errorf("%s: detected %+v, want %s", rel, det, want)
		}
		for _, fd := range d.Validate() {
			if fd.Severity == Error {
				t.Errorf("%s:%d:%d: %s", rel, fd.Line, fd.Col, fd.Message)
			}
		}
		copyPath := filepath.Join(tmp, itoa(i)+".yaml")
		if err := os.WriteFile(copyPath, orig, 0o640); err != nil {
			t.Fatal(err)
		}
		d, err = Load(copyPath)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Save(copyPath); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if got, _ := os.ReadFile(copyPath); !bytes.Equal(got, orig) {
			t.Errorf("%s: load+save changed the bytes", rel)
		}
	}
}

// srtctl 1.0.68 on a 2.x file, as the reference ran it: schema, engine
// and roles are unknown fields.
func TestV1RulesOnV2File(t *testing.T) {
	data, err := os.ReadFile("testdata/corpus/v2/examples/features/profiling.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse("p.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := d.SrtctlVerdict(DialectV1)
	for _, k := range []string{"'schema': ['Unknown field.']", "'engine': ['Unknown field.']", "'roles': ['Unknown field.']"} {
		if !strings.Contains(msg, k) {
			t.Errorf("v1 verdict %q lacks %s", msg, k)
		}
	}
}
