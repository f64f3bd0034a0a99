package sim

import (
	"os"
	"time"
)

// Multi-call names of the simulation's tools. ToolJob and ToolSupervisor
// are internal: the batch script runs ToolJob, sbatch starts
// ToolSupervisor.
const (
	ToolSrtctl     = "srtctl"
	ToolSbatch     = "sbatch"
	ToolSqueue     = "squeue"
	ToolScancel    = "scancel"
	ToolSacct      = "sacct"
	ToolScontrol   = "scontrol"
	ToolJob        = "srtctl-sim-job"
	ToolSupervisor = "srtctl-sim-slurmd"
	// ToolTodayJob is the batch job of a 1.0.x or 2.x run.
	ToolTodayJob = "srtctl-sim-today"
)

// Tools maps each multi-call name to its entry point, for package main.
func Tools() map[string]func(args []string) int {
	return map[string]func([]string) int{
		ToolSrtctl:     func(a []string) int { return runSrtctl(a, os.Stdout, os.Stderr, time.Now) },
		ToolSbatch:     func(a []string) int { return runSbatch(a, os.Stdout, os.Stderr) },
		ToolSqueue:     func(a []string) int { return runSqueue(a, os.Stdout, os.Stderr, time.Now()) },
		ToolScancel:    func(a []string) int { return runScancel(a, os.Stderr) },
		ToolSacct:      func(a []string) int { return runSacct(a, os.Stderr) },
		ToolScontrol:   func(a []string) int { return runScontrol(a, os.Stdout, os.Stderr, time.Now()) },
		ToolJob:        func(a []string) int { return runJobBody(a, os.Stderr) },
		ToolSupervisor: runSupervisor,
		ToolTodayJob:   func(a []string) int { return runTodayJobBody(a, os.Stderr) },
	}
}
