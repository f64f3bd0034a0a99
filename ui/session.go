package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"al.essio.dev/pkg/shellescape"
	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// Backend is an open connection to a cluster as the screens use it; a
// *runner.Conn is one through RunnerBackend.
type Backend interface {
	Submit(ctx context.Context, path string) (*runner.Submission, error)
	FindLogDir(id string) (string, error)
	// Follow makes the engine that follows a job.
	Follow(info monitor.JobInfo, opt monitor.Options) FollowEngine
	Close() error
}

// FollowEngine is a monitor engine and the loop that drives it;
// *monitor.Engine is one.
type FollowEngine interface {
	MonitorEngine
	Run(ctx context.Context) error
}

// RunnerBackend adapts a runner connection.
type RunnerBackend struct{ C *runner.Conn }

func (r RunnerBackend) Submit(ctx context.Context, path string) (*runner.Submission, error) {
	return r.C.Submit(ctx, path)
}

func (r RunnerBackend) FindLogDir(id string) (string, error) { return r.C.FindLogDir(id) }

func (r RunnerBackend) Follow(info monitor.JobInfo, opt monitor.Options) FollowEngine {
	return monitor.New(monitor.RunnerConn{C: r.C}, info, opt)
}

func (r RunnerBackend) Close() error { return r.C.Close() }

// SessionOptions configure every session of a program.
type SessionOptions struct {
	// Context bounds connecting and everything run on the connection
	// (the program's lifetime; default context.Background()).
	Context context.Context
	// History records submitted jobs and lists them for "Monitor a job"
	// (nil: nothing recorded).
	History *runner.History
	// ControlDir holds the master connection's socket (runner's default
	// when empty).
	ControlDir string
	// Engine tunes the monitors' engines.
	Engine monitor.Options
	// FetchDir is where the monitor's d copies traces (default
	// ./profiles/<id>).
	FetchDir string
	// Reattach is what quitting the monitor says to follow the job again
	// (default: srtctl-tui monitor ID --cluster NAME).
	Reattach string
	// AutoSummary fetches the traces once they are ready and opens their
	// summary without waiting for a key (the demo).
	AutoSummary bool

	// dial opens a connection (runner.Connect; tests replace it).
	dial func(ctx context.Context, cl runner.Cluster, o runner.ConnectOptions) (Backend, error)
	// exec hands the terminal over while it runs (tea.Exec).
	exec func(tea.ExecCommand, tea.ExecCallback) tea.Cmd
	// terminal reports whether ssh could ask the user anything.
	terminal func() bool
}

func (o SessionOptions) withDefaults() SessionOptions {
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.dial == nil {
		o.dial = dialRunner
	}
	if o.exec == nil {
		o.exec = tea.Exec
	}
	if o.terminal == nil {
		o.terminal = stdinIsTerminal
	}
	return o
}

func dialRunner(ctx context.Context, cl runner.Cluster, o runner.ConnectOptions) (Backend, error) {
	c, err := runner.Connect(ctx, cl, o)
	if err != nil {
		return nil, err
	}
	return RunnerBackend{c}, nil
}

// connectTimeout bounds reaching a cluster without the user: ssh's own
// ConnectTimeout is 20 s, plus the SFTP session.
const connectTimeout = 2 * time.Minute

// Session is one cluster as the screens use it: one connection, opened on
// first use and shared by submit and the monitor. Connecting never draws
// over a screen: ssh first tries without asking anything (a live master
// connection, keys, an agent); only when that fails is the terminal handed
// to ssh (tea.Exec) for its password, 2FA or host key questions. The
// connection the screens use is then reopened in BatchMode on that
// master, so a reconnect in the middle of a screen fails and retries
// instead of prompting over it; when it fails because ssh needs the user,
// the monitor offers r, which hands the terminal to ssh again.
type Session struct {
	cluster runner.Cluster
	opt     SessionOptions

	mu      sync.Mutex
	backend Backend
}

// NewSession returns the session of cluster; nothing is opened yet.
func NewSession(cluster runner.Cluster, opt SessionOptions) *Session {
	return &Session{cluster: cluster, opt: opt.withDefaults()}
}

