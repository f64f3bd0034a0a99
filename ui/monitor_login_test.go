package ui

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// loginEngine is a fake engine that counts Redial.
type loginEngine struct {
	*monFakeEngine
	mu      sync.Mutex
	redials int
}

func (e *loginEngine) Redial() { e.mu.Lock(); e.redials++; e.mu.Unlock() }

func (e *loginEngine) redialCount() int { e.mu.Lock(); defer e.mu.Unlock(); return e.redials }

// loginHandover stands for the session's terminal handover.
type loginHandover struct{ ran bool }

func (h *loginHandover) Run() error          { h.ran = true; return nil }
func (h *loginHandover) SetStdin(io.Reader)  {}
func (h *loginHandover) SetStdout(io.Writer) {}
func (h *loginHandover) SetStderr(io.Writer) {}

// loginExec records what r hands the terminal to and answers with result,
// the way tea.Exec calls back once the command is done.
type loginExec struct {
	cmds   []tea.ExecCommand
	result error
}

func (x *loginExec) exec(c tea.ExecCommand, fn tea.ExecCallback) tea.Cmd {
	x.cmds = append(x.cmds, c)
	return func() tea.Msg { return fn(x.result) }
}

func loginMonitor(t *testing.T) (*Monitor, *loginEngine, *loginExec, *loginHandover) {
	t.Helper()
	eng := &loginEngine{monFakeEngine: monNewFakeEngine()}
	x := &loginExec{}
	h := &loginHandover{}
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Width: 200, Height: 30}
	m := NewMonitor(ctx, monTestInfo, MonitorOptions{Engine: eng, FetchDir: "/tmp/fetch",
		Login: func() tea.ExecCommand { return h }, exec: x.exec})
	m.SetSize(200, 30)
	monFeed(m, monitor.JobInfoEvent{Info: monTestInfo}, monitor.SlurmEvent{Job: monitor.JobState{State: "RUNNING", Node: "gpu-07"}})
	return m, eng, x, h
}

const deniedErr = "cluster testc: cannot connect to login01: alice@login01: Permission denied (publickey,password)."

var needsLogin = monitor.ConnEvent{Lost: true, Attempt: 2, Err: deniedErr, NeedsLogin: true}

// loginOffered reports whether the footer's keys offer r.
func loginOffered(m *Monitor) bool {
	for _, b := range m.KeyMap().ShortHelp() {
		if b.Enabled() && b.Help().Key == "r" {
			return true
		}
	}
	return false
}

// pressR presses r and, like the program, hands the handover's callback
// message back to the screen; it returns every message produced.
func pressR(m *Monitor) []tea.Msg {
	msgs := monPress(m, "r")
	for _, msg := range msgs {
		if done, ok := msg.(monitorLoginDoneMsg); ok {
			_, cmd := m.Update(done)
			msgs = append(msgs, runMonitorCmd(cmd)...)
		}
	}
	return msgs
}

func statusText(msgs []tea.Msg) (string, bool) {
	for _, msg := range msgs {
		if s, ok := msg.(StatusMsg); ok {
			return s.Text, s.Error
		}
	}
	return "", false
}

func TestMonitorBannerSaysWhenSSHNeedsALogin(t *testing.T) {
	m, _, _, _ := loginMonitor(t)
	monFeed(m, monitor.ConnEvent{Lost: true, Attempt: 3, Err: "ssh: connect to host login01 port 22: Connection timed out"})
	v := monScreen(m)
	if !strings.Contains(v, "reconnecting (attempt 3)") || strings.Contains(v, "log in again") {
		t.Fatalf("a network failure:\n%s", v)
	}
	if loginOffered(m) {
		t.Fatal("r offered for a network failure")
	}

	monFeed(m, needsLogin)
	v = monScreen(m)
	banner := strings.Split(v, "\n")[1]
	if !strings.Contains(banner, "ssh needs you to log in again: press r to reconnect") ||
		!strings.Contains(banner, "still retrying without asking (attempt 2)") || !strings.Contains(banner, "Permission denied (publickey,password)") {
		t.Fatalf("needs-login banner:\n%s", v)
	}
	if !loginOffered(m) {
		t.Fatal("the footer does not offer r while ssh needs a login")
	}

	monFeed(m, monitor.ConnEvent{Lost: true, Attempt: 4, NeedsLogin: true, HostKey: true,
		Err: "cluster testc: cannot connect to login01: Host key for login01 has changed and you have requested strict checking. Host key verification failed."})
	v = monScreen(m)
	banner = strings.Split(v, "\n")[1]
	if !strings.Contains(banner, "ssh could not verify the host key of cluster testc") || !strings.Contains(banner, "never skips") ||
		strings.Contains(banner, "ssh needs you to log in again") {
		t.Fatalf("host key banner:\n%s", v)
	}

	monFeed(m, monitor.ConnEvent{Attempt: 4})
	if v := monScreen(m); strings.Contains(v, "host key") || strings.Contains(v, "log in again") || loginOffered(m) {
		t.Fatalf("still asking for a login after reconnecting:\n%s", v)
	}
}

