package sim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"go.yaml.in/yaml/v3"
)

// Cluster is a simulated login node in a directory: a bin directory of
// multi-call symlinks (srtctl, sbatch, squeue, scancel, sacct, scontrol),
// an srtctl root with its srtslurm.yaml, and the scheduler's state.
// Point the runner's `local` transport at it with Env and Root.
type Cluster struct {
	Dir      string
	BinDir   string
	Root     string // srtctl_root: run srtctl here; jobs log to Root/logs; Root/jobs exists for uploads
	StateDir string
	// Env is what commands must run with: PATH (BinDir first) and the
	// state directory, plus the pace when one was chosen.
	Env map[string]string
}

// ClusterOptions tune a simulated cluster; the zero value is the demo's.
type ClusterOptions struct {
	// Executable is the srtctl-tui binary the symlinks point to; default
	// os.Executable() (tests pass a binary they built).
	Executable string
	// Pace is the speed factor (default 1, real time).
	Pace float64
	// Traces is a directory of traces to copy; empty uses the built-in real
	// ones.
	Traces string
	// Release is the srtctl the stand-in plays (ReleaseP1 when empty).
	Release string
}

// NewCluster builds a simulated cluster in dir (created if missing) with
// the running binary as every tool.
func NewCluster(dir string) (*Cluster, error) { return NewClusterWith(dir, ClusterOptions{}) }

// NewClusterWith builds a simulated cluster in dir with options.
func NewClusterWith(dir string, opt ClusterOptions) (*Cluster, error) {
	exe := opt.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("simulated cluster: cannot find this program's path: %w", err)
		}
	}
	exe, err := filepath.Abs(exe)
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{
		Dir: dir, BinDir: filepath.Join(dir, "bin"),
		Root: filepath.Join(dir, "root"), StateDir: filepath.Join(dir, "state"),
	}
	for _, d := range []string{c.BinDir, filepath.Join(c.Root, "logs"), filepath.Join(c.Root, "jobs"), filepath.Join(c.StateDir, "jobs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	for _, name := range []string{ToolSrtctl, ToolSbatch, ToolSqueue, ToolScancel, ToolSacct, ToolScontrol, ToolJob, ToolSupervisor, ToolTodayJob} {
		link := filepath.Join(c.BinDir, name)
		os.Remove(link)
		if err := os.Symlink(exe, link); err != nil {
			return nil, fmt.Errorf("simulated cluster: %w", err)
		}
	}
	pace := opt.Pace
	if pace <= 0 {
		pace = 1
	}
	var cfg clusterConfigFile
	cfg.SrtctlRoot = c.Root
	cfg.Simulation.Traces = opt.Traces
	cfg.Simulation.Pace = &pace
	cfg.Simulation.JobNodes = true
	cfg.Simulation.Srtctl = opt.Release
	b, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	header := "# SIMULATED cluster built by srtctl-tui; removed when the demo ends.\n"
	if err := writeFileAtomic(filepath.Join(c.Root, clusterConfigName), append([]byte(header), b...), 0o644); err != nil {
		return nil, err
	}
	c.Env = map[string]string{
		"PATH":   c.BinDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		StateEnv: c.StateDir,
	}
	if opt.Pace > 0 {
		c.Env[PaceEnv] = strconv.FormatFloat(opt.Pace, 'g', -1, 64)
	}
	return c, nil
}

// Environ is os.Environ() with Env applied, for exec.Cmd.Env.
func (c *Cluster) Environ() []string {
	env := os.Environ()
	for k, v := range c.Env {
		env = append(env, k+"="+v)
	}
	return env
}

// Cleanup stops every simulated job (SIGKILL to its process group and
// supervisor) and removes the cluster's directory.
func (c *Cluster) Cleanup() error {
	s := &store{dir: c.StateDir}
	_ = s.locked(func() error {
		jobs, err := s.list()
		if err != nil {
			return err
		}
		now := time.Now()
		for _, j := range jobs {
			if isTerminal(j.State) {
				continue
			}
			j.finish(stateCancelled, "None", "0:15", now)
			signalJob(j, syscall.SIGKILL)
			_ = s.save(j)
		}
		return nil
	})
	// A job killed a moment ago may still be closing files under Dir.
	var err error
	for i := 0; i < 20; i++ {
		if err = os.RemoveAll(c.Dir); err == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.Join(fmt.Errorf("simulated cluster: removing %s", c.Dir), err)
}
