package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// ConnectOptions says how to reach a cluster.
type ConnectOptions struct {
	// Stdin, Stdout and Stderr are the terminal handed to ssh while Connect
	// establishes the master connection, so its password, 2FA and host key
	// prompts reach the user. With Stdin nil the master is opened in
	// BatchMode: it fails instead of prompting. Reconnect never uses them:
	// a reconnect happens under a screen, where a prompt would be hidden.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// ControlDir holds the master connection's socket (default
	// DefaultControlDir()). It must be private to the user.
	ControlDir string
	// Persist is ssh's ControlPersist: how long an idle master outlives its
	// last use (default 10 minutes; a ControlPersist in the cluster's
	// ssh_options wins).
	Persist time.Duration
	// KeepMaster leaves the master running on Close, for the next command.
	// Without it, Close ends a master this Conn started only when no other
	// Conn (of any srtctl-tui process) still uses it.
	KeepMaster bool
	// History, when set, records every job Submit submits.
	History *History
	// SSH is the ssh program (default "ssh").
	SSH string
}

// Conn is one cluster's connection: for ssh, a ControlMaster connection
// that every command goes through in BatchMode and one SFTP session on it;
// for the local cluster, this machine's processes and files. A Conn is safe
// for concurrent use.
type Conn struct {
	cluster     Cluster
	opts        ConnectOptions
	controlPath string
	serverAddr  string // host:port of the server, "" behind a proxy

	mu            sync.Mutex
	sftpCmd       *exec.Cmd
	sftpClient    *sftp.Client
	fs            writeFS
	startedMaster bool
	// lease is this Conn's shared lock on <socket>.use while it is open.
	lease *os.File

	stateMu      sync.Mutex
	states       map[string]cachedState
	noAccounting bool
}

// Cluster is the cluster this connection reaches, with ~/ in srtctl_root and
// workdir replaced by the login home.
func (c *Conn) Cluster() Cluster { return c.cluster }

