package jobspec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Another user's file is refused by its owner (checked here as another
// uid would see it: only root can give a file away).
func TestCheckTargetRefusesAnotherUsersFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "job.yaml")
	if err := os.WriteFile(p, []byte("name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := ownerOf(st)
	if err := checkTarget(p, st, owner); err != nil {
		t.Errorf("own file: %v", err)
	}
	var ue *UnsafeTargetError
	if err := checkTarget(p, st, owner+1); !errors.As(err, &ue) || !strings.Contains(ue.Why, "belongs to another user") {
		t.Errorf("another user's file: %v", err)
	}
}
