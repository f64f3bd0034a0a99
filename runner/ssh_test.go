package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// hostile are values that a shell would act on if they were not quoted.
func hostile(canary string) []string {
	return []string{
		"plain",
		"with space",
		"  leading and trailing  ",
		"",
		"it's",
		`"double" and 'single'`,
		"$(touch " + canary + "/dollar)",
		"`touch " + canary + "/backtick`",
		"; touch " + canary + "/semicolon",
		"a\nb\n\ntouch " + canary + "/newline\n",
		"$HOME ${HOME} $((1+1)) \\$ \\",
		"* ? [a-z] ~ ~root #hash !bang",
		"a | touch " + canary + "/pipe & touch " + canary + "/amp",
		"> " + canary + "/redirect",
		"-n",
		"'; touch " + canary + "/quote-break; '",
		"tab\there \x01 émoji ✅",
	}
}

// TestRemoteQuotingThroughSSHD sends every hostile value through the real
// sshd as arguments of one command and checks they arrive unchanged and
// that none of them ran anything.
func TestRemoteQuotingThroughSSHD(t *testing.T) {
	tc := needCluster(t)
	cl := tc.cluster(t, 40)
	conn := connect(t, cl, ConnectOptions{})
	canary := filepath.Join(cl.SrtctlRoot, "canary")
	if err := os.Mkdir(canary, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(canary, 0o777)
	values := hostile(canary)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	argv := append([]string{"printf", `%s\0`}, values...)
	out, _, err := conn.Run(ctx, argv...)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(values) {
		t.Fatalf("sent %d values, %d arrived: %q", len(values), len(got), got)
	}
	for i := range values {
		if got[i] != values[i] {
			t.Errorf("value %d: sent %q, arrived %q", i, values[i], got[i])
		}
	}

	// The same values as a directory name given to a command, then read back
	// over SFTP: the name on disk is exactly the value.
	for _, v := range values {
		if v == "" || strings.ContainsAny(v, "/") || v == "-n" {
			continue
		}
		dir := cl.SrtctlRoot + "/" + v
		if _, _, err := conn.Run(ctx, "mkdir", "--", dir); err != nil {
			t.Errorf("mkdir %q: %v", v, err)
			continue
		}
		if info, err := conn.FS().Stat(dir); err != nil || !info.IsDir() {
			t.Errorf("directory %q not found over SFTP: %v", v, err)
		}
	}

	if entries, _ := os.ReadDir(canary); len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("hostile values ran commands on the cluster: %v", names)
	}
}

