package runner

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// One master per cluster, whatever the number of srtctl-tui processes:
//
//   - <socket>.lock is held (exclusive) while a master is checked and
//     started, so two monitors that lose their master at once start one
//     master, not two (the second would find the socket taken, say
//     "disabling multiplexing" and stay as a plain connection forever).
//   - <socket>.use is held shared by every open Conn for as long as it is
//     open: a Conn that started the master closes it on Close only when it
//     gets that lock exclusive, i.e. when no other Conn uses the master.
//     Otherwise the master stays for its users, and ssh's ControlPersist
//     ends it once the last one has gone.

// resolveSSHConfig asks ssh how it expands the control path (%C) for this
// host, so every command names the socket literally whatever options (a
// ProxyCommand) a command adds, and where the server listens (none when a
// proxy stands between), for WaitAnswering.
func (c *Conn) resolveSSHConfig(ctx context.Context, pattern string) {
	c.controlPath = pattern
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	args := append([]string{"-o", "ControlPath=" + pattern}, c.cluster.SSHOptions...)
	out, err := exec.CommandContext(ctx, c.opts.SSH, append(args, "-G", "--", c.cluster.Host)...).Output()
	if err != nil {
		return
	}
	var host, port string
	proxied := false
	for _, line := range strings.Split(string(out), "\n") {
		key, value, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch key {
		case "controlpath":
			if filepath.IsAbs(value) {
				c.controlPath = value
			}
		case "hostname":
			host = value
		case "port":
			port = value
		case "proxycommand", "proxyjump":
			proxied = proxied || value != "none"
		}
	}
	if host != "" && port != "" && !proxied {
		c.serverAddr = net.JoinHostPort(host, port)
	}
}

// WaitAnswering returns once the cluster answers again: the master's
// socket accepts after it was seen not to (someone logged in again, from
// this process or another), or, with server (the last failure said the
// server did not answer: ServerDown), the server's port accepts a
// connection. A monitor then retries at once, not at its next backoff
// slot. The server is knocked on only while it refuses, so a login node is
// not sent idle connections; behind a proxy only the socket is watched.
// It ends with ctx.
func (c *Conn) WaitAnswering(ctx context.Context, server bool) error {
	if c.cluster.Local {
		return nil
	}
	sawDown := false
	for {
		if socketAnswers(c.controlPath) {
			if sawDown {
				return nil
			}
		} else {
			sawDown = true
		}
		if server && c.serverAddr != "" && tcpAnswers(ctx, c.serverAddr) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func tcpAnswers(ctx context.Context, addr string) bool {
	d := net.Dialer{Timeout: time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// takeLease marks this Conn as a user of the cluster's master.
func (c *Conn) takeLease(ctx context.Context) error {
	f, err := openNoFollow(c.controlPath + ".use")
	if err != nil {
		return err
	}
	// Waits only while a last user is closing the master (ssh -O exit).
	if err := lockWait(ctx, f, false); err != nil {
		f.Close()
		return err
	}
	c.lease = f
	return nil
}

// lastUser reports whether no other Conn uses the master. It gives up this
// Conn's own lease whatever the answer (the lock is converted, and a
// failed conversion loses the shared lock): call it only when closing.
func (c *Conn) lastUser() bool {
	if c.lease == nil {
		return true
	}
	ok, err := flock(c.lease, true, false)
	return ok && err == nil
}

func (c *Conn) dropLease() {
	if c.lease != nil {
		c.lease.Close()
		c.lease = nil
	}
}

// lockWait takes f's lock, polling so that ctx can end the wait (flock(2)
// itself cannot be interrupted).
func lockWait(ctx context.Context, f *os.File, exclusive bool) error {
	for {
		ok, err := flock(f, exclusive, false)
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ensureMaster makes sure a master answers on the socket, starting one
// (with the terminal when interactive) under the cluster's start lock. A
// master someone else started meanwhile is used as it is.
func (c *Conn) ensureMaster(ctx context.Context, interactive bool) error {
	if c.masterAlive(ctx) {
		return nil
	}
	f, err := openNoFollow(c.controlPath + ".lock")
	if err != nil {
		return &ConnectError{Cluster: c.cluster.Name, Host: c.cluster.Host, Reason: "control socket lock: " + err.Error()}
	}
	defer f.Close()
	if err := lockWait(ctx, f, true); err != nil {
		return &ConnectError{Cluster: c.cluster.Name, Host: c.cluster.Host, Reason: "waiting for another srtctl-tui to connect: " + err.Error()}
	}
	if c.masterAlive(ctx) {
		return nil
	}
	c.removeStaleSocket(ctx)
	before := masterProcesses(c.controlPath)
	if err := c.startMaster(ctx, interactive); err != nil {
		return err
	}
	if c.reapStrayMasters(ctx, before) == 0 {
		return &ConnectError{Cluster: c.cluster.Name, Host: c.cluster.Host,
			Reason: "the new master connection could not bind its socket " + c.controlPath + ": another program holds it; stop that program or remove the socket"}
	}
	return nil
}

// reapStrayMasters stops masters started since before that do not own the
// socket, and returns the pid of the one that does (0: none). An ssh that
// found the socket taken runs on without it ("disabling multiplexing"),
// invisible to -O exit and ControlPersist, forever. Under the start lock
// this only happens when something outside srtctl-tui holds the socket.
func (c *Conn) reapStrayMasters(ctx context.Context, before map[int]bool) int {
	owner := c.masterPID(ctx)
	for pid := range masterProcesses(c.controlPath) {
		if !before[pid] && pid != owner {
			_ = syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	return owner
}

// masterPID is the pid of the master answering on the socket (0: none).
func (c *Conn) masterPID(ctx context.Context) int {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	args := append(c.batchArgs(), "-O", "check", "--", c.cluster.Host)
	out, _ := exec.CommandContext(ctx, c.opts.SSH, args...).CombinedOutput()
	_, rest, ok := strings.Cut(string(out), "(pid=")
	if !ok {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), ")"))
	return pid
}

// masterProcesses lists the ssh masters (ControlMaster=yes) of this
// machine on the control path, from /proc (empty where there is none).
func masterProcesses(controlPath string) map[int]bool {
	out := map[int]bool{}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return out
	}
	want := "ControlPath=" + controlPath
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(b), "\x00")
		var path, master bool
		for _, a := range args {
			path = path || a == want
			master = master || a == "ControlMaster=yes"
		}
		if path && master {
			out[pid] = true
		}
	}
	return out
}
