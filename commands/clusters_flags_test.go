package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A mistyped --config is an error that names the file, for every command
// that talks to a cluster; it used to create the file (and its directory)
// with only the "local" cluster in it and carry on against this machine.
func TestMissingConfigFlagIsAnErrorAndCreatesNothing(t *testing.T) {
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	missing := filepath.Join(t.TempDir(), "typo", "clusters.yaml")
	for _, args := range [][]string{
		{"jobs"},
		{"clusters"},
		{"cancel", "--yes", "1234"},
		{"monitor", "--plain", "1234"},
		{"fetch", "1234"},
	} {
		args = append(args, "--config", missing)
		out, errOut, code := runCLIIn(t, context.Background(), "", args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s%s", args, code, out, errOut)
		}
		if !strings.Contains(errOut, "--config "+missing+": no such file") {
			t.Errorf("%v: the message does not name the missing file:\n%s", args, errOut)
		}
		if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
			t.Fatalf("%v: %s was created (%v)", args, filepath.Dir(missing), err)
		}
	}
	// The default file is still made on first use (whether this machine's
	// "local" cluster has an srtctl does not matter here).
	runCLIIn(t, context.Background(), "", "clusters")
	if _, err := os.Stat(filepath.Join(xdg, "srtctl-tui", "config.yaml")); err != nil {
		t.Errorf("the default configuration was not created: %v", err)
	}
}
