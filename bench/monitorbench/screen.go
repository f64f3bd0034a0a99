package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"al.essio.dev/pkg/shellescape"
)

// screen is srtctl-tui running in a tmux pane of fixed size on a private
// tmux server: what the user sees is what capture-pane returns.
type screen struct {
	socket string
	pid    int // the srtctl-tui process
}

// startScreen runs bin with args in a cols x rows pane. The pane outlives
// the program, so that its last words stay readable.
func startScreen(ctx context.Context, name string, cols, rows int, env []string, bin string, args ...string) (*screen, error) {
	s := &screen{socket: fmt.Sprintf("srtctl-bench-%d-%s", os.Getpid(), name)}
	words := []string{shellescape.Quote(bin)}
	for _, a := range args {
		words = append(words, shellescape.Quote(a))
	}
	script := strings.Join(words, " ") + `; echo "EXIT=$?"; sleep 600`
	cmdArgs := []string{"-L", s.socket, "-f", "/dev/null", "new-session", "-d",
		"-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), "env"}
	cmdArgs = append(cmdArgs, env...)
	cmdArgs = append(cmdArgs, "sh", "-c", script)
	if out, err := exec.CommandContext(ctx, "tmux", cmdArgs...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("tmux new-session: %v: %s", err, out)
	}
	out, err := exec.Command("tmux", "-L", s.socket, "display-message", "-p", "#{pane_pid}").Output()
	if err != nil {
		s.close()
		return nil, fmt.Errorf("tmux pane pid: %v", err)
	}
	shell, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		s.close()
		return nil, fmt.Errorf("tmux pane pid %q: %v", out, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.pid == 0 && time.Now().Before(deadline) {
		s.pid = childNamed(shell, "srtctl-tui")
		time.Sleep(10 * time.Millisecond)
	}
	if s.pid == 0 {
		text, _ := s.capture()
		s.close()
		return nil, fmt.Errorf("srtctl-tui did not start in the pane; it shows:\n%s", text)
	}
	return s, nil
}

// capture is the pane's text now.
func (s *screen) capture() (string, error) {
	out, err := exec.Command("tmux", "-L", s.socket, "capture-pane", "-p").Output()
	return string(out), err
}

// waitFor polls the pane until it holds every text, for at most timeout.
func (s *screen) waitFor(ctx context.Context, timeout time.Duration, texts ...string) error {
	deadline := time.Now().Add(timeout)
	for {
		text, err := s.capture()
		if err != nil {
			return fmt.Errorf("capture-pane: %v", err)
		}
		all := true
		for _, t := range texts {
			all = all && strings.Contains(text, t)
		}
		if all {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the monitor did not show %q within %v; the pane shows:\n%s", texts, timeout, text)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// close quits the monitor with q (as a user does) and ends the tmux server.
func (s *screen) close() {
	_ = exec.Command("tmux", "-L", s.socket, "send-keys", "q").Run()
	deadline := time.Now().Add(3 * time.Second)
	for s.pid != 0 && alive(s.pid) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	_ = exec.Command("tmux", "-L", s.socket, "kill-server").Run()
}
