package sim

import (
	"fmt"
	"strings"
	"time"

	"al.essio.dev/pkg/shellescape"
)

// batchScript is what the stand-in srtctl submits. The log directory's
// name is fixed except for the job id, which only SLURM knows: the script
// completes it from SLURM_JOB_ID, so the job never waits for srtctl to
// create the directory (the job may start before sbatch even returns).
type batchScript struct {
	Exe       string // this binary, run under the job's multi-call name
	LogsDir   string // <srtctl_root>/logs
	DirSuffix string // _1P_1D_20251129_130000
	Plan      jobPlan
	Nodes     int
	Submitted time.Time
	Options   []string // sbatch options, also passed on sbatch's command line
}

func (b batchScript) render() string {
	var s strings.Builder
	s.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&s, "#SBATCH --nodes=%d\n", b.Nodes)
	s.WriteString("#SBATCH --ntasks-per-node=1\n")
	s.WriteString("#\n")
	s.WriteString("# SIMULATED: rendered by the srtctl stand-in of srtctl-tui at " + b.Submitted.Format(time.RFC3339) + ".\n")
	s.WriteString("# It runs a simulated profile job (no model servers, no GPUs) that writes\n")
	s.WriteString("# the files a real srtctl P1 profiling job writes, on the same schedule.\n")
	s.WriteString("# sbatch options (given on the sbatch command line):\n")
	for _, o := range b.Options {
		s.WriteString("#   " + strings.ReplaceAll(o, "\n", " ") + "\n")
	}
	s.WriteString("\nset -eu\n")
	fmt.Fprintf(&s, "LOG_DIR=%s/\"${SLURM_JOB_ID}\"%s\n", shellescape.Quote(b.LogsDir), shellescape.Quote(b.DirSuffix))
	s.WriteString("mkdir -p \"$LOG_DIR\"\n")
	fmt.Fprintf(&s, "exec -a %s %s --log-dir \"$LOG_DIR\" --plan %s\n", ToolJob, shellescape.Quote(b.Exe), shellescape.Quote(b.Plan.encode()))
	return s.String()
}