// Cluster is the session's cluster.
func (s *Session) Cluster() runner.Cluster { return s.cluster }

// Attach makes b the session's connection (a caller that connected before
// the program started, with the terminal).
func (s *Session) Attach(b Backend) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.backend = b
}

// Close closes the connection, if one was opened. The master connection
// stays for the next command (ssh's ControlPersist ends it).
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.backend == nil {
		return nil
	}
	err := s.backend.Close()
	s.backend = nil
	return err
}

// CanSubmit reports whether jobs can be submitted on the cluster, and when
// not, why. Only the local cluster can tell before connecting: srtctl is
// on this machine's PATH or it is not.
func (s *Session) CanSubmit() (bool, string) {
	if !s.cluster.Local {
		return true, ""
	}
	pathList := os.Getenv("PATH")
	if p, ok := s.cluster.Env["PATH"]; ok {
		pathList = p
	}
	if !onPath(s.cluster.SrtctlCommand()[0], pathList) {
		return false, fmt.Sprintf("Submit now is not offered: %s is not on this machine's PATH (cluster %s). "+
			"Add your login node to the cluster configuration and use --cluster NAME.", s.cluster.SrtctlCommand()[0], s.cluster.Name)
	}
	return true, ""
}

// onPath reports whether name is an executable file, found in pathList
// when it has no slash.
func onPath(name, pathList string) bool {
	candidates := []string{name}
	if !strings.Contains(name, "/") {
		candidates = nil
		for _, dir := range filepath.SplitList(pathList) {
			if dir == "" {
				dir = "."
			}
			candidates = append(candidates, filepath.Join(dir, name))
		}
	}
	for _, p := range candidates {
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return true
		}
	}
	return false
}

// SessionFailedMsg says an operation on a cluster failed; the screen that
// started it shows it.
type SessionFailedMsg struct {
	Cluster string
	// Op is what failed: "submit" or "follow".
	Op  string
	Err error
	// Refusal is srtctl's own message when it refused the job (verbatim,
	// terminal control sequences removed).
	Refusal string
}

// Submit submits the saved job file and, once srtctl took it, makes the
// job's monitor the only screen. A refusal or a failure comes back as a
// SessionFailedMsg.
func (s *Session) Submit(uctx *Context, path string) tea.Cmd {
	name := s.cluster.Name
	return tea.Sequence(
		Status(fmt.Sprintf("submitting: srtctl apply -f %s on cluster %s…", shellescape.Quote(path), name), false),
		s.use("submit", func(b Backend) tea.Msg {
			sub, err := b.Submit(s.opt.Context, path)
			if sub == nil {
				f := SessionFailedMsg{Cluster: name, Op: "submit", Err: err}
				var se *runner.SubmitError
				if errors.As(err, &se) {
					f.Refusal = se.Message
				}
				return f
			}
			text, isErr := fmt.Sprintf("Job %s submitted on %s.", sub.JobID, name), false
			if err != nil {
				// Submitted, but not recorded in the history.
				text, isErr = text+" "+firstLine(err.Error()), true
			}
			info := monitor.JobInfo{ID: sub.JobID, Name: sub.Name, LogDir: sub.LogDir}
			if info.LogDir == "" {
				dir, err := b.FindLogDir(sub.JobID)
				if err != nil {
					return QuitMsg{Force: true, Message: fmt.Sprintf(
						"Job %s submitted on %s, but its log directory is not known yet (%v).\nFollow it with:\n  %s --log-dir DIR",
						sub.JobID, name, err, ReattachCommand(sub.JobID, name))}
				}
				info.LogDir = dir
			}
			return tea.BatchMsg{Reset(s.screen(uctx, b, info)), Status(text, isErr)}
		}))
}

