package commands

import "github.com/srtctl-tui/srtctl-tui/sim"

// The simulated cluster's tools (package sim) answer to their own names:
// srtctl, sbatch, squeue, scancel, sacct, scontrol, and the internal
// srtctl-sim-job and srtctl-sim-slurmd.
func init() {
	for name, tool := range sim.Tools() {
		multiCallTools[name] = tool
	}
}
