package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// runningConn is the real connection with SLURM's answer fixed: the test
// follows files it writes itself, not a job, and an unknown job would end
// the engine.
type runningConn struct{ monitor.RunnerConn }

func (runningConn) State(context.Context, string) (monitor.JobState, error) {
	return monitor.JobState{State: "RUNNING", Node: "node1"}, nil
}

var masterRunning = regexp.MustCompile(`Master running \(pid=(\d+)\)`)

// On the real test cluster: the master connection dies and ssh can no
// longer log in without the user (its key is gone, as when a password or
// 2FA is needed). The monitor says so and keeps retrying; once the key is
// back, r runs the session's terminal handover (here without a terminal:
// the key logs in without a prompt), the engine redials at once, and every
// tail resumes from its offset: the bytes received equal the files' bytes.
func TestMonitorLogsInAgainOnTestCluster(t *testing.T) {
	tc := clustertest.Need(t)
	ctrl := clustertest.ControlDir(t)
	dir := t.TempDir()

	// A copy of the cluster's key only this test uses: moving it away is,
	// to BatchMode, a key the server no longer accepts, without touching
	// the authorized_keys other tests share.
	keyData, err := os.ReadFile(tc.Key)
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "id")
	if err := os.WriteFile(key, keyData, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "ssh_config")
	conf := fmt.Sprintf("Host %s\n\tHostName 127.0.0.1\n\tPort %s\n\tUser %s\n\tIdentityFile %s\n\tIdentitiesOnly yes\n"+
		"\tUserKnownHostsFile %s\n\tGlobalKnownHostsFile /dev/null\n\tStrictHostKeyChecking yes\n",
		tc.Host, tc.Port, tc.User, key, tc.KnownHosts)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	sshCtl := func(op string) ([]byte, error) {
		return exec.Command("ssh", clustertest.MasterArgs(cfg, ctrl+"/%C", tc.Host, op)...).CombinedOutput()
	}
	t.Cleanup(func() { sshCtl("exit") })

	root := tc.NewRoot(t, 40)
	logDir := filepath.Join(root, "logs", "900001_1P_1D")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[monitor.Stream]string{
		monitor.StreamPrefill: filepath.Join(logDir, "profile_prefill.out"),
		monitor.StreamDecode:  filepath.Join(logDir, "profile_decode.out"),
	}
	appendLines := func(from, to int) {
		for st, p := range files {
			f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			for i := from; i < to; i++ {
				fmt.Fprintf(f, "%s line %03d %s\n", st, i, strings.Repeat("x", i%7))
			}
			f.Close()
		}
	}
	appendLines(0, 5)

	// The terminal the handover gets: no input (a prompt would fail), and
	// a file to read what it said.
	term := filepath.Join(dir, "terminal")
	handovers := 0
	execNow := func(c tea.ExecCommand, fn tea.ExecCallback) tea.Cmd {
		return func() tea.Msg {
			handovers++
			null, _ := os.Open(os.DevNull)
			defer null.Close()
			out, _ := os.Create(term)
			defer out.Close()
			c.SetStdin(null)
			c.SetStdout(out)
			c.SetStderr(out)
			return fn(c.Run())
		}
	}
	cl := runner.Cluster{Name: "tc", Host: tc.Host, SrtctlRoot: root, SSHOptions: []string{"-F", cfg}}
	s := NewSession(cl, SessionOptions{ControlDir: ctrl, exec: execNow, terminal: func() bool { return true }})
	t.Cleanup(func() { s.Close() })
	b, err := s.connect()
	if err != nil {
		t.Fatalf("connect: %v", err)
	}

	info := monitor.JobInfo{ID: "900001", Cluster: "tc", LogDir: logDir, Profiling: "torch",
		Phases: []monitor.Stream{monitor.StreamPrefill, monitor.StreamDecode}}
	engine := monitor.New(runningConn{monitor.RunnerConn{C: b.(RunnerBackend).C}}, info, monitor.Options{
		// A redial backoff longer than the test: only r's redial can bring
		// the panes back in time.
		Watch: tail.Options{FastInterval: 100 * time.Millisecond, SlowInterval: 300 * time.Millisecond,
			RetryMin: time.Minute, RetryMax: time.Minute},
	})
	uctx := &Context{Styles: NewStyles(true), NoColor: true, Width: 200, Height: 40}
	m := NewMonitor(uctx, info, MonitorOptions{Engine: engine, Login: s.loginCommand(), exec: s.opt.exec})
	m.SetSize(200, 40)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	runDone := make(chan struct{})
	go func() { engine.Run(ctx); close(runDone) }()
	defer func() { cancel(); <-runDone }()

	got := map[monitor.Stream]*strings.Builder{monitor.StreamPrefill: {}, monitor.StreamDecode: {}}
	// until feeds the engine's events to the screen, as the program would,
	// until cond holds.
	until := func(what string, limit time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.After(limit)
		for !cond() {
			select {
			case ev, ok := <-engine.Events():
				if !ok {
					t.Fatalf("the engine stopped while waiting for %s", what)
				}
				if l, ok := ev.(monitor.LinesEvent); ok && got[l.Stream] != nil {
					for _, line := range l.Lines {
						got[l.Stream].WriteString(line + "\n")
					}
				}
				m.Update(monitorEventMsg{ev})
			case <-deadline:
				t.Fatalf("no %s within %v; screen:\n%s", what, limit, monScreen(m))
			}
		}
	}
	caughtUp := func() bool {
		for st, p := range files {
			want, _ := os.ReadFile(p)
			if got[st].String() != string(want) {
				return false
			}
		}
		return true
	}
	until("the first lines", 15*time.Second, caughtUp)

	// The key goes first (a redial right after the kill must not find it),
	// then the master dies.
	if err := os.Rename(key, key+".away"); err != nil {
		t.Fatal(err)
	}
	out, _ := sshCtl("check")
	mm := masterRunning.FindSubmatch(out)
	if mm == nil {
		t.Fatalf("no master: %s", out)
	}
	pid, _ := strconv.Atoi(string(mm[1]))
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	until("the needs-login banner", 15*time.Second, m.needsLogin)
	banner := strings.Split(monScreen(m), "\n")[1]
	if !strings.Contains(banner, "ssh needs you to log in again: press r to reconnect") || !strings.Contains(banner, "Permission denied (publickey") {
		t.Fatalf("banner: %s", banner)
	}
	// Written while nobody could read them.
	appendLines(5, 40)

	if err := os.Rename(key+".away", key); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'r', Text: "r"})
	if cmd == nil {
		t.Fatal("r did nothing")
	}
	done, ok := cmd().(monitorLoginDoneMsg)
	if !ok || done.err != nil || handovers != 1 {
		said, _ := os.ReadFile(term)
		t.Fatalf("the handover: %+v (%d run)\n%s", done, handovers, said)
	}
	if said, _ := os.ReadFile(term); !strings.Contains(string(said), "ssh needs you to log in again") {
		t.Fatalf("the terminal was not told why:\n%s", said)
	}
	if out, err := sshCtl("check"); err != nil {
		t.Fatalf("no master after the handover: %v %s", err, out)
	}
	m.Update(done)
	until("the reconnection", 10*time.Second, func() bool { return !m.status.Conn.Lost })
	appendLines(40, 45)
	until("every line once", 10*time.Second, caughtUp)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("resuming took %v after the login", d)
	}
	m.Update(monitorRefreshMsg{})
	if v := monScreen(m); strings.Contains(v, "log in again") || !strings.Contains(v, "prefill line 044") {
		t.Fatalf("after resuming:\n%s", v)
	}
}
