package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"testing"
)

// Each reason is what OpenSSH (9.x, as on Debian 12 and RHEL 9 login nodes)
// prints on stderr for that failure, as startMaster or a command through the
// master collects it.
var sshFailures = []struct {
	name, text        string
	needsLogin, hostK bool
}{
	{"key not accepted", "srtctl-test@127.0.0.1: Permission denied (publickey).", true, false},
	{"password only", "alice@login.cluster.example.org: Permission denied (publickey,password).", true, false},
	{"2FA keyboard-interactive", "alice@login01: Permission denied (publickey,gssapi-keyex,gssapi-with-mic,keyboard-interactive).", true, false},
	{"missing identity file", "no such identity: /home/alice/.ssh/id_ed25519: No such file or directory\nalice@login01: Permission denied (publickey).", true, false},
	{"agent cannot sign", "sign_and_send_pubkey: signing failed for ED25519 \"/home/alice/.ssh/id_ed25519\" from agent: agent refused operation\nalice@login01: Permission denied (publickey).", true, false},
	{"too many keys offered", "Received disconnect from 10.0.0.5 port 22:2: Too many authentication failures\nDisconnected from 10.0.0.5 port 22", true, false},
	{"wrong password typed", "Permission denied, please try again.", true, false},
	{"unknown host key", "No ED25519 host key is known for [127.0.0.1]:22022 and you have requested strict checking.\nHost key verification failed.", true, true},
	{"unknown host key, no askpass", "ssh_askpass: exec(/usr/bin/ssh-askpass): No such file or directory\nHost key verification failed.", true, true},
	{"changed host key", "Offending ECDSA key in /home/alice/.ssh/known_hosts:12\n  remove with:\n  ssh-keygen -f '/home/alice/.ssh/known_hosts' -R 'login01'\nHost key for login01 has changed and you have requested strict checking.\nHost key verification failed.", true, true},
	{"changed host key banner", "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", true, true},

	{"refused", "ssh: connect to host 127.0.0.1 port 22022: Connection refused", false, false},
	{"timed out", "ssh: connect to host login01 port 22: Connection timed out", false, false},
	{"banner timeout", "Connection timed out during banner exchange\nConnection to 10.255.255.1 port 22 timed out", false, false},
	{"no route", "ssh: connect to host 10.1.2.3 port 22: No route to host", false, false},
	{"unreachable network", "ssh: connect to host 10.1.2.3 port 22: Network is unreachable", false, false},
	{"cannot resolve", "ssh: Could not resolve hostname nosuchhost.invalid: Name or service not known", false, false},
	{"reset", "kex_exchange_identification: read: Connection reset by peer\nConnection reset by 10.0.0.5 port 22", false, false},
	{"closed", "Connection closed by 10.0.0.5 port 22", false, false},
	{"broken pipe", "client_loop: send disconnect: Broken pipe", false, false},
	{"firewall refuses connect", "ssh: connect to host 10.0.0.5 port 22: Permission denied", false, false},
	{"control socket not ours", "Control socket connect(/tmp/srtctl-tui-0/abc): Permission denied\nssh: connect to host 10.0.0.5 port 22: Connection refused", false, false},
	{"no common host key type", "Unable to negotiate with 10.0.0.5 port 22: no matching host key type found. Their offer: ssh-rsa", false, false},
	{"empty", "", false, false},
}

func TestNeedsLoginOverConnectError(t *testing.T) {
	for _, c := range sshFailures {
		t.Run(c.name, func(t *testing.T) {
			err := &ConnectError{Cluster: "c", Host: "h", Reason: c.text}
			if got := NeedsLogin(err); got != c.needsLogin {
				t.Errorf("NeedsLogin = %v, want %v for %q", got, c.needsLogin, c.text)
			}
			if got := HostKeyFailed(err); got != c.hostK {
				t.Errorf("HostKeyFailed = %v, want %v for %q", got, c.hostK, c.text)
			}
			// Wrapped the way the engine and the session pass it on.
			wrapped := fmt.Errorf("reconnecting: %w", err)
			if NeedsLogin(wrapped) != c.needsLogin || HostKeyFailed(wrapped) != c.hostK {
				t.Errorf("wrapping changed the answer for %q", c.text)
			}
			// The SFTP session's failure carries the same reason.
			sftp := &ConnectError{Cluster: "c", Host: "h", Reason: "SFTP session: " + c.text}
			if NeedsLogin(sftp) != c.needsLogin {
				t.Errorf("SFTP session failure: NeedsLogin = %v", !c.needsLogin)
			}
		})
	}
}

func TestLoginReasonIsSSHsConclusiveLine(t *testing.T) {
	want := map[string]string{
		"key not accepted":             "srtctl-test@127.0.0.1: Permission denied (publickey).",
		"missing identity file":        "alice@login01: Permission denied (publickey).",
		"agent cannot sign":            `sign_and_send_pubkey: signing failed for ED25519 "/home/alice/.ssh/id_ed25519" from agent: agent refused operation`,
		"too many keys offered":        "Received disconnect from 10.0.0.5 port 22:2: Too many authentication failures",
		"unknown host key":             "No ED25519 host key is known for [127.0.0.1]:22022 and you have requested strict checking.",
		"unknown host key, no askpass": "Host key verification failed.",
		"changed host key":             "Host key for login01 has changed and you have requested strict checking.",
		"changed host key banner":      "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!",
		"refused":                      "",
		"firewall refuses connect":     "",
	}
	for _, c := range sshFailures {
		w, ok := want[c.name]
		if !ok {
			continue
		}
		if got := LoginReason(&ConnectError{Cluster: "c", Host: "h", Reason: c.text}); got != w {
			t.Errorf("%s: LoginReason = %q, want %q", c.name, got, w)
		}
	}
	if got := LoginReason(errors.New("srtctl-test@127.0.0.1: Permission denied (publickey).")); got != "" {
		t.Errorf("LoginReason of a plain error: %q", got)
	}
}

func TestNeedsLoginOverCommandError(t *testing.T) {
	for _, c := range sshFailures {
		ssh := &CommandError{Cluster: "c", Command: "squeue -j 1", ExitCode: 255, Transport: true, Stderr: c.text, Err: &exec.ExitError{}}
		if NeedsLogin(ssh) != c.needsLogin || HostKeyFailed(ssh) != c.hostK {
			t.Errorf("%s: ssh failure through a command: NeedsLogin %v HostKeyFailed %v", c.name, NeedsLogin(ssh), HostKeyFailed(ssh))
		}
		// The same text from the command itself (exit 1) is the command's
		// output, not ssh's: srun saying "Permission denied (publickey)"
		// about another node is no reason to log in again here.
		own := &CommandError{Cluster: "c", Command: "srun true", ExitCode: 1, Stderr: c.text}
		if NeedsLogin(own) || HostKeyFailed(own) {
			t.Errorf("%s: a command's own stderr counted as ssh's", c.name)
		}
	}
}

func TestNeedsLoginIgnoresOtherErrors(t *testing.T) {
	for _, err := range []error{
		nil,
		errors.New("srtctl-test@127.0.0.1: Permission denied (publickey)."),
		&fs.PathError{Op: "open", Path: "/logs/1/profile_prefill.out", Err: fs.ErrPermission},
		fmt.Errorf("sftp: %w", errors.New("Host key verification failed.")),
	} {
		if NeedsLogin(err) || HostKeyFailed(err) {
			t.Errorf("%v: not ssh's failure, yet classified as one", err)
		}
	}
}
