package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// The accessible mode asks the same steps as plain prompts and writes the
// same file as the full-screen form (the e2e golden file).
func TestAccessibleNewJobMatchesGolden(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "prof-torch.yaml")
	answers := []string{
		"prof-torch", "/models/deepseek-r1", "/containers/sglang.sqsh", "2", // job
		"", "", "", // gpu type, mode, gpus per node
		"", "", // nodes
		"",                 // profiler: keep torch
		"", "", "", "", "", // prefill phase
		"", "", "", "", "", // decode phase
		"acct", "batch", "01:00:00",
		"y", target,
	}
	var out bytes.Buffer
	path, err := RunAccessible(wizard.NewJob(), strings.NewReader(strings.Join(answers, "\n")+"\n"), &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if path != target {
		t.Fatalf("saved to %q", path)
	}
	got, _ := os.ReadFile(target)
	want, err := os.ReadFile(filepath.Join("..", "wizard", "testdata", "new-disagg-torch.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("accessible mode wrote:\n%s\nwant:\n%s\ntranscript:\n%s", got, want, out.String())
	}
	for _, s := range []string{"Step 3/5 · Profiling", "profiling needs a single worker", "srtctl apply -f " + target} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("transcript lacks %q", s)
		}
	}
	if strings.Contains(out.String(), "Prefill workers") {
		t.Error("workers were asked while profiling")
	}
}

// Input that ends early saves nothing.
func TestAccessibleEOFSavesNothing(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	wz := wizard.NewJob()
	wz.Target = filepath.Join(dir, "x.yaml")
	if _, err := RunAccessible(wz, strings.NewReader("name\n"), &out); err == nil {
		t.Fatal("no error for input that ended mid-form")
	}
	if _, err := os.Stat(wz.Target); err == nil {
		t.Fatal("a file was written")
	}
}