// TestSubmitWithHostileWorkdir: the uploaded file's path (in a workdir whose
// name is full of shell syntax) reaches srtctl apply -f as one argument.
func TestSubmitWithHostileWorkdir(t *testing.T) {
	tc := needCluster(t)
	cl := tc.cluster(t, 40)
	canary := filepath.Join(cl.SrtctlRoot, "canary")
	if err := os.Mkdir(canary, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(canary, 0o777)
	cl.Workdir = cl.SrtctlRoot + "/jobs $(touch " + canary + "/x) `touch " + canary + "/y`; 'q' \"d\""
	conn := connect(t, cl, ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	bad := bytes.Replace(jobspectest.P1Example(t), []byte("decode_workers: 1"), []byte("decode_workers: 3"), 1)
	local := writeJob(t, "job.yaml", bad)
	_, err := conn.Submit(ctx, local)
	var se *SubmitError
	if !errors.As(err, &se) {
		t.Fatalf("want srtctl's rejection, got %v", err)
	}
	if !strings.Contains(se.Output, "Invalid config in "+cl.Workdir+"/job_") ||
		!strings.Contains(se.Message, "Got decode_workers=3") {
		t.Fatalf("srtctl did not get the path as one argument:\n%s", se.Output)
	}
	// The message the user reads names their own file, not the upload.
	if !strings.Contains(se.Message, "Invalid config in "+local+":") || strings.Contains(se.Message, cl.Workdir) {
		t.Fatalf("srtctl's refusal does not name the user's file:\n%s", se.Message)
	}
	if entries, _ := os.ReadDir(canary); len(entries) != 0 {
		t.Fatalf("the workdir's name ran commands: %v", entries)
	}
	if entries, _ := os.ReadDir(cl.Workdir); len(entries) != 0 {
		t.Errorf("rejected job file left in the workdir: %v", entries)
	}
}

// writeSSHConfig writes an ssh config for the test cluster with one setting
// changed: port, known hosts file or key.
func writeSSHConfig(t testing.TB, tc *testCluster, port, knownHosts, key string) string {
	t.Helper()
	cfg := fmt.Sprintf(`Host %s
	HostName 127.0.0.1
	Port %s
	User %s
	IdentityFile %s
	IdentitiesOnly yes
	UserKnownHostsFile %s
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
`, tc.Host, port, tc.User, key, knownHosts)
	p := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// TestUnreachableAndWrongHostKey: each fails at Connect with ssh's reason,
// the cluster named, and nothing submitted.
func TestUnreachableAndWrongHostKey(t *testing.T) {
	tc := needCluster(t)
	otherKey := filepath.Join(t.TempDir(), "other")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	pub, _ := os.ReadFile(otherKey + ".pub")
	wrongKnown := filepath.Join(t.TempDir(), "known_hosts")
	f := strings.Fields(string(pub))
	os.WriteFile(wrongKnown, []byte(fmt.Sprintf("[127.0.0.1]:%s %s %s\n", tc.Port, f[0], f[1])), 0o644)

	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"unreachable", writeSSHConfig(t, tc, freePort(t), tc.KnownHosts, tc.Key), regexp.MustCompile(`Connection refused`)},
		{"wrong host key", writeSSHConfig(t, tc, tc.Port, wrongKnown, tc.Key), regexp.MustCompile(`(?s)Host key for \[127.0.0.1\]:` + tc.Port + ` has changed.*Host key verification failed`)},
		{"unknown host key", writeSSHConfig(t, tc, tc.Port, "/dev/null", tc.Key), regexp.MustCompile(`Host key verification failed`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := tc.cluster(t, 40)
			cl.Name = "bad"
			cl.SSHOptions = []string{"-F", c.config}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			start := time.Now()
			conn, err := Connect(ctx, cl, ConnectOptions{ControlDir: controlDir(t)})
			if err == nil {
				conn.Close()
				t.Fatal("Connect succeeded")
			}
			var ce *ConnectError
			if !errors.As(err, &ce) || !c.want.MatchString(err.Error()) || !strings.HasPrefix(err.Error(), "cluster bad: cannot connect to "+tc.Host+": ") {
				t.Fatalf("unclear error (%T): %v", err, err)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("failing took %v", d)
			}
			if queued := tc.SqueueIDsIn(t, cl.SrtctlRoot); len(queued) > 0 {
				t.Errorf("something was queued: %v", queued)
			}
			if entries, _ := os.ReadDir(filepath.Join(cl.SrtctlRoot, "jobs")); len(entries) != 0 {
				t.Errorf("a job file was uploaded: %v", entries)
			}
		})
	}
}

// TestOneMasterConnectionPerSession counts, in the sshd log, the logins
// made with a key only this test uses: a whole submit-and-watch session
// (submit, many state polls, file polls, cancel, state until ended) must be
// one connection.
func TestOneMasterConnectionPerSession(t *testing.T) {
	tc := needCluster(t)
	key := filepath.Join(t.TempDir(), "id_count")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "count-test", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	fpOut, err := exec.Command("ssh-keygen", "-l", "-f", key+".pub").Output()
	if err != nil {
		t.Fatal(err)
	}
	fp := strings.Fields(string(fpOut))[1] // SHA256:...
	pub, _ := os.ReadFile(key + ".pub")
	tc.AuthorizeKey(t, strings.TrimSpace(string(pub)))

	cl := tc.cluster(t, 40)
	cl.SSHOptions = []string{"-F", writeSSHConfig(t, tc, tc.Port, tc.KnownHosts, key)}
	logins := func() int {
		b, _ := os.ReadFile(tc.SSHDLog)
		n := 0
		for _, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, "Accepted publickey for "+tc.User) && strings.Contains(l, fp) {
				n++
			}
		}
		return n
	}
	if n := logins(); n != 0 {
		t.Fatalf("fresh key already seen %d times", n)
	}

	conn := connect(t, cl, ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	sub, err := conn.Submit(ctx, writeJob(t, "job.yaml", jobspectest.P1Example(t)))
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	tc.scancelLater(t, sub.JobID)
	for i := 0; i < 3; i++ {
		if _, err := conn.State(ctx, sub.JobID); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"log.out", "profile_prefill.out", "profile_decode.out"} {
			if _, err := conn.FS().Stat(sub.LogDir + "/" + name); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
		}
		time.Sleep(MinStateInterval)
	}
	if err := conn.Cancel(ctx, sub.JobID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, MinStateInterval, "the job to end", func() (bool, string) {
		st, err := conn.State(ctx, sub.JobID)
		return err == nil && st.Ended, st.State
	})
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	// sshd logs a login as it happens; give it a moment to flush.
	time.Sleep(200 * time.Millisecond)
	if n := logins(); n != 1 {
		t.Fatalf("the session made %d ssh logins, want 1 (one master connection)", n)
	}
}
