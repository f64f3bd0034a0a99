package clustertest

import (
	"os/exec"
	"regexp"
	"strconv"
)

// MasterArgs are the options of a control command (-O) on the master at
// controlPath (ssh's ControlPath, %C allowed) that can never log in: when
// the socket accepts but the hello exchange fails (a master being killed),
// ssh drops -O and logs in by itself, a login the test would count as the
// product's. ProxyCommand=false makes that fallback fail instead.
func MasterArgs(sshConfig, controlPath, host, op string) []string {
	return []string{"-F", sshConfig, "-o", "ControlPath=" + controlPath, "-o", "ControlMaster=no",
		"-o", "BatchMode=yes", "-o", "ProxyCommand=false", "-O", op, "--", host}
}

var masterRunning = regexp.MustCompile(`Master running \(pid=([0-9]+)\)`)

// MasterPID is the pid of the master answering on controlPath for the
// cluster's host as sshConfig reaches it (0: none answers).
func (c *Cluster) MasterPID(sshConfig, controlPath string) int {
	out, _ := exec.Command("ssh", MasterArgs(sshConfig, controlPath, c.Host, "check")...).CombinedOutput()
	m := masterRunning.FindSubmatch(out)
	if m == nil {
		return 0
	}
	pid, _ := strconv.Atoi(string(m[1]))
	return pid
}

// StopMaster ends the master on controlPath, if one answers.
func (c *Cluster) StopMaster(sshConfig, controlPath string) {
	_ = exec.Command("ssh", MasterArgs(sshConfig, controlPath, c.Host, "exit")...).Run()
}
