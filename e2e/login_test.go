package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/runner"
)

// The tests here log in with a password typed into the pane, the way a
// cluster without keys (or with 2FA) is used: ssh asks on the terminal
// srtctl-tui hands it, and nothing else ever sees the answer.

// passwordCluster makes "pw" the cluster of c's configuration: the test
// cluster with keys turned off, so ssh must ask for the password, and
// returns that password. extra are more ssh options.
func (c *monCluster) passwordCluster(t *testing.T, extra ...string) string {
	t.Helper()
	pwFile := c.tc.PasswordFile
	pw, err := os.ReadFile(pwFile)
	if err != nil || len(strings.TrimSpace(string(pw))) == 0 {
		t.Fatalf("the test cluster's password (%s): %v", pwFile, err)
	}
	// BatchMode=no undoes the test ssh config's "BatchMode yes" for the
	// login only: srtctl-tui puts its own BatchMode=yes before the user's
	// options on every other command, and the first value wins.
	opts := []string{"-F", c.tc.SSHConfig, "-o", "BatchMode=no", "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password"}
	c.writeConfig(t, "pw", append(opts, extra...)...)
	return strings.TrimSpace(string(pw))
}

func (p *monPane) typeSecret(s string) { p.keys("-l", s); p.keys("Enter") }

// e2eJobFile is srtctl's profiling example named "monitor-e2e" (the name
// the cluster's clean-up cancels by), in a file of the test's.
func e2eJobFile(t *testing.T) string {
	job := regexp.MustCompile(`(?m)^name: .*$`).ReplaceAll(jobspectest.P1Example(t), []byte(`name: "monitor-e2e"`))
	path := filepath.Join(t.TempDir(), "job.yaml")
	if err := os.WriteFile(path, job, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// submit on a cluster that wants a password: ssh asks in the terminal,
// a wrong answer gets ssh's own "try again", the right one submits; the
// password never shows.
func TestSubmitAsksForThePasswordInTheTerminal(t *testing.T) {
	c := newMonCluster(t, 20)
	pw := c.passwordCluster(t)
	p := c.startMonitor(t, 120, 30, "submit", "--detach", "--cluster", "pw", e2eJobFile(t))

	p.waitFor(30*time.Second, "Connecting to pw (srtctl-test)...", "password:")
	p.typeSecret("not-the-password")
	p.waitFor(30*time.Second, "Permission denied, please try again.")
	p.typeSecret(pw)
	s := p.waitFor(60*time.Second, "EXIT=")
	m := regexp.MustCompile(`Job ([0-9]+) submitted on pw`).FindStringSubmatch(s)
	if m == nil || !strings.Contains(s, "EXIT=0") {
		t.Fatalf("submit after the password:\n%s", s)
	}
	if strings.Contains(s, pw) {
		t.Fatal("the password is on the screen")
	}
	if !strings.Contains(s, "Logs: "+c.root+"/logs/"+m[1]+"_1P_1D_") {
		t.Fatalf("no log directory:\n%s", s)
	}
}

// A login that fails (here: one password attempt, answered wrong) stops
// with exit 4 and a message naming the cluster, and submits nothing.
func TestFailedPasswordLoginSubmitsNothing(t *testing.T) {
	c := newMonCluster(t, 20)
	c.passwordCluster(t, "-o", "NumberOfPasswordPrompts=1")
	p := c.startMonitor(t, 120, 30, "submit", "--detach", "--cluster", "pw", e2eJobFile(t))

	p.waitFor(30*time.Second, "password:")
	p.typeSecret("not-the-password")
	s := p.waitFor(30*time.Second, "EXIT=")
	if !strings.Contains(s, "EXIT=4") || !strings.Contains(s, "cluster pw: cannot connect to srtctl-test") {
		t.Fatalf("failed login:\n%s", s)
	}
	if strings.Contains(s, "submitted") {
		t.Fatalf("something was submitted:\n%s", s)
	}
	if dirs, _ := filepath.Glob(filepath.Join(c.root, "logs", "*")); len(dirs) != 0 {
		t.Fatalf("job directories after a failed login: %v", dirs)
	}
	if entries, _, _ := runner.OpenHistory(filepath.Join(c.xdg, "state", "srtctl-tui", "history.jsonl")).Entries(); len(entries) != 0 {
		t.Fatalf("history after a failed login: %+v", entries)
	}
}

// The full-screen monitor on a password cluster: the first login in the
// terminal before the screen starts; when the connection dies, the
// reconnects (which never ask) fail for want of the password, the banner
// says so, r hands the terminal to ssh, and after the password the panes
// resume where they were: the saved logs equal the cluster's byte for byte.
func TestMonitorLogsInAgainWithThePassword(t *testing.T) {
	c := newMonCluster(t, 3)
	sub := c.submit(t)
	pw := c.passwordCluster(t)
	p := c.startMonitor(t, 160, 45, "monitor", sub.JobID, "--cluster", "pw", "--log-dir", sub.LogDir, "--save-logs", c.saved)

	p.waitFor(30*time.Second, "password:")
	p.typeSecret(pw)
	p.waitFor(60*time.Second, "monitor-e2e #"+sub.JobID, "cluster pw", "profile_prefill.out")
	p.waitUntil("lines in both panes", 60*time.Second, func(s string) bool {
		return sideBySide(s, "Profiling mode:")
	})

	c.killMaster(t)
	p.waitFor(60*time.Second, "ssh needs you to log in again: press r")
	p.keys("r")
	// ssh's new prompt, below the note the monitor prints when it steps
	// aside (the first login's prompt is still on the normal screen).
	s := p.waitUntil("ssh's password prompt after r", 30*time.Second, func(s string) bool {
		_, after, ok := strings.Cut(s, "ssh needs you to log in again")
		return ok && strings.Contains(after, "password:")
	})
	if strings.Contains(s, "monitor-e2e #") {
		t.Fatalf("the monitor did not step aside for ssh's prompt:\n%s", s)
	}
	p.typeSecret(pw)
	p.waitFor(30*time.Second, "monitor-e2e #"+sub.JobID)
	s = p.waitFor(120*time.Second, "✔ traces ready", "profiles/prefill/", "profiles/decode/")
	if strings.Contains(s, pw) {
		t.Fatal("the password is on the screen")
	}
	// Each phase prints its last lines after its traces are written.
	p.waitFor(60*time.Second, "Profiling results saved to /logs/profiles/prefill", "Profiling results saved to /logs/profiles/decode")
	p.keys("q")
	p.waitFor(30*time.Second, "EXIT=")

	c.checkSavedLogs(t, sub.LogDir, "profile_prefill.out", "profile_decode.out")
	exec.Command("scancel", sub.JobID).Run()
}
