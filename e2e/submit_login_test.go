package e2e

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// interactiveMasters lists the ssh masters on the test's control directory
// started without BatchMode: ssh processes that may be reading the
// terminal under the screen.
func (c *monCluster) interactiveMasters() []string {
	out, _ := exec.Command("ps", "-eo", "pid=,args=").Output()
	var found []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "ControlPath="+filepath.Join(c.control, "srtctl-tui")+"/") &&
			strings.Contains(l, "ControlMaster=yes") && !strings.Contains(l, "BatchMode=yes") {
			found = append(found, strings.TrimSpace(l))
		}
	}
	return found
}

// submit's full-screen monitor with a key that has a passphrase: the
// passphrase is asked before the screen; when the master dies, the
// reconnects never ask (no ssh reading the terminal under the screen), the
// banner offers r, and r hands ssh the terminal for the passphrase; then
// the job is followed again through one new master: two logins in all.
func TestSubmitTUILogsInAgainWithThePassphrase(t *testing.T) {
	c := newMonCluster(t, 3)
	k := c.tc.NewKey(t, "correct horse battery")
	c.writeConfig(t, "pp", "-F", k.SSHConfig)
	c.submitTUILogsInAgain(t, "pp", "Enter passphrase for key", k.Passphrase)
	if n := c.tc.Logins(t, k); n != 2 {
		t.Fatalf("sshd counted %d logins with the key, want 2", n)
	}
}

// The same with a password.
func TestSubmitTUILogsInAgainWithThePassword(t *testing.T) {
	c := newMonCluster(t, 3)
	pw := c.passwordCluster(t)
	c.submitTUILogsInAgain(t, "pw", "password:", pw)
}

func (c *monCluster) submitTUILogsInAgain(t *testing.T, cluster, prompt, secret string) {
	t.Helper()
	p := c.startMonitor(t, 160, 45, "submit", "--cluster", cluster, e2eJobFile(t))
	p.waitFor(30*time.Second, prompt)
	p.typeSecret(secret)
	s := p.waitFor(60*time.Second, "monitor-e2e #", "cluster "+cluster, "profile_prefill.out")
	id := regexp.MustCompile(`monitor-e2e #([0-9]+)`).FindStringSubmatch(s)[1]
	t.Cleanup(func() { exec.Command("scancel", id).Run() })

	c.killMaster(t)
	p.waitFor(60*time.Second, "ssh needs you to log in again: press r")
	if m := c.interactiveMasters(); len(m) != 0 {
		t.Fatalf("an ssh master without BatchMode runs under the screen:\n%s", strings.Join(m, "\n"))
	}
	p.keys("r")
	s = p.waitUntil("ssh's prompt after r", 30*time.Second, func(s string) bool {
		_, after, ok := strings.Cut(s, "ssh needs you to log in again")
		return ok && strings.Contains(after, prompt)
	})
	if strings.Contains(s, "monitor-e2e #") {
		t.Fatalf("the monitor did not step aside for ssh's prompt:\n%s", s)
	}
	p.typeSecret(secret)
	p.waitFor(30*time.Second, "monitor-e2e #"+id)
	s = p.waitFor(120*time.Second, "✔ traces ready")
	if strings.Contains(s, secret) {
		t.Fatal("the secret is on the screen")
	}
	if pid := c.masterPid(); pid == 0 {
		t.Fatal("no master after logging in again")
	}
	p.keys("q")
	p.waitFor(30*time.Second, "EXIT=")
}
