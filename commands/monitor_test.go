package commands

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner"
)

// On the local cluster, a FIFO where the job's config.yaml and a profile
// log are expected must not stop the monitor: both are refused as not
// regular files, and the other log is still followed.
func TestMonitorLocalRefusesFIFOs(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	old := stdinIsTerminal
	stdinIsTerminal = func() bool { return false }
	t.Cleanup(func() { stdinIsTerminal = old })

	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	logDir := filepath.Join(root, "logs", "5_1P_1D")
	for _, d := range []string{bin, logDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The job is running, as far as this squeue knows.
	squeue := "#!/bin/sh\necho '5|RUNNING|0:10|1|node1|None'\n"
	if err := os.WriteFile(filepath.Join(bin, "squeue"), []byte(squeue), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"config.yaml", "profile_prefill.out"} {
		p := filepath.Join(logDir, name)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
		// Whatever happens, no reader stays blocked on it after the test.
		t.Cleanup(func() {
			if f, err := os.OpenFile(p, os.O_RDWR, 0); err == nil {
				f.Close()
			}
		})
	}
	if err := os.WriteFile(filepath.Join(logDir, "profile_decode.out"), []byte("decode is alive\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("default: local\nclusters:\n  - name: local\n    local: true\n    srtctl_root: %s\n    env:\n      PATH: %q\n",
		root, bin+":"+os.Getenv("PATH"))
	p := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "srtctl-tui", "config.yaml")
	os.MkdirAll(filepath.Dir(p), 0o700)
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Second)
	defer cancel()
	out, errOut, _ := runCLIIn(t, ctx, "", "monitor", "--plain", "--log-dir", logDir, "5")
	t.Logf("%s", out)
	for _, want := range []string{"decode    | decode is alive", "profile_prefill.out", "not a regular file"} {
		if !strings.Contains(out, want) {
			t.Errorf("monitor output lacks %q:\n%s\n%s", want, out, errOut)
		}
	}
}

// monitor takes -c and --config like every cluster command: the
// configuration named is the one read, and -c picks a cluster in it.
func TestMonitorTakesClusterAndConfig(t *testing.T) {
	freshConfig(t)
	cfg := filepath.Join(t.TempDir(), "clusters.yaml")
	if err := os.WriteFile(cfg, []byte("default: a\nclusters:\n  - name: a\n    host: a.example\n    srtctl_root: /srv/srtctl\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLIIn(t, context.Background(), "", "monitor", "1234", "--plain", "--config", cfg, "-c", "nosuch")
	if code != 2 || !strings.Contains(stderr, "nosuch") || !strings.Contains(stderr, "known: a") || !strings.Contains(stderr, "clusters.yaml") {
		t.Fatalf("-c nosuch with --config: code %d, %q", code, stderr)
	}
}

// freshConfig points the configuration and the history at empty
// directories.
func freshConfig(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
}

// writeConfig writes the cluster configuration at its default place.
func writeConfig(t *testing.T, config string) {
	t.Helper()
	p := runner.DefaultConfigPath()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}
