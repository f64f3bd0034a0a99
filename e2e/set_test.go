package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// Ten `set` processes of the built binary edit one file at once, each a
// key of its own: every one says "written" and every edit is in the file
// (without the writers' lock, 1 of 10 survived while all said "written").
func TestParallelSetsAllSurvive(t *testing.T) {
	dir := t.TempDir()
	job := filepath.Join(dir, "job.yaml")
	if err := os.WriteFile(job, []byte(jobspectest.ValidP1Disagg), 0o644); err != nil {
		t.Fatal(err)
	}
	const n = 10
	var wg sync.WaitGroup
	outs := make([]string, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(binary, "set", job, fmt.Sprintf("parallel.k%d=%d", i, i))
			cmd.Dir = dir
			<-start
			out, err := cmd.CombinedOutput()
			outs[i], errs[i] = string(out), err
		}(i)
	}
	close(start)
	wg.Wait()
	for i := 0; i < n; i++ {
		if errs[i] != nil || !strings.Contains(outs[i], job+": written") {
			t.Errorf("set %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	doc, err := jobspec.Load(job)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if v, ok := doc.Get(fmt.Sprintf("parallel.k%d", i)); !ok || v != fmt.Sprint(i) {
			t.Errorf("the edit of set %d was lost:\n%s", i, doc.Bytes())
		}
	}
	if _, ok := doc.Get("name"); !ok {
		t.Errorf("the file lost its name:\n%s", doc.Bytes())
	}
}