// Follow connects and makes the monitor of a job from the history the only
// screen; a failure comes back as a SessionFailedMsg.
func (s *Session) Follow(uctx *Context, e runner.Entry) tea.Cmd {
	return tea.Sequence(
		Status(fmt.Sprintf("connecting to cluster %s to follow job %s…", s.cluster.Name, e.JobID), false),
		s.use("follow", func(b Backend) tea.Msg {
			info := monitor.JobInfo{ID: e.JobID, Name: e.Name, LogDir: e.LogDir}
			if info.LogDir == "" {
				dir, err := b.FindLogDir(e.JobID)
				if err != nil {
					return SessionFailedMsg{Cluster: s.cluster.Name, Op: "follow", Err: err}
				}
				info.LogDir = dir
			}
			return ResetMsg{Screen: s.screen(uctx, b, info)}
		}))
}

// MonitorScreen is the monitor of a job on the session's open connection
// (Attach), for a program that starts on it.
func (s *Session) MonitorScreen(uctx *Context, info monitor.JobInfo) (Component, error) {
	s.mu.Lock()
	b := s.backend
	s.mu.Unlock()
	if b == nil {
		return nil, fmt.Errorf("cluster %s: not connected", s.cluster.Name)
	}
	return s.screen(uctx, b, info), nil
}

// screen builds the monitor (with the automatic summary when asked) over
// a new engine for the job.
func (s *Session) screen(uctx *Context, b Backend, info monitor.JobInfo) Component {
	info.Cluster = s.cluster.Name
	engine := b.Follow(info, s.opt.Engine)
	m := NewMonitor(uctx, info, MonitorOptions{
		Engine: engine, Run: engine.Run, FetchDir: s.opt.FetchDir, Reattach: s.opt.Reattach,
		Login: s.loginCommand(), exec: s.opt.exec,
	})
	opt := SummaryMonitorOptions{Auto: s.opt.AutoSummary, Engine: engine, FetchDir: m.opt.FetchDir, Context: s.opt.Context}
	if rb, ok := b.(RunnerBackend); ok {
		opt.RemoteNsys = func(ctx context.Context, argv []string) ([]byte, error) {
			out, _, err := rb.C.Run(ctx, argv...) // err says the cluster, the command and nsys's words
			return out, err
		}
	}
	return NewSummaryMonitor(m, opt)
}

// loginCommand is the monitor's r: the same terminal handover as the
// first connection, which starts the master with ssh's prompts (runner's
// master command: ControlMaster=yes on the same ControlPath, no BatchMode)
// and leaves it running; the engine's BatchMode connection then finds it.
// Nil when ssh could not ask anything (the local cluster, no terminal).
func (s *Session) loginCommand() func() tea.ExecCommand {
	if s.cluster.Local || !s.opt.terminal() {
		return nil
	}
	return func() tea.ExecCommand {
		return &sshPrompt{s: s, why: fmt.Sprintf("the connection to cluster %s (%s) was lost and ssh needs you to log in again", s.cluster.Name, s.cluster.Host)}
	}
}

// use runs then on the open connection, connecting first.
func (s *Session) use(op string, then func(Backend) tea.Msg) tea.Cmd {
	fail := func(err error) tea.Msg { return SessionFailedMsg{Cluster: s.cluster.Name, Op: op, Err: err} }
	return func() tea.Msg {
		b, err := s.connect()
		if err == nil {
			return then(b)
		}
		var ce *runner.ConnectError
		if !errors.As(err, &ce) || s.cluster.Local || !s.opt.terminal() {
			return fail(err)
		}
		// ssh needs to ask something: hand it the terminal, then connect
		// again without it, on the master it opened.
		prompt := &sshPrompt{s: s}
		return s.opt.exec(prompt, func(err error) tea.Msg {
			if err != nil {
				return fail(err)
			}
			return tea.BatchMsg{func() tea.Msg {
				b, err := s.connect()
				if err != nil {
					return fail(err)
				}
				return then(b)
			}}
		})()
	}
}

// connect returns the open connection or opens one in BatchMode.
func (s *Session) connect() (Backend, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.backend != nil {
		return s.backend, nil
	}
	ctx, cancel := context.WithTimeout(s.opt.Context, connectTimeout)
	defer cancel()
	b, err := s.opt.dial(ctx, s.cluster, runner.ConnectOptions{
		ControlDir: s.opt.ControlDir, KeepMaster: true, History: s.opt.History,
	})
	if err != nil {
		return nil, err
	}
	s.backend = b
	return b, nil
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return first
}
