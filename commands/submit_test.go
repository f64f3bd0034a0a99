package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

// runCLIIn runs the root command with args, stdin and ctx, and returns
// stdout, stderr and the exit code main would use.
func runCLIIn(t *testing.T, ctx context.Context, stdin string, args ...string) (string, string, int) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code := 0
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
			if ee.err != nil {
				errOut.WriteString(errorText(ee.err) + "\n")
			}
		} else {
			code = 2
			errOut.WriteString(errorText(err) + "\n")
		}
	}
	return out.String(), errOut.String(), code
}

// cliCluster points the configuration and history at temporary files and
// configures cluster "tc" (the test cluster, with its own srtctl_root) as
// the default and "down" (nothing listening) as another.
// cliClusterPaced is the test cluster with a srtctl_root of the test's own whose
// simulated jobs run at pace (40: the whole job in about 1.5 s).
func cliClusterPaced(t *testing.T, pace float64) (tc *clustertest.Cluster, root string) {
	tc = clustertest.Need(t)
	root = tc.NewRoot(t, pace)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("XDG_RUNTIME_DIR", "")
	cfg := fmt.Sprintf(`default: tc
clusters:
  - name: tc
    host: %s
    srtctl_root: %s
    ssh_options: ["-F", %q]
  - name: down
    host: %s
    srtctl_root: %s
    ssh_options: ["-o", "Port=1", "-F", %q]
`, tc.Host, root, tc.SSHConfig, tc.Host, root, tc.SSHConfig)
	writeCLIConfig(t, cfg)
	return tc, root
}

// writeCLIConfig writes the configuration the commands read (under
// XDG_CONFIG_HOME) and makes stdin no terminal for the test.
func writeCLIConfig(t *testing.T, cfg string) {
	t.Helper()
	p := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "srtctl-tui", "config.yaml")
	os.MkdirAll(filepath.Dir(p), 0o700)
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	old := stdinIsTerminal
	stdinIsTerminal = func() bool { return false }
	t.Cleanup(func() { stdinIsTerminal = old })
}

func cliCluster(t *testing.T) (tc *clustertest.Cluster, root string) { return cliClusterPaced(t, 40) }

func inQueue(t *testing.T, tc *clustertest.Cluster, id string) bool {
	for _, q := range tc.SqueueIDs(t) {
		if q == id {
			return true
		}
	}
	return false
}