// Connect opens the connection to cluster: it reuses a live master
// connection (ssh -O check) or starts one with the terminal of opts, then
// opens the SFTP session on it.
func Connect(ctx context.Context, cluster Cluster, opts ConnectOptions) (*Conn, error) {
	if opts.SSH == "" {
		opts.SSH = "ssh"
	}
	if opts.Persist <= 0 {
		opts.Persist = 10 * time.Minute
	}
	c := &Conn{cluster: cluster, opts: opts, states: map[string]cachedState{}}
	if cluster.Local {
		c.fs = osFS{}
		home, err := os.UserHomeDir()
		if err != nil {
			home = "/"
		}
		c.expandHome(home)
		return c, nil
	}
	if cluster.Host == "" {
		return nil, fmt.Errorf("cluster %s: no host configured", cluster.Name)
	}
	dir := opts.ControlDir
	if dir == "" {
		dir = DefaultControlDir()
	}
	if err := ensurePrivateDir(dir); err != nil {
		return nil, fmt.Errorf("cluster %s: control socket directory: %w", cluster.Name, err)
	}
	// %C is a hash of the connection's parameters: short enough for the
	// 104-byte limit on socket paths, and one master per destination.
	c.resolveSSHConfig(ctx, path.Join(dir, "%C"))
	if err := c.takeLease(ctx); err != nil {
		return nil, fmt.Errorf("cluster %s: control socket directory: %w", cluster.Name, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.dialLocked(ctx, opts.Stdin != nil); err != nil {
		c.closeMasterLocked()
		c.dropLease()
		return nil, err
	}
	return c, nil
}

// sshBase is the start of every ssh command line: the control socket first,
// because the first value of an option wins, then the user's options.
func (c *Conn) sshBase(extra ...string) []string {
	args := []string{"-o", "ControlPath=" + c.controlPath}
	args = append(args, extra...)
	return append(args, c.cluster.SSHOptions...)
}

// batchArgs is a command through the master that never prompts and never
// logs in by itself: when the socket does not answer, ssh would quietly
// open a connection of its own (a new login each time, a 2FA prompt, a
// strike for fail2ban). ProxyCommand=false, ignored while the master
// answers, makes that fallback fail at once instead (muxRefused). The
// control commands (-O check, -O exit) need it as much: when the socket
// accepts but the hello exchange fails (a master being killed, or a socket
// that is no master), ssh (seen with OpenSSH 9.2) forgets -O and logs in,
// opening a shell.
func (c *Conn) batchArgs(extra ...string) []string {
	return c.sshBase(append([]string{"-o", "ControlMaster=no", "-o", "BatchMode=yes", "-o", "ProxyCommand=false"}, extra...)...)
}

// muxRefused reports whether ssh's message is the fallback batchArgs
// forbids: no master answered, so the command never left this machine.
func muxRefused(stderr string) bool {
	return strings.Contains(stderr, "UNKNOWN port 65535") || strings.Contains(stderr, "kex_exchange_identification: Connection closed")
}

// masterAlive asks ssh whether the master connection answers.
// It counts only when ssh names the master's pid: on a socket that accepts
// but is no master, ssh's status was 0 from the login it fell back to
// (batchArgs now forbids that login; the pid stays the proof).
func (c *Conn) masterAlive(ctx context.Context) bool { return c.masterPID(ctx) > 0 }

// masterArgs are the arguments that start the master connection.
func (c *Conn) masterArgs(batch bool) []string {
	extra := []string{"-o", "ControlMaster=yes"}
	if !c.userPersist() {
		extra = append(extra, "-o", fmt.Sprintf("ControlPersist=%d", int(c.opts.Persist.Seconds())))
	}
	extra = append(extra, "-o", "ServerAliveInterval=30", "-o", "ConnectTimeout=20")
	if batch {
		extra = append(extra, "-o", "BatchMode=yes")
	}
	return append(c.sshBase(extra...), "-f", "-N", "--", c.cluster.Host)
}

// userPersist reports whether the cluster's ssh_options set ControlPersist
// (how long an idle master outlives its last user): theirs is kept.
func (c *Conn) userPersist() bool {
	for _, o := range c.cluster.SSHOptions {
		if strings.Contains(strings.ToLower(o), "controlpersist") {
			return true
		}
	}
	return false
}

// startMaster opens the master connection, with the terminal of the options
// or in BatchMode. Call it through ensureMaster, under the start lock.
func (c *Conn) startMaster(ctx context.Context, interactive bool) error {
	batch := !interactive || c.opts.Stdin == nil
	cmd := exec.CommandContext(ctx, c.opts.SSH, c.masterArgs(batch)...)
	var errFile *os.File
	if batch {
		// A file, not a pipe: after authentication ssh forks into the
		// background, and a pipe it inherited would never close.
		f, err := os.CreateTemp("", "srtctl-tui-ssh-*.err")
		if err != nil {
			return err
		}
		defer os.Remove(f.Name())
		defer f.Close()
		errFile = f
		cmd.Stdout, cmd.Stderr = f, f
	} else {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = c.opts.Stdin, c.opts.Stdout, c.opts.Stderr
	}
	err := cmd.Run()
	if err == nil {
		c.startedMaster = true
		return nil
	}
	why := ""
	if errFile != nil {
		if b, rerr := os.ReadFile(errFile.Name()); rerr == nil {
			why = lastLines(safetext.Plain(string(b)), 4)
		}
	}
	if why == "" {
		why = err.Error()
		if !batch {
			why += " (ssh's message is above)"
		}
	}
	return &ConnectError{Cluster: c.cluster.Name, Host: c.cluster.Host, Reason: why}
}

// removeStaleSocket deletes the control socket of a master that no longer
// answers (killed, or the network dropped). Left in place, a new master
// finds the path taken, says "disabling multiplexing", runs without a
// socket and can never be stopped with -O exit; every later command then
// fails. Only called under the start lock, when -O check has just failed.
//
// A socket that still accepts is left alone, but only once it has done so
// for dyingMasterWait: a master killed a moment ago accepts until its
// process is gone (long enough on a loaded machine for the next command
// to see it), then leaves its socket behind.
func (c *Conn) removeStaleSocket(ctx context.Context) {
	p := c.controlPath
	deadline := time.Now().Add(dyingMasterWait)
	for {
		info, err := os.Lstat(p)
		if err != nil || info.Mode()&os.ModeSocket == 0 {
			return
		}
		if !socketAnswers(p) {
			_ = os.Remove(p)
			return
		}
		if time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// dyingMasterWait is how long a socket that accepts, although -O check
// found no master on it, is taken for a master still dying.
const dyingMasterWait = 3 * time.Second

// socketAnswers reports whether a master accepts connections on the socket
// at p. Another master may have bound it since -O check failed (the user
// logging in again from the monitor while a BatchMode retry runs): that
// socket is live and must stay.
func socketAnswers(p string) bool {
	conn, err := net.DialTimeout("unix", p, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// ConnectError says a cluster could not be reached, and ssh's reason.
type ConnectError struct {
	Cluster, Host, Reason string
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("cluster %s: cannot connect to %s: %s", e.Cluster, e.Host, e.Reason)
}

// Reconnect re-establishes a dead master connection, always in BatchMode
// (a failure that needs the user is NeedsLogin; the screens then hand ssh
// the terminal themselves), and reopens the SFTP session. Followers keep
// their own state, so they resume on the new FS.
func (c *Conn) Reconnect(ctx context.Context) error {
	if c.cluster.Local {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeSFTPLocked()
	return c.dialLocked(ctx, false)
}

// dialLocked makes sure of the master, then opens the SFTP session on it.
// A master that died in between is started once more (the SFTP session
// cannot go around it: batchArgs).
func (c *Conn) dialLocked(ctx context.Context, interactive bool) error {
	if err := c.ensureMaster(ctx, interactive); err != nil {
		return err
	}
	err := c.openSFTPLocked()
	var ce *ConnectError
	if err == nil || !errors.As(err, &ce) || !muxRefused(ce.Reason) {
		return err
	}
	if err := c.ensureMaster(ctx, false); err != nil {
		return err
	}
	return c.openSFTPLocked()
}

// sftpReadSize and sftpInFlight are the read requests a fetch keeps in
// flight on a server known to answer them in full (OpenSSH 8.6 and later,
// which say so with limits@openssh.com and serve reads up to 255 KiB):
// 8 MiB in flight instead of pkg/sftp's 2 MiB, which caps a copy from a
// cluster 100 ms away at 20 MB/s. A server that may answer a large read
// short keeps the default: a short read in the middle of a pipelined copy
// is a hole. (On loopback the limit was the 64 KiB pipe from ssh: growPipe.)
const (
	sftpReadSize = 64 << 10
	sftpInFlight = 128
)

func (c *Conn) openSFTPLocked() error {
	err := c.startSFTPLocked(true)
	if err == nil {
		if _, ok := c.sftpClient.HasExtension("limits@openssh.com"); !ok {
			c.closeSFTPLocked()
			err = c.startSFTPLocked(false)
		}
	}
	if err != nil {
		return err
	}
	c.fs = sftpFS{c.sftpClient}
	if home, err := c.sftpClient.Getwd(); err == nil && path.IsAbs(home) {
		c.expandHome(home)
	}
	return nil
}

func (c *Conn) startSFTPLocked(bigReads bool) error {
	args := append(c.batchArgs(), "-s", "--", c.cluster.Host, "sftp")
	cmd := exec.Command(c.opts.SSH, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 8 << 10}
	w, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cluster %s: starting the SFTP session: %w", c.cluster.Name, err)
	}
	if f, ok := r.(*os.File); ok {
		growPipe(f, 1<<20)
	}
	var opts []sftp.ClientOption
	if bigReads {
		opts = append(opts, sftp.MaxPacketUnchecked(sftpReadSize), sftp.MaxConcurrentRequestsPerFile(sftpInFlight))
	}
	// Buffered: pkg/sftp reads each packet's 4-byte length on its own.
	client, err := sftp.NewClientPipe(bufio.NewReaderSize(r, 2*sftpReadSize), w, opts...)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		why := lastLines(safetext.Plain(stderr.String()), 3)
		if why == "" {
			why = err.Error()
		}
		return &ConnectError{Cluster: c.cluster.Name, Host: c.cluster.Host, Reason: "SFTP session: " + why}
	}
	c.sftpCmd, c.sftpClient = cmd, client
	return nil
}

func (c *Conn) closeSFTPLocked() {
	if c.sftpClient != nil {
		_ = c.sftpClient.Close()
	}
	if c.sftpCmd != nil && c.sftpCmd.Process != nil {
		done := make(chan struct{})
		go func() { _ = c.sftpCmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = c.sftpCmd.Process.Kill()
			<-done
		}
	}
	c.sftpClient, c.sftpCmd = nil, nil
}

// expandHome replaces a leading ~/ in the cluster's directories and in
// the words of its srtctl command.
func (c *Conn) expandHome(home string) {
	exp := func(p string) string {
		if strings.HasPrefix(p, "~/") {
			return path.Join(home, p[2:])
		}
		if p == "~" {
			return home
		}
		return p
	}
	c.cluster.SrtctlRoot = exp(c.cluster.SrtctlRoot)
	c.cluster.Workdir = exp(c.cluster.Workdir)
	if len(c.cluster.Srtctl) > 0 {
		words := make([]string, len(c.cluster.Srtctl))
		for i, w := range c.cluster.Srtctl {
			words[i] = exp(w)
		}
		c.cluster.Srtctl = words
	}
}

// FS is the cluster's file system: the SFTP session, or this machine's.
// After Reconnect, call FS again for the new session.
func (c *Conn) FS() FS {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fs
}

func (c *Conn) writeFS() (writeFS, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fs == nil {
		return nil, fmt.Errorf("cluster %s: not connected", c.cluster.Name)
	}
	return c.fs, nil
}

// Close ends the SFTP session and, unless KeepMaster is set, the master
// connection this Conn started, when no other Conn uses it any more.
func (c *Conn) Close() error {
	if c.cluster.Local {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeSFTPLocked()
	c.fs = nil
	var err error
	if c.startedMaster && !c.opts.KeepMaster {
		err = c.closeMasterLocked()
	}
	c.dropLease()
	return err
}

// closeMasterLocked ends the master this Conn started, unless another
// Conn uses it: that one's user would have to log in again (with 2FA, a
// prompt). The master then lives on until ControlPersist after its last use.
func (c *Conn) closeMasterLocked() error {
	if !c.startedMaster {
		return nil
	}
	c.startedMaster = false
	if !c.lastUser() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	args := append(c.batchArgs(), "-O", "exit", "--", c.cluster.Host)
	cmd := exec.CommandContext(ctx, c.opts.SSH, args...)
	if out, err := cmd.CombinedOutput(); err != nil && c.masterAlive(ctx) {
		return fmt.Errorf("cluster %s: closing the master connection: %s", c.cluster.Name, lastLines(safetext.Plain(string(out)), 2))
	}
	return nil
}

// CommandError is a command that failed on a cluster: which cluster, which
// command, and why (its stderr, or ssh's).
type CommandError struct {
	Cluster string
	// Command is the command as run, words quoted.
	Command string
	// ExitCode is the command's exit status, -1 if it did not run.
	ExitCode int
	// Stderr is the command's standard error, made safe to print.
	Stderr string
	// Transport is set when ssh itself failed (exit 255): the connection,
	// not the command; the command may not have run.
	Transport bool
	Err       error
}

func (e *CommandError) Error() string {
	why := lastLines(e.Stderr, 3)
	if why == "" && e.Err != nil {
		why = e.Err.Error()
	}
	if e.Transport {
		why = "connection failed: " + why
	}
	return fmt.Sprintf("cluster %s: %s: %s", e.Cluster, e.Command, why)
}

func (e *CommandError) Unwrap() error { return e.Err }

// Run runs argv on the cluster (each word quoted for the remote shell) and
// returns its output. A non-zero exit is a *CommandError.
func (c *Conn) Run(ctx context.Context, argv ...string) (stdout, stderr []byte, err error) {
	stdout, stderr, _, err = c.runIn(ctx, "", argv)
	return stdout, stderr, err
}

// runIn runs argv in directory dir ("" for the login directory). combined
// is stdout and stderr in the order they arrived. When no master answered
// (the command never left this machine), the master is started again,
// once and in BatchMode, and the command runs through it.
func (c *Conn) runIn(ctx context.Context, dir string, argv []string) (stdout, stderr, combined []byte, err error) {
	stdout, stderr, combined, err = c.runOnce(ctx, dir, argv)
	var ce *CommandError
	if err == nil || !errors.As(err, &ce) || !ce.Transport || !muxRefused(ce.Stderr) || ctx.Err() != nil {
		return stdout, stderr, combined, err
	}
	c.mu.Lock()
	rerr := c.ensureMaster(ctx, false)
	c.mu.Unlock()
	if rerr != nil {
		// The master's own failure says why (a login needed, the server
		// down), not ssh's refusal to go around it.
		ce.Stderr, ce.Err = sshText(rerr), rerr
		return stdout, stderr, combined, ce
	}
	return c.runOnce(ctx, dir, argv)
}

func (c *Conn) runOnce(ctx context.Context, dir string, argv []string) (stdout, stderr, combined []byte, err error) {
	if len(argv) == 0 {
		return nil, nil, nil, errors.New("runner: empty command")
	}
	var cmd *exec.Cmd
	shown := shellCommand(dir, argv)
	if c.cluster.Local {
		env := c.localEnv()
		prog, err := lookPathIn(argv[0], envValue(env, "PATH"))
		if err != nil {
			return nil, nil, nil, &CommandError{Cluster: c.cluster.Name, Command: shown, ExitCode: 127, Err: err}
		}
		cmd = exec.CommandContext(ctx, prog, argv[1:]...)
		cmd.Args[0] = argv[0]
		cmd.Dir, cmd.Env = dir, env
	} else {
		args := append(c.batchArgs("-T"), "--", c.cluster.Host, shown)
		cmd = exec.CommandContext(ctx, c.opts.SSH, args...)
	}
	cmd.WaitDelay = 5 * time.Second
	var out, errb, both bytes.Buffer
	all := &lockedWriter{w: &limitedBuffer{buf: &both, max: 16 << 20}}
	cmd.Stdout = io.MultiWriter(&limitedBuffer{buf: &out, max: 16 << 20}, all)
	cmd.Stderr = io.MultiWriter(&limitedBuffer{buf: &errb, max: 1 << 20}, all)
	err = cmd.Run()
	if err == nil {
		return out.Bytes(), errb.Bytes(), both.Bytes(), nil
	}
	ce := &CommandError{Cluster: c.cluster.Name, Command: shown, ExitCode: -1, Stderr: safetext.Plain(errb.String()), Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ce.ExitCode = ee.ExitCode()
		ce.Transport = !c.cluster.Local && ce.ExitCode == 255
	}
	if ctx.Err() != nil {
		ce.Err = ctx.Err()
	}
	return out.Bytes(), errb.Bytes(), both.Bytes(), ce
}

func (c *Conn) localEnv() []string {
	env := os.Environ()
	for k, v := range c.cluster.Env {
		env = append(env, k+"="+v)
	}
	return env
}

// envValue is the last value of key in env (the one exec uses).
func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			v = kv[len(key)+1:]
		}
	}
	return v
}

// lookPathIn finds name in the PATH given (exec.LookPath would use this
// process's PATH, not the cluster's Env).
func lookPathIn(name, pathList string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range strings.Split(pathList, ":") {
		if dir == "" {
			dir = "."
		}
		p := path.Join(dir, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: command not found in PATH", name)
}

// limitedBuffer keeps at most max bytes: remote output is untrusted.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		if len(p) > room {
			l.buf.Write(p[:room])
		} else {
			l.buf.Write(p)
		}
	}
	return len(p), nil
}

// lockedWriter serialises the stdout and stderr copiers writing to one
// buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
