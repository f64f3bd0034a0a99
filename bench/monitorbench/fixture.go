package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clusterEnv is the test cluster of testcluster/up.sh.
type clusterEnv struct {
	sshConfig, host, user, home string
	uid, gid                    int
	port                        int // the test sshd's, on 127.0.0.1
}

const clusterEnvFile = "/tmp/srtctl-test-cluster/env"

// loadClusterEnv reads the SRTCTL_TEST_* variables, from the environment
// (source testcluster/up.sh) or else from the file up.sh writes.
func loadClusterEnv() (clusterEnv, error) {
	vars := map[string]string{}
	for _, k := range []string{"SRTCTL_TEST_SSH_CONFIG", "SRTCTL_TEST_HOST", "SRTCTL_TEST_USER", "SRTCTL_TEST_HOME", "SRTCTL_TEST_PORT"} {
		vars[k] = os.Getenv(k)
	}
	if vars["SRTCTL_TEST_SSH_CONFIG"] == "" {
		f, err := os.Open(clusterEnvFile)
		if err != nil {
			return clusterEnv{}, fmt.Errorf("the test cluster is not up (%v): source testcluster/up.sh first", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
				vars[k] = strings.Trim(v, "'")
			}
		}
	}
	e := clusterEnv{sshConfig: vars["SRTCTL_TEST_SSH_CONFIG"], host: vars["SRTCTL_TEST_HOST"],
		user: vars["SRTCTL_TEST_USER"], home: vars["SRTCTL_TEST_HOME"]}
	if e.sshConfig == "" || e.host == "" || e.user == "" || e.home == "" {
		return e, fmt.Errorf("SRTCTL_TEST_SSH_CONFIG, _HOST, _USER and _HOME must be set: source testcluster/up.sh first")
	}
	u, err := user.Lookup(e.user)
	if err != nil {
		return e, fmt.Errorf("test user %q: %v (is the cluster up? source testcluster/up.sh)", e.user, err)
	}
	if e.port, err = strconv.Atoi(vars["SRTCTL_TEST_PORT"]); err != nil {
		e.port = 22022
	}
	e.uid, _ = strconv.Atoi(u.Uid)
	e.gid, _ = strconv.Atoi(u.Gid)
	return e, nil
}

// fixture is one live SLURM job of the test user and a log directory laid
// out the way srtctl leaves it, whose profile_prefill.out the benchmark
// appends to. Both clusters (ssh and local) follow the same directory.
type fixture struct {
	env     clusterEnv
	root    string // the srtctl_root, owned by the test user
	logDir  string
	jobID   string
	xdg     string   // XDG_CONFIG_HOME and XDG_STATE_HOME live under it
	control string   // XDG_RUNTIME_DIR: short, for ssh's socket path
	prefill *os.File // the file the markers go to
	cleanup []func()
	// today: a srtctl 1.0.x/2.x run (see today.go), not a P1 log directory.
	today bool
}

// benchJob is the job file srtctl leaves in the log directory as
// config.yaml: the monitor reads the profiling type and the phases from it.
const benchJob = `name: "bench-monitor"
model:
  path: "/models/deepseek-r1"
  container: "/containers/sglang.sqsh"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  prefill_nodes: 1
  decode_nodes: 1
  prefill_workers: 1
  decode_workers: 1
  gpus_per_node: 4
profiling:
  type: "torch"
  prefill:
    isl: 1024
    osl: 128
    concurrency: 1
  decode:
    isl: 1024
    osl: 128
    concurrency: 1
benchmark:
  type: "manual"
`

