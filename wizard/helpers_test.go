package wizard

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// tempCopy copies a file into a temp dir and loads it.
func tempCopy(t *testing.T, src string) (string, *jobspec.Doc) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return tempFile(t, filepath.Base(src), string(data))
}

func tempFile(t *testing.T, name, content string) (string, *jobspec.Doc) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := jobspec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, doc
}
