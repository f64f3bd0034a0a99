package e2e

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"al.essio.dev/pkg/shellescape"
)

// `srtctl-tui demo --plain | head -5`, and quitting less early: the pipe
// closes while the demo still prints. The demo stops its simulated job and
// removes its directory, as on Ctrl-C: nothing is left behind.
func TestDemoPlainIntoAClosedPipeCleansUp(t *testing.T) {
	for _, reader := range []string{"head -5", "less -R"} {
		t.Run(strings.Fields(reader)[0], func(t *testing.T) {
			tmp := t.TempDir()
			// Whatever happens, no simulated process outlives the test.
			t.Cleanup(func() {
				for _, p := range simProcesses(tmp) {
					if pid, err := strconv.Atoi(strings.SplitN(p, ":", 2)[0]); err == nil {
						syscall.Kill(pid, syscall.SIGKILL)
					}
				}
			})
			script := shellescape.Quote(binary) + " demo --plain --pace 2 | " + reader
			if reader == "less -R" {
				// less quits at once (q given as its input) once its first
				// screen is full: the pipe closes early, as when a user quits.
				script = shellescape.Quote(binary) + " demo --plain --pace 2 | (sleep 1; exec less -R +q </dev/null >/dev/null)"
			}
			cmd := exec.Command("sh", "-c", script)
			cmd.Dir = tmp
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "NO_COLOR=1", "LESS=", "PAGER=")
			// The pipeline's status is the reader's; what matters is what
			// is left afterwards.
			out, _ := cmd.CombinedOutput()
			if reader == "head -5" && strings.Count(string(out), "\n") < 5 {
				t.Fatalf("head printed %q: the demo printed too little to prove anything", out)
			}
			deadline := time.Now().Add(15 * time.Second)
			for len(simProcesses(tmp)) > 0 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			assertNoSimProcesses(t, tmp)
			assertEmptyDir(t, tmp)
		})
	}
}