// TestClusterCommands drives clusters, submit, jobs, fetch and cancel
// against the real test cluster.
func TestClusterCommands(t *testing.T) {
	tc, root := cliCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	dir := t.TempDir()

	out, errOut, code := runCLIIn(t, ctx, "", "clusters")
	if code != 1 || !regexp.MustCompile(`(?m)^tc \(default\) +srtctl-test +\S+ +ok \(reachable, srtctl P1 \(early December 2025\) and squeue found\)$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^down .*FAIL: cluster down: cannot connect to srtctl-test: .*Connection refused`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^local `).MatchString(out) {
		t.Fatalf("clusters: exit %d\n%s\n%s", code, out, errOut)
	}

	bad := writeFile(t, dir, "bad.yaml", strings.Replace(string(jobspectest.P1Example(t)), "prefill_workers: 1", "prefill_workers: 2", 1))
	out, errOut, code = runCLIIn(t, ctx, "", "submit", "--detach", bad)
	if code != 1 || !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(bad)+`:[0-9]+:[0-9]+: error: Profiling mode requires single worker only\. Got prefill_workers=2$`).MatchString(errOut) ||
		!strings.Contains(errOut, "--force") {
		t.Fatalf("submit of a file validate refuses: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if up, _ := filepath.Glob(filepath.Join(root, "jobs", "*")); len(up) != 0 {
		t.Fatalf("uploaded although refused: %v", up)
	}
	// --force: srtctl refuses it on the cluster, in its own words, about
	// the user's file.
	out, errOut, code = runCLIIn(t, ctx, "", "submit", "--detach", "--force", bad)
	if code != 1 || !regexp.MustCompile(`(?m)^Invalid config in `+regexp.QuoteMeta(bad)+`: Profiling mode requires single worker only\. Got prefill_workers=2$`).MatchString(errOut) {
		t.Fatalf("forced submit srtctl rejects: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}

	_, errOut, code = runCLIIn(t, ctx, "", "submit", "--detach", "--force", "--cluster", "down", bad)
	if code != exitUnreachable || !strings.Contains(errOut, "cluster down: cannot connect to srtctl-test") {
		t.Fatalf("unreachable submit: exit %d %s", code, errOut)
	}

	job := writeFile(t, dir, "job.yaml", string(jobspectest.P1Example(t)))
	out, errOut, code = runCLIIn(t, ctx, "", "submit", "--detach", job)
	m := regexp.MustCompile(`(?m)^Job ([0-9]+) submitted on tc\nLogs: (\S+/logs/([0-9]+)_1P_1D_[0-9_]+)$`).FindStringSubmatch(out)
	if code != 0 || m == nil || m[1] != m[3] {
		t.Fatalf("submit: exit %d\n%s\n%s", code, out, errOut)
	}
	id, logDir := m[1], m[2]
	tc.ScancelLater(t, id)
	if !strings.HasPrefix(logDir, root+"/logs/") {
		t.Errorf("log dir %s outside the cluster's root %s", logDir, root)
	}

	// A job on a cluster that cannot be reached: its state is "?", and
	// why is said under the table.
	if err := runner.OpenHistory(runner.DefaultHistoryPath()).Append(runner.Entry{Cluster: "down", JobID: "9", Name: "far", SubmittedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLIIn(t, ctx, "", "jobs")
	if code != 0 || !regexp.MustCompile(`(?m)^`+id+` +tc +gb200-fp8-profiling +\S+ \S+ +(PENDING|RUNNING)\b.* `+regexp.QuoteMeta(logDir)+`$`).MatchString(out) {
		t.Fatalf("jobs: exit %d\n%s", code, out)
	}
	if !regexp.MustCompile(`(?m)^9 +down +far .*\? \(unreachable\)`).MatchString(out) || !strings.Contains(errOut, "cluster down: cannot connect to srtctl-test") {
		t.Fatalf("jobs with an unreachable cluster:\n%s\nstderr:\n%s", out, errOut)
	}

	// fetch once both phases placed their traces.
	deadline := time.Now().Add(100 * time.Second)
	for {
		p, _ := filepath.Glob(logDir + "/profiles/prefill/*.json.gz")
		d, _ := filepath.Glob(logDir + "/profiles/decode/*.json.gz")
		if len(p) >= 1 && len(d) >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no traces in %s/profiles", logDir)
		}
		time.Sleep(time.Second)
	}
	time.Sleep(2 * time.Second) // let the last trace's size settle
	dest := filepath.Join(dir, "traces")
	out, errOut, code = runCLIIn(t, ctx, "", "fetch", id, "--dest", dest)
	if code != 0 || !strings.Contains(out, "sizes checked") {
		t.Fatalf("fetch: exit %d\n%s\n%s", code, out, errOut)
	}
	remote, _ := filepath.Glob(logDir + "/profiles/*/*.json.gz")
	for _, r := range remote {
		rel, _ := filepath.Rel(logDir+"/profiles", r)
		a, _ := os.ReadFile(r)
		b, err := os.ReadFile(filepath.Join(dest, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("fetched %s differs: %v", rel, err)
		}
	}

	_, errOut, code = runCLIIn(t, ctx, "", "cancel", id)
	if code != 2 || !strings.Contains(errOut, "without confirmation: pass --yes") || !inQueue(t, tc, id) {
		t.Fatalf("cancel without --yes off a terminal: exit %d %s", code, errOut)
	}
	stdinIsTerminal = func() bool { return true }
	out, errOut, code = runCLIIn(t, ctx, "\n", "cancel", id)
	// The question says the job's state.
	if code != 1 || !strings.Contains(errOut, "Cancel job "+id+" (gb200-fp8-profiling) on tc, RUNNING ") || !strings.Contains(errOut, "? [y/N]") ||
		!strings.Contains(out, "Not cancelled") || !inQueue(t, tc, id) {
		t.Fatalf("cancel answered with Enter: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runCLIIn(t, ctx, "y\n", "cancel", id)
	stdinIsTerminal = func() bool { return false }
	if code != 0 || !strings.Contains(out, "Cancelled job "+id) {
		t.Fatalf("cancel answered y: exit %d\n%s\n%s", code, out, errOut)
	}
	for i := 0; inQueue(t, tc, id); i++ {
		if i > 100 {
			t.Fatalf("job %s still queued after cancel", id)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// An ended job is not asked about: nothing to cancel.
	_, errOut, code = runCLIIn(t, ctx, "", "cancel", "--yes", id)
	if code != 1 || !strings.Contains(errOut, "job "+id+" (gb200-fp8-profiling) on tc has already ended (CANCELLED") ||
		!strings.Contains(errOut, "nothing to cancel") {
		t.Fatalf("cancel of the ended job: exit %d\n%s", code, errOut)
	}
}

// TestSubmitFollowsUntilTheJobEnds: without --detach and without a
// terminal, submit follows the job in the monitor's plain mode and returns
// when the job ends: here cancelled from outside, which is exit status 3.
func TestSubmitFollowsUntilTheJobEnds(t *testing.T) {
	// Slow enough (about 13 s to the traces) to cancel while it profiles.
	tc, root := cliClusterPaced(t, 4)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	job := writeFile(t, t.TempDir(), "job.yaml", string(jobspectest.P1Example(t)))
	type result struct {
		out, errOut string
		code        int
	}
	done := make(chan result, 1)
	go func() {
		out, errOut, code := runCLIIn(t, ctx, "", "submit", job)
		done <- result{out, errOut, code}
	}()
	// Wait for this test's job (its log directory), then cancel it behind
	// submit's back once it ran for a while.
	var id string
	for i := 0; id == ""; i++ {
		if dirs, _ := filepath.Glob(root + "/logs/*_1P_1D_*"); len(dirs) > 0 {
			id, _, _ = strings.Cut(filepath.Base(dirs[0]), "_")
		}
		if i > 300 {
			t.Fatal("no job submitted")
		}
		time.Sleep(100 * time.Millisecond)
	}
	tc.ScancelLater(t, id)
	// Cancel while the phases wait for the model server (several seconds at
	// this pace, and before any trace), once the monitor had time to ask
	// SLURM after the job started: its files appearing make it ask within
	// MinStateInterval.
	dirs, _ := filepath.Glob(root + "/logs/" + id + "_*")
	for i := 0; ; i++ {
		b, _ := os.ReadFile(filepath.Join(dirs[0], "profile_decode.out"))
		if strings.Contains(string(b), "Waiting for server") {
			break
		}
		if i > 600 {
			t.Fatal("the decode phase never started")
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(runner.MinStateInterval + time.Second)
	if out, err := exec.Command("scancel", id).CombinedOutput(); err != nil {
		t.Fatalf("scancel: %v %s", err, out)
	}
	select {
	case r := <-done:
		if r.code != monitor.ExitCancelledByOther || !regexp.MustCompile(`(?m)^== .*RUNNING`).MatchString(r.out) ||
			!regexp.MustCompile(`(?m)^== .*CANCELLED`).MatchString(r.out) ||
			!regexp.MustCompile(`(?m)^prefill\b.*Waiting for server`).MatchString(r.out) {
			t.Fatalf("submit (following): exit %d\n%s\n%s", r.code, r.out, r.errOut)
		}
	case <-ctx.Done():
		t.Fatal("submit did not return after the job ended")
	}
}

// The accessible form offers to submit after Save, as the full-screen one
// does, and then follows the job in plain lines until the traces are in.
func TestAccessibleNewSubmitsAndFollows(t *testing.T) {
	tc, root := cliClusterPaced(t, 40)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	target := filepath.Join(t.TempDir(), "prof-torch.yaml")
	answers := []string{
		"prof-torch", "/models/deepseek-r1", "/containers/sglang.sqsh", "2",
		"", "", "", "", "", // resources and nodes
		"",                 // profiler: torch
		"", "", "", "", "", // prefill phase
		"", "", "", "", "", // decode phase
		"", "", "", // slurm
		"y", "", // save, under the name given on the command line
		"y", // submit
	}
	out, errOut, code := runCLIIn(t, ctx, strings.Join(answers, "\n")+"\n", "--accessible", "new", target)
	m := regexp.MustCompile(`(?m)Job ([0-9]+) submitted on tc$`).FindStringSubmatch(out)
	if m != nil {
		tc.ScancelLater(t, m[1])
	}
	if code != 0 || m == nil {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"Saved " + target, "Submit " + target + " to cluster tc now?", root + "/logs/" + m[1] + "_1P_1D_", "traces"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("the accessible mode printed terminal escapes")
	}
}

// keyClusterConfig makes "tc" (the test cluster, logging in with k only)
// the configuration's default, with XDG_RUNTIME_DIR a private directory of
// the test's; it returns the control directory the commands use.
func keyClusterConfig(t *testing.T, tc *clustertest.Cluster, k *clustertest.Key, root string) string {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	run := clustertest.ControlDir(t)
	t.Setenv("XDG_RUNTIME_DIR", run)
	writeCLIConfig(t, fmt.Sprintf("default: tc\nclusters:\n  - name: tc\n    host: %s\n    srtctl_root: %s\n    ssh_options: [\"-F\", %q]\n", tc.Host, root, k.SSHConfig))
	return filepath.Join(run, "srtctl-tui")
}

// A file validate finds errors in is refused before anything leaves the
// machine (no login at all), with validate's file:line:col; nothing is
// uploaded or queued.
func TestSubmitRefusesInvalidFilesBeforeUpload(t *testing.T) {
	tc := clustertest.Need(t)
	root := tc.NewRoot(t, 40)
	k := tc.NewKey(t, "")
	keyClusterConfig(t, tc, k, root)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	example := string(jobspectest.P1Example(t))
	for _, c := range []struct{ name, from, to, want string }{
		{"no-decode-osl", "  decode:\n    isl: 1024\n    osl: 128\n", "  decode:\n    isl: 1024\n", "profiling.decode.osl is not set"},
		{"steps", "  decode:\n    isl: 1024\n    osl: 128\n", "  decode:\n    isl: 1024\n    osl: 128\n    start_step: 20\n    stop_step: 10\n",
			"profiling.decode.stop_step 10 must be greater than start_step 20"},
	} {
		if !strings.Contains(example, c.from) {
			t.Fatalf("%s: the example job changed; %q not found", c.name, c.from)
		}
		f := writeFile(t, dir, c.name+".yaml", strings.Replace(example, c.from, c.to, 1))
		out, errOut, code := runCLIIn(t, ctx, "", "submit", "--detach", f)
		if code != 1 || !regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(f)+`:[0-9]+:[0-9]+: error: `+regexp.QuoteMeta(c.want)).MatchString(errOut) ||
			!strings.Contains(errOut, "not submitted: "+f+" has 1 error") || strings.Contains(out, "submitted on") {
			t.Fatalf("%s: exit %d\nstdout %s\nstderr %s", c.name, code, out, errOut)
		}
	}
	if n := tc.Logins(t, k); n != 0 {
		t.Fatalf("%d logins for files refused before upload", n)
	}
	if up, _ := filepath.Glob(filepath.Join(root, "jobs", "*")); len(up) != 0 {
		t.Fatalf("uploaded although refused: %v", up)
	}
	if q := tc.SqueueIDsIn(t, root); len(q) != 0 {
		t.Fatalf("queued although refused: %v", q)
	}
}

// submit --detach that had to start the master (the monitor's died) does
// not end it on the way out while a monitor uses it: the monitor goes on
// through it without logging in again.
func TestDetachedSubmitLeavesTheMonitorsMaster(t *testing.T) {
	tc := clustertest.Need(t)
	root := tc.NewRoot(t, 40)
	k := tc.NewKey(t, "")
	control := keyClusterConfig(t, tc, k, root)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cl := runner.Cluster{Name: "tc", Host: tc.Host, SrtctlRoot: root, SSHOptions: []string{"-F", k.SSHConfig}}
	mon, err := runner.Connect(ctx, cl, runner.ConnectOptions{ControlDir: control, KeepMaster: true})
	if err != nil {
		t.Fatal(err)
	}
	defer mon.Close()
	check := func() int { return tc.MasterPID(k.SSHConfig, control+"/%C") }
	t.Cleanup(func() { tc.StopMaster(k.SSHConfig, control+"/%C") })
	first := check()
	if first == 0 {
		t.Fatal("no master after the monitor connected")
	}
	exec.Command("kill", "-9", fmt.Sprint(first)).Run()
	for i := 0; check() == first && i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
	}

	job := writeFile(t, t.TempDir(), "job.yaml", string(jobspectest.P1Example(t)))
	out, errOut, code := runCLIIn(t, ctx, "", "submit", "--detach", job)
	m := regexp.MustCompile(`(?m)^Job ([0-9]+) submitted on tc$`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("submit --detach: exit %d\n%s\n%s", code, out, errOut)
	}
	tc.ScancelLater(t, m[1])
	if check() == 0 {
		t.Fatal("submit --detach ended the master the monitor uses")
	}
	if err := mon.Reconnect(ctx); err != nil {
		t.Fatalf("the monitor's reconnect: %v", err)
	}
	if out, _, err := mon.Run(ctx, "echo", "ok"); err != nil || string(out) != "ok\n" {
		t.Fatalf("the monitor's command: %q %v", out, err)
	}
	// The monitor's first login and the one master submit started.
	time.Sleep(300 * time.Millisecond)
	if n := tc.Logins(t, k); n != 2 {
		t.Fatalf("%d logins, want 2 (the monitor's, then one master for both)", n)
	}
}

// clusters checks the built-in local cluster only when it is the default
// or asked for: on a machine that is not a login node, clusters && ...
// works.
func TestClustersChecksLocalOnlyWhenAsked(t *testing.T) {
	tc := clustertest.Need(t)
	root := tc.NewRoot(t, 40)
	keyClusterConfig(t, tc, tc.NewKey(t, ""), root)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, errOut, code := runCLIIn(t, ctx, "", "clusters")
	if code != 0 || !regexp.MustCompile(`(?m)^local +this machine +\S+ +not checked \(this machine; check it with --cluster local\)$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^tc \(default\) .* ok \(reachable`).MatchString(out) {
		t.Fatalf("clusters: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, _ = runCLIIn(t, ctx, "", "clusters", "--cluster", "local")
	if strings.Contains(out, "not checked") || !regexp.MustCompile(`(?m)^local .*(ok|FAIL)`).MatchString(out) {
		t.Fatalf("clusters --cluster local did not check it:\n%s", out)
	}
}

// submit with no cluster configured (the built-in local one, and no srtctl
// here) says how to configure one and copies nothing.
func TestSubmitWithoutClusterSaysHowToConfigure(t *testing.T) {
	dir := noClusterHere(t)
	if err := os.WriteFile("job.yaml", []byte("name: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLIIn(t, context.Background(), "", "submit", "job.yaml")
	if code != 2 || !strings.Contains(stderr, "srtctl_root:") || !strings.Contains(stderr, "Configure your login node in") {
		t.Fatalf("code %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "jobs")); err == nil {
		t.Fatal("a ./jobs/ copy was left behind")
	}
}

// A 2.x file for a cluster whose srtctl is 1.0.x is refused before the
// upload, saying which srtctl the cluster runs and what to do; --force
// sends it, and srtctl's own refusal names the user's file.
func TestSubmitRefusesAFileTheClustersSrtctlCannotLoad(t *testing.T) {
	tc := clustertest.Need(t)
	root := tc.NewRootRelease(t, 40, "v1")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_RUNTIME_DIR", "")
	writeCLIConfig(t, fmt.Sprintf("default: tc\nclusters:\n  - name: tc\n    host: %s\n    srtctl_root: %s\n    ssh_options: [\"-F\", %q]\n",
		tc.Host, root, tc.SSHConfig))
	job := writeFile(t, t.TempDir(), "v2.yaml", jobspectest.ValidV2Disagg)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, errOut, code := runCLIIn(t, ctx, "", "submit", "--detach", job)
	if code != 1 || !strings.Contains(errOut, "not submitted: "+job+" is written for srtctl 2.x; cluster tc runs srtctl 1.0.x") ||
		!strings.Contains(errOut, "submit it to a 2.x cluster") {
		t.Fatalf("submit: exit %d\n%s", code, errOut)
	}
	if ents, _ := os.ReadDir(filepath.Join(root, "jobs")); len(ents) != 0 {
		t.Errorf("uploaded before refusing: %v", ents)
	}
	_, errOut, code = runCLIIn(t, ctx, "", "submit", "--detach", "--force", job)
	if code != 1 || !strings.Contains(errOut, "Invalid config in "+job) {
		t.Fatalf("submit --force: exit %d, want srtctl's refusal naming %s\n%s", code, job, errOut)
	}
}
