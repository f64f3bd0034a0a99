package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"al.essio.dev/pkg/shellescape"
)

// binary is the srtctl-tui built once for all tests (TestMain).
var binary string

// repoRoot is the directory holding go.mod.
var repoRoot string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	wd, _ := os.Getwd()
	repoRoot = filepath.Dir(wd)
	if _, err := exec.LookPath("tmux"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: tmux is required (apt-get install -y tmux; testcluster/install.sh installs it in CI)")
		return 1
	}
	dir, err := os.MkdirTemp("", "srtctl-tui-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "srtctl-tui")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Dir = repoRoot
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build:", err)
		return 1
	}
	return m.Run()
}

var sessionSeq atomic.Int64

// pane is one tmux session on a private server running the binary.
type pane struct {
	t      *testing.T
	socket string
}

// startPane runs `srtctl-tui args...` in dir in a 100x30 tmux pane. The
// pane stays after the program exits and prints its exit status.
func startPane(t *testing.T, dir string, args ...string) *pane {
	t.Helper()
	p := &pane{t: t, socket: fmt.Sprintf("srtctl-e2e-%d-%d", os.Getpid(), sessionSeq.Add(1))}
	quoted := []string{shellescape.Quote(binary)}
	for _, a := range args {
		quoted = append(quoted, shellescape.Quote(a))
	}
	script := strings.Join(quoted, " ") + `; echo "EXIT=$?"; sleep 600`
	cmd := exec.Command("tmux", "-L", p.socket, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30", "-c", dir,
		"env", "TERM=xterm-256color", "NO_COLOR=1", "sh", "-c", script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", p.socket, "kill-server").Run() })
	return p
}

func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// screen is the pane's text now.
func (p *pane) screen() string { return p.tmux("capture-pane", "-p") }

// waitFor polls the screen until it holds every one of texts.
func (p *pane) waitFor(texts ...string) string {
	p.t.Helper()
	return p.waitLong(15*time.Second, texts...)
}

// waitLong is waitFor with a longer deadline, for the simulated job.
func (p *pane) waitLong(d time.Duration, texts ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := p.screen()
		ok := true
		for _, want := range texts {
			if !strings.Contains(s, want) {
				ok = false
				break
			}
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out after %s waiting for %q; screen:\n%s", d, texts, s)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// keys sends tmux key names (Enter, Down, BSpace, C-u, ...).
func (p *pane) keys(keys ...string) { p.tmux(append([]string{"send-keys"}, keys...)...) }

// scrollTo presses Down until the screen shows text (a review longer than
// the pane).
func (p *pane) scrollTo(text string) string {
	p.t.Helper()
	for i := 0; i < 40 && !strings.Contains(p.screen(), text); i++ {
		p.keys("Down")
		time.Sleep(30 * time.Millisecond)
	}
	return p.waitFor(text)
}

// text types s literally.
func (p *pane) text(s string) { p.tmux("send-keys", "-l", s) }

// focused is the marker huh draws left of the field that has the focus.
func focused(title string) string { return "┃ " + title }

// enterTo presses Enter and waits until the field titled next has the
// focus (plus any other texts), so no key lands on the old field.
func (p *pane) enterTo(next string, also ...string) {
	p.t.Helper()
	p.keys("Enter")
	p.waitFor(append([]string{focused(next)}, also...)...)
}