func newFixture(ctx context.Context, env clusterEnv, today bool) (f *fixture, err error) {
	f = &fixture{env: env, today: today}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	f.root = filepath.Join(env.home, "t", "bench-monitor-"+hex.EncodeToString(rnd[:]))
	for _, d := range []string{filepath.Dir(f.root), f.root, filepath.Join(f.root, "logs")} {
		if err := f.mkdirOwned(d); err != nil {
			return f, err
		}
	}
	f.cleanup = append(f.cleanup, func() { os.RemoveAll(f.root) })

	if f.jobID, err = f.submitSleeper(ctx); err != nil {
		return f, err
	}
	f.cleanup = append(f.cleanup, func() { _ = exec.Command("scancel", f.jobID).Run() })

	if f.today {
		return f, f.finish(f.setUpToday())
	}
	f.logDir = filepath.Join(f.root, "logs", f.jobID+"_1P_1D_"+time.Now().Format("20060102_150405"))
	if err := f.mkdirOwned(f.logDir); err != nil {
		return f, err
	}
	files := map[string]string{
		"config.yaml":         benchJob,
		"profile_prefill.out": "[bench] srtctl-tui monitor benchmark\n",
		"profile_decode.out":  "[bench] decode stays quiet\n",
		"log.out":             "[bench] log.out stays quiet\n",
	}
	for name, body := range files {
		if err := f.writeOwned(filepath.Join(f.logDir, name), body); err != nil {
			return f, err
		}
	}
	if f.prefill, err = os.OpenFile(filepath.Join(f.logDir, "profile_prefill.out"), os.O_WRONLY|os.O_APPEND, 0); err != nil {
		return f, err
	}
	return f, f.finish(nil)
}

// finish makes the monitor's configuration, once the job's files are
// laid out (err: they could not be).
func (f *fixture) finish(err error) error {
	if err != nil {
		return err
	}
	if f.xdg, err = os.MkdirTemp("", "srtctl-bench-monitor-"); err != nil {
		return err
	}
	f.cleanup = append(f.cleanup, func() { os.RemoveAll(f.xdg) })
	// ssh's control socket path must stay under ~104 bytes.
	if f.control, err = os.MkdirTemp("", "bm"); err != nil {
		return err
	}
	f.cleanup = append(f.cleanup, func() { os.RemoveAll(f.control) })
	if err := os.Chmod(f.control, 0o700); err != nil {
		return err
	}
	cfg := fmt.Sprintf("default: bench\nclusters:\n  - name: bench\n    host: %q\n    srtctl_root: %q\n    ssh_options: [\"-F\", %q]\n",
		f.env.host, f.root, f.env.sshConfig)
	cfgDir := filepath.Join(f.xdg, "config", "srtctl-tui")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(cfgDir, "config.yaml"), []byte(cfg), 0o600)
}

// submitSleeper submits, as the test user over ssh, a job that only
// sleeps, so that the monitor's SLURM polling is real; it waits (15 s at
// most) for the job to run.
func (f *fixture) submitSleeper(ctx context.Context) (string, error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	remote := "sbatch --parsable -J srtctl-bench-monitor -t 10 -o /dev/null --wrap 'sleep 900'"
	out, err := exec.CommandContext(cctx, "ssh", "-F", f.env.sshConfig, "-o", "ControlPath=none", "-o", "BatchMode=yes",
		f.env.host, remote).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("sbatch over ssh: %v: %s", err, strings.TrimSpace(string(out)))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("sbatch printed %q, not a job id", out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if f.jobState() == "RUNNING" {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	return id, nil
}

// jobState is the job's squeue state, "" when it is not in the queue.
func (f *fixture) jobState() string {
	if f.jobID == "" {
		return ""
	}
	out, _ := exec.Command("squeue", "-h", "-j", f.jobID, "-o", "%T").Output()
	return strings.TrimSpace(string(out))
}

func (f *fixture) mkdirOwned(d string) error {
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	return os.Chown(d, f.env.uid, f.env.gid)
}

func (f *fixture) writeOwned(p, body string) error {
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		return err
	}
	return os.Chown(p, f.env.uid, f.env.gid)
}

// appendLine appends one whole line with a single write (as a process on
// the cluster does) and returns the time just before the write.
func (f *fixture) appendLine(line string) (time.Time, error) {
	t := time.Now()
	_, err := f.prefill.WriteString(line + "\n")
	return t, err
}

// env is the environment the monitor runs with: this fixture's config,
// history and control directory.
func (f *fixture) monitorEnv() []string {
	return []string{
		"TERM=xterm-256color",
		"XDG_CONFIG_HOME=" + filepath.Join(f.xdg, "config"),
		"XDG_STATE_HOME=" + filepath.Join(f.xdg, "state"),
		"XDG_RUNTIME_DIR=" + f.control,
	}
}

func (f *fixture) close() {
	if f.prefill != nil {
		f.prefill.Close()
	}
	for i := len(f.cleanup) - 1; i >= 0; i-- {
		f.cleanup[i]()
	}
	f.cleanup = nil
}
