package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

// runPrompt runs the terminal handover's command the way tea.Exec would,
// with files for the terminal, and fails if it does not return: ssh forks
// its master into the background holding whatever it was given.
func runPrompt(t *testing.T, s *Session) (string, error) {
	t.Helper()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	out, err := os.Create(filepath.Join(t.TempDir(), "terminal"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	p := &sshPrompt{s: s}
	p.SetStdin(null)
	p.SetStdout(out)
	p.SetStderr(out)
	done := make(chan error, 1)
	go func() { done <- p.Run() }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the terminal handover did not return")
	}
	text, _ := os.ReadFile(out.Name())
	return string(text), err
}

// On the real test cluster: the handover opens a master connection that
// outlives it, and the screens' BatchMode connection runs on it.
func TestSSHPromptLeavesMasterForBatchConnection(t *testing.T) {
	tc := clustertest.Need(t)
	ctrl := clustertest.ControlDir(t)
	cl := runner.Cluster{Name: "tc", Host: tc.Host, SrtctlRoot: tc.NewRoot(t, 40), SSHOptions: []string{"-F", tc.SSHConfig}}
	s := NewSession(cl, SessionOptions{ControlDir: ctrl})
	t.Cleanup(func() {
		s.Close()
		tc.StopMaster(tc.SSHConfig, ctrl+"/%C")
	})
	text, err := runPrompt(t, s)
	if err != nil {
		t.Fatalf("handover: %v\n%s", err, text)
	}
	if !strings.Contains(text, "connecting to cluster tc ("+tc.Host+")") {
		t.Fatalf("the terminal was not told what is happening:\n%s", text)
	}
	if tc.MasterPID(tc.SSHConfig, ctrl+"/%C") == 0 {
		t.Fatal("no master after the handover")
	}
	b, err := s.connect()
	if err != nil {
		t.Fatalf("BatchMode connection on the master: %v", err)
	}
	// An answer from the cluster's file system, not a connection error.
	if _, err := b.FindLogDir("999999"); err == nil || !strings.Contains(err.Error(), "no log directory") {
		t.Fatalf("FindLogDir over the session: %v", err)
	}
}

// When ssh fails, its reason stays on the terminal until Enter (here the
// end of input) and the handover reports the error.
func TestSSHPromptFailureWaitsForEnter(t *testing.T) {
	tc := clustertest.Need(t)
	cl := runner.Cluster{Name: "down", Host: tc.Host, SrtctlRoot: "/nowhere",
		SSHOptions: []string{"-o", "Port=1", "-F", tc.SSHConfig}}
	s := NewSession(cl, SessionOptions{ControlDir: clustertest.ControlDir(t)})
	text, err := runPrompt(t, s)
	if err == nil {
		t.Fatal("connected to a closed port")
	}
	if !strings.Contains(text, "cluster down: cannot connect") || !strings.Contains(text, "Press Enter to return to srtctl-tui") {
		t.Fatalf("terminal text:\n%s", text)
	}
}