// r hands the terminal over (an exec command, the screen suspended), then
// the engine redials at once and the panes continue where they were.
func TestMonitorRLogsInAgainAndResumes(t *testing.T) {
	m, eng, x, h := loginMonitor(t)
	monFeed(m, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{"before the loss"}}, needsLogin)

	_, cmd := m.Update(tea.KeyPressMsg{Code: 'r', Text: "r"})
	if cmd == nil || len(x.cmds) != 1 || x.cmds[0] != tea.ExecCommand(h) {
		t.Fatalf("r did not hand the terminal to the login command: %d exec(s)", len(x.cmds))
	}
	// A second r while ssh has the terminal does not start another.
	if _, again := m.Update(tea.KeyPressMsg{Code: 'r', Text: "r"}); again != nil || len(x.cmds) != 1 {
		t.Fatal("a second r started a second login")
	}
	if eng.redialCount() != 0 {
		t.Fatal("redialed before the login finished")
	}
	done := cmd()
	if _, ok := done.(monitorLoginDoneMsg); !ok {
		t.Fatalf("the handover's callback gave %T", done)
	}
	_, cmd = m.Update(done)
	if text, isErr := statusText(runMonitorCmd(cmd)); isErr || !strings.Contains(text, "Logged in again") {
		t.Fatalf("status after the login: %q (error %v)", text, isErr)
	}
	if eng.redialCount() != 1 {
		t.Fatalf("%d redials after the login, want 1", eng.redialCount())
	}

	monFeed(m, monitor.ConnEvent{Attempt: 3}, monitor.LinesEvent{Stream: monitor.StreamPrefill, Lines: []string{"after the login"}})
	v := monScreen(m)
	if strings.Contains(v, "log in again") || !strings.Contains(v, "before the loss") || !strings.Contains(v, "after the login") {
		t.Fatalf("after resuming:\n%s", v)
	}
	if strings.Index(v, "before the loss") > strings.Index(v, "after the login") {
		t.Fatalf("lines out of order:\n%s", v)
	}
}

func TestMonitorRWhenLoginFailsOrIsNotNeeded(t *testing.T) {
	m, eng, x, _ := loginMonitor(t)
	if text, _ := statusText(monPress(m, "r")); !strings.Contains(text, "nothing to log in to") || len(x.cmds) != 0 {
		t.Fatalf("r while connected: %q, %d exec(s)", text, len(x.cmds))
	}

	monFeed(m, monitor.ConnEvent{Lost: true, Attempt: 2, Err: "Connection refused"})
	if text, _ := statusText(monPress(m, "r")); !strings.Contains(text, "Retrying the connection now") || len(x.cmds) != 0 || eng.redialCount() != 1 {
		t.Fatalf("r on a network failure: %q, %d exec(s), %d redial(s)", text, len(x.cmds), eng.redialCount())
	}

	monFeed(m, needsLogin)
	x.result = errors.New("cluster testc: cannot connect to login01: Permission denied, please try again.")
	text, isErr := statusText(pressR(m))
	if !isErr || !strings.Contains(text, "ssh did not log in") || !strings.Contains(text, "press r to try again") {
		t.Fatalf("after a failed login: %q", text)
	}
	if eng.redialCount() != 1 || !strings.Contains(monScreen(m), "press r to reconnect") || !loginOffered(m) {
		t.Fatalf("a failed login must leave the offer:\n%s", monScreen(m))
	}
	if pressR(m); len(x.cmds) != 2 {
		t.Fatalf("r after a failed login: %d exec(s), want 2", len(x.cmds))
	}

	// Without a way to hand the terminal over (no terminal), r says what to do.
	m.opt.Login = nil
	m.loggingIn = false
	if text, isErr := statusText(monPress(m, "r")); !isErr || !strings.Contains(text, "srtctl-tui monitor 1234 --cluster testc") {
		t.Fatalf("r without a terminal: %q", text)
	}
}

// The session's monitor offers its own terminal handover on r: the one the
// first connection used, saying why this time.
func TestSessionMonitorLogsInWithTheSessionsHandover(t *testing.T) {
	d := &sesDialer{backend: &sesBackend{}}
	cl := sesClusters(d, nil)
	s := NewSession(mustCluster(t, cl, "testc"), cl.Options)
	uctx := &Context{Styles: NewStyles(true), NoColor: true, Width: 120, Height: 30}
	b, err := s.connect()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := monitorOf(s.screen(uctx, b, monitor.JobInfo{ID: "77", LogDir: "/root/logs/77_1P_1D"}))
	if !ok {
		t.Fatal("the session's screen is not a monitor")
	}
	m.SetSize(120, 30)
	monFeed(m, needsLogin)
	msgs := monPress(m, "r")
	d.mu.Lock()
	calls, execs := strings.Join(d.calls, ","), d.execs
	d.mu.Unlock()
	if execs != 1 || calls != "batch,terminal" {
		t.Fatalf("r: %d handover(s), dials %s", execs, calls)
	}
	var done *monitorLoginDoneMsg
	for _, msg := range msgs {
		if dm, ok := msg.(monitorLoginDoneMsg); ok {
			done = &dm
		}
	}
	if done == nil || done.err != nil {
		t.Fatalf("the handover did not report a login: %v", msgs)
	}
	if p, ok := m.opt.Login().(*sshPrompt); !ok || !strings.Contains(p.why, "ssh needs you to log in again") {
		t.Fatalf("r's command is not the session's handover: %T", m.opt.Login())
	}
	// The local cluster never needs a login: no handover is offered.
	local := NewSession(mustCluster(t, cl, "testc"), cl.Options)
	local.cluster.Local = true
	if local.loginCommand() != nil {
		t.Fatal("a handover offered for the local cluster")
	}
}

func mustCluster(t *testing.T, cl *Clusters, name string) runner.Cluster {
	t.Helper()
	c, err := cl.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
