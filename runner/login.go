package runner

import (
	"errors"
	"regexp"
	"strings"
)

// NeedsLogin reports whether err is ssh failing for want of the user: an
// authentication BatchMode may not do (a password, a 2FA code, a key's
// passphrase, a key the server no longer accepts) or a host key it could not
// verify (HostKeyFailed). Retrying without the user cannot fix these; only a
// login with the terminal handed to ssh can. Network failures ("Connection
// refused", "timed out", "No route to host", "Could not resolve hostname")
// are not: they come back by themselves.
//
// Only a *ConnectError or a *CommandError whose ssh failed (Transport) is
// looked at: a file's "permission denied" over SFTP is not a login problem.
func NeedsLogin(err error) bool {
	return classifySSH(sshText(err)) != sshNotLogin
}

// HostKeyFailed reports whether ssh refused the cluster's host key (unknown,
// or changed since known_hosts recorded it). Only the user can settle that,
// by checking the key; srtctl-tui never skips the check.
func HostKeyFailed(err error) bool {
	return classifySSH(sshText(err)) == sshHostKey
}

// LoginReason is the line of ssh's message that says why it needs the user
// ("alice@login01: Permission denied (publickey,password).", "Host key for
// login01 has changed and you have requested strict checking."), or "" when
// err is not such a failure. ssh says more around it (missing identity
// files, askpass), which would push the reason off a one-line banner.
func LoginReason(err error) string {
	text := sshText(err)
	kind := classifySSH(text)
	if kind == sshNotLogin {
		return ""
	}
	lines := strings.Split(text, "\n")
	for _, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case kind == sshHostKey && strings.Contains(l, "you have requested strict checking"):
			return l
		case kind == sshAuth && authFailed.MatchString(l):
			return l
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); strings.Contains(l, "Host key verification failed") || strings.Contains(l, "IDENTIFICATION HAS CHANGED") {
			return strings.Trim(l, "@ ")
		}
	}
	return strings.TrimSpace(text)
}

// ServerDown reports whether err is ssh failing to reach the server at all
// (refused, timed out, unreachable, unknown name): it comes back by itself,
// and nothing is gained by logging in before it answers again.
func ServerDown(err error) bool {
	text := sshText(err)
	for _, s := range []string{"Connection refused", "Connection timed out", "Operation timed out",
		"No route to host", "Network is unreachable", "Could not resolve hostname", "Connection reset by peer"} {
		if strings.Contains(text, s) && !muxRefused(text) {
			return true
		}
	}
	return false
}

// sshText is what ssh said in err, or "" when err is not ssh's failure.
func sshText(err error) string {
	var ce *ConnectError
	if errors.As(err, &ce) {
		return ce.Reason
	}
	var cmd *CommandError
	if errors.As(err, &cmd) && cmd.Transport {
		return cmd.Stderr
	}
	return ""
}

type sshFailure int

const (
	sshNotLogin sshFailure = iota
	sshAuth
	sshHostKey
)

// authFailed matches ssh's own authentication messages. "Permission denied
// (methods)." is always followed by the methods the server offers: a
// "Permission denied" without them is a file or socket (a control socket
// in a directory we may not use, a firewall refusing connect), not a login.
var authFailed = regexp.MustCompile(`Permission denied \([a-z0-9@.,-]+\)|Permission denied, please try again|` +
	`Too many authentication failures|No more authentication methods|Authentication failed\.|` +
	`sign_and_send_pubkey: signing failed`)

// classifySSH tells a failure that needs the user from one that does not.
// Host key problems come first: ssh may say them next to an authentication
// message, and they must be named as what they are.
func classifySSH(text string) sshFailure {
	switch {
	case text == "":
		return sshNotLogin
	case strings.Contains(text, "Host key verification failed") ||
		strings.Contains(text, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
		strings.Contains(text, "you have requested strict checking"):
		return sshHostKey
	case authFailed.MatchString(text):
		return sshAuth
	}
	return sshNotLogin
}
