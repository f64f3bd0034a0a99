package ui

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/srtctl-tui/srtctl-tui/runner"
)

// promptTimeout bounds how long ssh may wait for the user's answers.
const promptTimeout = 5 * time.Minute

// sshPrompt is a tea.ExecCommand that opens a cluster's master connection
// with the terminal handed to ssh, so its password, 2FA and host key
// questions reach the user; the program's screen is away meanwhile.
type sshPrompt struct {
	s *Session
	// why, when set, says why the terminal is handed over (the default is
	// the first connection's).
	why            string
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (p *sshPrompt) SetStdin(r io.Reader)  { p.stdin = r }
func (p *sshPrompt) SetStdout(w io.Writer) { p.stdout = w }
func (p *sshPrompt) SetStderr(w io.Writer) { p.stderr = w }

// Run connects with the terminal, then closes that connection: the master
// stays (KeepMaster) for the BatchMode connection the screens use. When
// ssh fails, its message stays on the terminal until Enter.
func (p *sshPrompt) Run() error {
	// Files, not other readers or writers: exec would copy through pipes
	// that ssh, forking into the background, keeps open forever.
	in := fileOr(p.stdin, os.Stdin)
	out := fileOr(p.stderr, os.Stderr)
	cl := p.s.cluster
	why := p.why
	if why == "" {
		why = fmt.Sprintf("connecting to cluster %s (%s)", cl.Name, cl.Host)
	}
	fmt.Fprintf(out, "srtctl-tui: %s; ssh may ask for a password, a 2FA code or to confirm the host key.\n", why)
	ctx, cancel := context.WithTimeout(p.s.opt.Context, promptTimeout)
	defer cancel()
	b, err := p.s.opt.dial(ctx, cl, runner.ConnectOptions{
		Stdin: in, Stdout: out, Stderr: out, ControlDir: p.s.opt.ControlDir, KeepMaster: true,
	})
	if err != nil {
		fmt.Fprintf(out, "\n%v\nPress Enter to return to srtctl-tui.", err)
		waitForEnter(in)
		return err
	}
	return b.Close()
}

// fileOr returns v when it is an *os.File, else fallback.
func fileOr[T any](v T, fallback *os.File) *os.File {
	if f, ok := any(v).(*os.File); ok && f != nil {
		return f
	}
	return fallback
}

// waitForEnter reads until a newline or the end of input (the terminal is
// in line mode while the program is away).
func waitForEnter(r io.Reader) {
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if err != nil || (n == 1 && (b[0] == '\n' || b[0] == '\r')) {
			return
		}
	}
}

func stdinIsTerminal() bool { return term.IsTerminal(os.Stdin.Fd()) }
