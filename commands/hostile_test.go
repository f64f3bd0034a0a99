package commands

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/runner/clustertest"
)

// What a hostile cluster sends: a clipboard write (OSC 52), a window title,
// clear screen and cursor home, concealed text, a bidi override.
const (
	evilPrintf = `\033]52;c;cHduZWQ=\007\033]0;title\007\033[2J\033[H\033[8m\342\200\256`
	evilGo     = "\x1b]52;c;cHduZWQ=\x07\x1b]0;title\x07\x1b[2J\x1b[H\x1b[8m\u202e"
)

// hostileCluster is the test cluster reached with a key of the test's own
// whose PATH starts with scripts (name -> bash body), configured as cluster
// "evil" (the default) with its own srtctl_root; srtctl, when given, is the
// srtctl command.
func hostileCluster(t *testing.T, scripts map[string]string, srtctl string) (tc *clustertest.Cluster, root string) {
	tc, root = cliCluster(t)
	bin := tc.Tools(t, root, scripts)
	writeEvilConfig(t, tc, root, tc.PathLogin(t, bin), srtctl)
	return tc, root
}

// writeEvilConfig configures cluster "evil" (the default), logging in with
// sshConfig through a control directory of the test's own (see KeyLogin),
// whose master connections end with the test.
func writeEvilConfig(t *testing.T, tc *clustertest.Cluster, root, sshConfig, srtctl string) {
	ctrl := clustertest.ControlDir(t)
	t.Setenv("XDG_RUNTIME_DIR", ctrl)
	t.Cleanup(func() {
		exec.Command("ssh", "-F", sshConfig, "-o", "ControlPath="+filepath.Join(ctrl, "srtctl-tui", "%C"), "-O", "exit", tc.Host).Run()
	})
	cfg := fmt.Sprintf("default: evil\nclusters:\n  - name: evil\n    host: %s\n    srtctl_root: %s\n    ssh_options: [\"-F\", %q]\n",
		tc.Host, root, sshConfig)
	if srtctl != "" {
		cfg += fmt.Sprintf("    srtctl: [%q]\n", srtctl)
	}
	p := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "srtctl-tui", "config.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// terminalSafe fails when s carries anything a terminal would act on or
// hide: an escape sequence (colours too unless sgrOK), a BEL, a bidi
// override, or a carriage return.
func terminalSafe(t *testing.T, what, s string, sgrOK bool) {
	t.Helper()
	check := s
	if sgrOK {
		check = regexp.MustCompile(`\x1b\[[0-9;:]*m`).ReplaceAllStringFunc(s, func(sgr string) string {
			if strings.Contains(sgr, "[8m") || strings.Contains(sgr, ";8m") || strings.Contains(sgr, "[8;") {
				return sgr // concealment is not a colour
			}
			return ""
		})
	}
	if i := strings.IndexAny(check, "\x1b\x07\r\u202e"); i >= 0 {
		t.Fatalf("%s reached the terminal with %q at %d:\n%q", what, check[i:min(len(check), i+12)], i, s)
	}
}

// squeueScript answers every job id asked with -j, each field laced with
// escape sequences.
const squeueScript = `ids=""
while [ $# -gt 0 ]; do case $1 in -j) ids=$2; shift ;; esac; shift; done
for id in ${ids//,/ }; do
	printf '%s|RUNNING` + evilPrintf + `|1:00` + evilPrintf + `|1|node` + evilPrintf + `x|None` + evilPrintf + `\n' "$id"
done
`

// Job 4242 is in the queue (squeue answers), job 4343 has left it (squeue
// says nothing, sacct answers): both answers are laced with escapes.
func TestJobsShowsHostileSqueueAndSacctSafely(t *testing.T) {
	sacct := `ids=""
while [ $# -gt 0 ]; do case $1 in -j) ids=$2; shift ;; esac; shift; done
for id in ${ids//,/ }; do
	printf '%s|FAILED` + evilPrintf + `|1:0` + evilPrintf + `|00:02:00|1|node` + evilPrintf + `y\n' "$id"
done
`
	squeue := strings.Replace(squeueScript, "do\n", "do\n\t[ \"$id\" = 4343 ] && continue\n", 1)
	hostileCluster(t, map[string]string{"squeue": squeue, "sacct": sacct}, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	hist := runner.OpenHistory(runner.DefaultHistoryPath())
	for _, id := range []string{"4242", "4343"} {
		if err := hist.Append(runner.Entry{Cluster: "evil", JobID: id,
			Name: "na" + evilGo + "me", LogDir: "/logs/" + evilGo + id, SubmittedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runCLIIn(t, ctx, "", "jobs")
	terminalSafe(t, "jobs' stdout", out, false)
	terminalSafe(t, "jobs' stderr", errOut, false)
	if code != 0 || !regexp.MustCompile(`(?m)^4242 +evil +name +\S+ \S+ +RUNNING 1:00 on nodex +- +/logs/4242$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^4343 +evil +name +\S+ \S+ +FAILED 00:02:00 on nodey \(exit 1:0\) +- +/logs/4343$`).MatchString(out) {
		t.Fatalf("jobs: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestCancelShowsHostileScancelSafely(t *testing.T) {
	hostileCluster(t, map[string]string{
		"scancel": `printf 'scancel: Terminating job %s\nscancel: error: Kill job error on job id %s: Denied` + evilPrintf + ` by policy\n' "$2" "$2" >&2`,
	}, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, errOut, code := runCLIIn(t, ctx, "", "cancel", "--yes", "4242")
	terminalSafe(t, "cancel's stdout", out, false)
	terminalSafe(t, "cancel's stderr", errOut, false)
	if code != 1 || strings.Contains(out, "Cancelled") || !strings.Contains(errOut, "cluster evil: job 4242 not cancelled: SLURM says: Denied by policy") {
		t.Fatalf("cancel: exit %d\n%q\n%q", code, out, errOut)
	}
}

func TestMonitorPlainShowsHostileClusterSafely(t *testing.T) {
	_, root := hostileCluster(t, map[string]string{"squeue": squeueScript}, "")
	logDir := filepath.Join(root, "logs", "4243_evil")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(logDir, "config.yaml"), jobspectest.P1Example(t), 0o644); err != nil {
		t.Fatal(err)
	}
	line := "hello " + evilGo + "world \x1b[1;8;31mconcealed\x1b[0m zero\u200bwidth para\u2029graph\n"
	if err := os.WriteFile(filepath.Join(logDir, "profile_prefill.out"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	out, errOut, _ := runCLIIn(t, ctx, "", "monitor", "--plain", "--log-dir", logDir, "4243")
	terminalSafe(t, "monitor --plain", out, true)
	terminalSafe(t, "monitor's stderr", errOut, false)
	for _, want := range []string{"hello <U+202E>world", "concealed", "zero<U+200B>width", "para<U+2029>graph", "nodex"} {
		if !strings.Contains(out, want) {
			t.Errorf("monitor --plain does not show %q:\n%q", want, out)
		}
	}
}

func TestFetchShowsHostileRemoteNamesSafely(t *testing.T) {
	_, root := hostileCluster(t, nil, "")
	// No traces yet: the error names the remote directory.
	if err := os.MkdirAll(filepath.Join(root, "logs", "4244_"+evilGo), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dest := t.TempDir()
	out, errOut, code := runCLIIn(t, ctx, "", "fetch", "--dest", dest, "4244")
	terminalSafe(t, "fetch's stdout", out, false)
	terminalSafe(t, "fetch's stderr", errOut, false)
	if code != 1 || !strings.Contains(errOut, "/logs/4244_/profiles") || !strings.Contains(errOut, "no traces yet?") {
		t.Fatalf("fetch without traces: exit %d\n%q\n%q", code, out, errOut)
	}
}

func TestSubmitShowsHostileLogDirSafely(t *testing.T) {
	// srtctl prints no Logs: line; the log directory is found by listing
	// logs/ on the cluster, and its name is hostile.
	tc, root := cliCluster(t)
	bin := tc.Tools(t, root, map[string]string{"evil-srtctl": `mkdir -p "logs/4245_$(printf '` + evilPrintf + `x')"
echo "Submitted batch job 4245"
`})
	writeEvilConfig(t, tc, root, tc.PathLogin(t, bin), filepath.Join(bin, "evil-srtctl"))
	job := writeFile(t, t.TempDir(), "job.yaml", string(jobspectest.P1Example(t)))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, errOut, code := runCLIIn(t, ctx, "", "submit", "--detach", job)
	terminalSafe(t, "submit's stdout", out, false)
	terminalSafe(t, "submit's stderr", errOut, false)
	if code != 0 || !strings.Contains(out, "Job 4245 submitted on evil\nLogs: "+root+"/logs/4245_x\n") {
		t.Fatalf("submit: exit %d\n%q\n%q", code, out, errOut)
	}
}

// A command of the check fails as ssh does (exit 255) with hostile text
// on stderr, laced with escapes and a tab: the check's cell says why, on one
// line, without escapes or a tab that would shift the columns.
func TestClustersShowsHostileSSHMessageSafely(t *testing.T) {
	hostileCluster(t, map[string]string{"sh": `printf 'no shell` + evilPrintf + `\there\n' >&2; exit 255`}, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, errOut, code := runCLIIn(t, ctx, "", "clusters", "--cluster", "evil")
	terminalSafe(t, "clusters' stdout", out, false)
	terminalSafe(t, "clusters' stderr", errOut, false)
	if code != 1 || !regexp.MustCompile(`(?m)^evil \(default\) +srtctl-test +\S+ +FAIL: cluster evil: .*connection failed: no shell\?here$`).MatchString(out) {
		t.Fatalf("clusters: exit %d\n%q\n%q", code, out, errOut)
	}
}
