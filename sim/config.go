package sim

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// PaceEnv overrides simulation.pace: how many times faster than a real job
// the simulated one runs (tests use 50 or more).
const PaceEnv = "SRTCTL_SIM_PACE"

// clusterConfigName is srtctl's per-cluster configuration file, read from
// the directory srtctl runs in.
const clusterConfigName = "srtslurm.yaml"

// clusterConfig is what the stand-in srtctl reads of srtslurm.yaml.
type clusterConfig struct {
	// Root is srtctl_root, absolute: logs go under Root/logs.
	Root string
	// Traces is a directory of real *.trace.json.gz files to copy into
	// profiles/; empty means the built-in real traces.
	Traces string
	// Pace is the speed factor (1 = real time).
	Pace float64
	// JobNodes asks SLURM for the job's own node count; otherwise the
	// stand-in asks for one node, since it does no GPU work and a test
	// cluster has one node.
	JobNodes bool
	// Release is which srtctl the stand-in plays: ReleaseP1 (the seed,
	// December 2025), ReleaseV1 (1.0.x) or ReleaseV2 (2.x, schema: 2).
	Release string
	// OutputDir is srtslurm.yaml's output_dir (1.0.x, 2.x): the output base
	// runs go under; empty means <Root>/outputs.
	OutputDir string
}

// The srtctl releases the stand-in can play (simulation.srtctl in
// srtslurm.yaml; SRTCTL_SIM_SRTCTL overrides it).
const (
	ReleaseP1 = "p1"
	ReleaseV1 = "v1"
	ReleaseV2 = "v2"
)

// ReleaseEnv overrides simulation.srtctl.
const ReleaseEnv = "SRTCTL_SIM_SRTCTL"

type clusterConfigFile struct {
	SrtctlRoot string `yaml:"srtctl_root"`
	OutputDir  string `yaml:"output_dir"`
	Simulation struct {
		Traces   string   `yaml:"traces"`
		Pace     *float64 `yaml:"pace"`
		JobNodes bool     `yaml:"job_nodes"`
		Srtctl   string   `yaml:"srtctl"`
	} `yaml:"simulation"`
}

// loadClusterConfig reads dir/srtslurm.yaml. A missing file is srtctl run
// from its own checkout: the root is dir and nothing is simulated beyond
// the defaults.
func loadClusterConfig(dir string) (clusterConfig, error) {
	cfg := clusterConfig{Root: dir, Pace: 1, Release: ReleaseP1}
	path := filepath.Join(dir, clusterConfigName)
	b, _, err := jobspec.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return applyPaceEnv(cfg)
	}
	if err != nil {
		return cfg, err
	}
	var f clusterConfigFile
	doc, err := jobspec.DecodeYAML(path, b)
	if err != nil {
		return cfg, err
	}
	if err := doc.Decode(&f); err != nil {
		return cfg, fmt.Errorf("%s: %v", path, err)
	}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	if f.SrtctlRoot != "" {
		cfg.Root = abs(f.SrtctlRoot)
	}
	cfg.Traces = abs(f.Simulation.Traces)
	if f.OutputDir != "" {
		cfg.OutputDir = abs(os.ExpandEnv(f.OutputDir))
	}
	cfg.JobNodes = f.Simulation.JobNodes
	if f.Simulation.Srtctl != "" {
		cfg.Release = f.Simulation.Srtctl
	}
	if f.Simulation.Pace != nil {
		if *f.Simulation.Pace <= 0 {
			return cfg, fmt.Errorf("%s: simulation.pace must be a positive speed factor (1 is real time), got %v", path, *f.Simulation.Pace)
		}
		cfg.Pace = *f.Simulation.Pace
	}
	return applyPaceEnv(cfg)
}

func applyPaceEnv(cfg clusterConfig) (clusterConfig, error) {
	if v := strings.TrimSpace(os.Getenv(ReleaseEnv)); v != "" {
		cfg.Release = v
	}
	switch cfg.Release {
	case ReleaseP1, ReleaseV1, ReleaseV2:
	default:
		return cfg, fmt.Errorf("simulation.srtctl (or %s) is %q: want %s, %s or %s", ReleaseEnv, cfg.Release, ReleaseP1, ReleaseV1, ReleaseV2)
	}
	p, ok, err := paceFromEnv()
	if err != nil {
		return cfg, err
	}
	if ok {
		cfg.Pace = p
	}
	return cfg, nil
}

// paceFromEnv reads SRTCTL_SIM_PACE.
func paceFromEnv() (pace float64, set bool, err error) {
	v := strings.TrimSpace(os.Getenv(PaceEnv))
	if v == "" {
		return 0, false, nil
	}
	p, err := strconv.ParseFloat(v, 64)
	if err != nil || p <= 0 || p > 1e6 {
		return 0, false, fmt.Errorf("%s=%q: want a positive speed factor such as 1 (real time) or 20", PaceEnv, v)
	}
	return p, true, nil
}
