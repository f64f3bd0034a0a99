// Package sim owns the simulated parts of a cluster: a stand-in `srtctl`
// (apply, dry-run, validate) that behaves like srtctl P1 on a login node, the
// profile job it submits (log.out, profile_<phase>.out with the real
// script's lines in the real order, traces placed in profiles/ the way SGLang
// and Nsight Systems place them), and a small SLURM (sbatch, squeue, scancel,
// sacct, scontrol) that keeps its state in a directory.
//
// It is used two ways. On the real test cluster, `srtctl` is the stand-in
// and SLURM is real: the stand-in finds the real sbatch on PATH. In
// `srtctl-tui demo`, NewCluster builds a directory of symlinks so that
// SLURM is simulated too, and the product's runner talks to it through its
// `local` transport exactly as it would to a login node.
//
// Every tool is a func(args []string) int (see Tools); package main
// registers them as multi-call names of the srtctl-tui binary.
//
// What the profile job prints, and when, is decided in one place:
// Timeline (timeline.go), a pure function of the phase, the pace and the
// start time.
package sim
