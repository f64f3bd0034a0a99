package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --accessible new does not offer to submit to the local cluster when
// srtctl is not on the PATH (the full-screen review does not either): it
// says why, and no ./jobs/ copy is left behind.
func TestAccessibleNewDoesNotOfferLocalWithoutSrtctl(t *testing.T) {
	dir := noClusterHere(t)
	target := filepath.Join(dir, "prof.yaml")
	// No cluster srtctl is known: new asks which srtctl first (3: P1).
	answers := []string{"3", "prof", "/m", "/c", "2", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "y", "", "y"}
	out, errOut, code := runCLIIn(t, context.Background(), strings.Join(answers, "\n")+"\n", "--accessible", "new", target)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "to cluster local now?") || !strings.Contains(out, "Submit now is not offered: srtctl is not on this machine's PATH") {
		t.Fatalf("submit offered to local without srtctl:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "jobs")); err == nil {
		t.Fatal("a ./jobs/ copy was left behind")
	}
}

// noClusterHere is a machine with no cluster configured, no srtctl on the
// PATH and an empty working directory, which it returns.
func noClusterHere(t *testing.T) string {
	t.Helper()
	freshConfig(t)
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}
