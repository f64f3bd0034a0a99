package wizard

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// The form's save takes the writers' lock `set` takes: while another
// writer holds it the save waits, then re-reads the file under the lock
// and refuses to overwrite the other writer's change.
func TestFormSaveTakesTheWritersLock(t *testing.T) {
	path, doc := tempFile(t, "job.yaml", jobspectest.ValidP1Disagg)
	w := Edit(doc)
	w.V.Decode.Concurrency = "128"
	res, err := w.Result()
	if err != nil || !res.CanSave() {
		t.Fatalf("%v %v", err, res.Findings)
	}
	lock, err := jobspec.LockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- res.Save(path) }()
	select {
	case err := <-done:
		lock.Unlock()
		t.Fatalf("Save returned (%v) while another writer held the lock", err)
	case <-time.After(300 * time.Millisecond):
	}
	other := strings.Replace(jobspectest.ValidP1Disagg, "name:", "# another writer's comment\nname:", 1)
	if err := os.WriteFile(path, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	lock.Unlock()
	if err := <-done; !errors.Is(err, jobspec.ErrChangedOnDisk) {
		t.Errorf("Save after another writer's change: %v, want ErrChangedOnDisk", err)
	}
	if got, _ := os.ReadFile(path); string(got) != other {
		t.Errorf("the other writer's change was overwritten:\n%s", got)
	}
}

// A read-only file is not replaced by the form's save unless the wizard
// was opened with Force (edit --force).
func TestFormSaveRefusesAReadOnlyFileWithoutForce(t *testing.T) {
	path, doc := tempFile(t, "job.yaml", jobspectest.ValidP1Disagg)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	w := Edit(doc)
	w.V.Decode.Concurrency = "128"
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	var unsafe *jobspec.UnsafeTargetError
	if err := res.Save(path); !errors.As(err, &unsafe) || !strings.Contains(err.Error(), "read-only (mode 0444)") {
		t.Errorf("save of a 0444 file: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != jobspectest.ValidP1Disagg {
		t.Error("the read-only file was rewritten")
	}
	w.Force = true
	if res, err = w.Result(); err != nil {
		t.Fatal(err)
	}
	if err := res.Save(path); err != nil {
		t.Fatalf("forced save: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o444 {
		t.Errorf("the forced save changed the mode to %v", st.Mode())
	}
}
