package sim

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// orphanCheckEvery is how often a supervisor checks that its state
// directory still exists.
const orphanCheckEvery = 2 * time.Second

// pendingTime is how long a simulated job stays PENDING at pace 1.
const pendingTime = 2 * time.Second

// killWait is how long a job gets between SIGTERM and SIGKILL (SLURM's
// KillWait is 30 s; the simulation need not make anyone wait that long).
const killWait = 3 * time.Second

// runSupervisor is the simulated slurmstepd of one job: it holds the job
// PENDING for a moment, runs its batch script in a process group of its
// own, enforces the time limit, and records how the job ended.
func runSupervisor(args []string) int {
	if len(args) != 1 {
		fmt.Fprintf(os.Stderr, "usage: %s JOBID (started by the simulated sbatch)\n", ToolSupervisor)
		return 2
	}
	id, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: bad job id %q\n", ToolSupervisor, args[0])
		return 2
	}
	s, err := openStore()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", ToolSupervisor, err)
		return 1
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)

	pace := 1.0
	if p, ok, _ := paceFromEnv(); ok {
		pace = p
	}
	select {
	case <-time.After(scaled(pendingTime, pace)):
	case <-sigs:
		// scancel of a pending job: it has already recorded CANCELLED.
		return 0
	}

	var cmd *exec.Cmd
	job, err := s.update(id, func(j *jobRecord) error {
		if j.State != statePending {
			return errNotPending
		}
		c, err := startBatchScript(s, j)
		now := time.Now()
		if err != nil {
			j.finish(stateFailed, "JobLaunchFailure", "1:0", now)
			return nil
		}
		cmd = c
		j.State, j.Reason, j.StartTime = stateRunning, "None", now
		j.JobPGID = c.Process.Pid
		return nil
	})
	if err != nil || cmd == nil {
		return 0
	}

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var limit <-chan time.Time
	if job.TimeLimitSecs > 0 {
		limit = time.After(job.timeLimit())
	}
	var escalate <-chan time.Time
	// If the state directory disappears (a demo killed before its
	// cleanup ran), nobody can see or cancel this job any more: end it.
	orphanCheck := time.NewTicker(orphanCheckEvery)
	defer orphanCheck.Stop()
	terminate := func() {
		syscall.Kill(-job.JobPGID, syscall.SIGTERM)
		if escalate == nil {
			escalate = time.After(killWait)
		}
	}
	for {
		select {
		case err := <-done:
			state, reason, code := exitState(err)
			s.update(id, func(j *jobRecord) error {
				j.finish(state, reason, code, time.Now())
				return nil
			})
			return 0
		case <-sigs:
			terminate()
		case <-limit:
			s.update(id, func(j *jobRecord) error {
				j.finish(stateTimeout, "TimeLimit", "0:15", time.Now())
				return nil
			})
			terminate()
		case <-escalate:
			syscall.Kill(-job.JobPGID, syscall.SIGKILL)
		case <-orphanCheck.C:
			if _, err := os.Stat(s.dir); errors.Is(err, os.ErrNotExist) {
				terminate()
			}
		}
	}
}

// noteCancel writes slurmstepd's line about a cancelled job into the job's
// error output, as SLURM does. scancel writes it: the job may be gone
// before its supervisor hears of the cancel.
func noteCancel(j *jobRecord) {
	f, err := os.OpenFile(j.StdErr, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	defer f.Close()
	node := "localhost"
	if len(j.Nodes) > 0 {
		node = j.Nodes[0]
	}
	fmt.Fprintf(f, "slurmstepd-%s: error: *** JOB %d ON %s CANCELLED AT %s ***\n", node, j.ID, node, j.EndTime.Format(slurmTimestamp))
}

var errNotPending = errors.New("job is no longer pending")

// exitState turns the batch script's end into SLURM's state and ExitCode
// ("<exit status>:<signal>").
func exitState(err error) (state, reason, exitCode string) {
	if err == nil {
		return stateCompleted, "None", "0:0"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return stateFailed, "NonZeroExitCode", fmt.Sprintf("0:%d", int(ws.Signal()))
		}
		return stateFailed, "NonZeroExitCode", fmt.Sprintf("%d:0", ee.ExitCode())
	}
	return stateFailed, "NonZeroExitCode", "1:0"
}

// startBatchScript runs the stored script with its #! interpreter, in the
// job's directory, with SLURM's environment, in a new process group so
// that scancel reaches everything it starts.
func startBatchScript(s *store, j *jobRecord) (*exec.Cmd, error) {
	path := s.scriptPath(j.ID)
	script, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	argv := interpreter(script)
	cmd := exec.Command(argv[0], append(argv[1:], path)...)
	cmd.Dir = j.WorkDir
	nodeList := compressNodeList(j.Nodes)
	cmd.Env = append(os.Environ(),
		"SLURM_JOB_ID="+strconv.Itoa(j.ID),
		"SLURM_JOBID="+strconv.Itoa(j.ID),
		"SLURM_JOB_NAME="+j.Name,
		"SLURM_JOB_NODELIST="+nodeList,
		"SLURM_NODELIST="+nodeList,
		"SLURM_JOB_NUM_NODES="+strconv.Itoa(j.NumNodes),
		"SLURM_NNODES="+strconv.Itoa(j.NumNodes),
		"SLURMD_NODENAME="+j.Nodes[0],
		"SLURM_SUBMIT_DIR="+j.WorkDir,
		"SLURM_JOB_PARTITION="+j.Partition,
		"SLURM_JOB_USER="+j.User,
		"SLURM_CLUSTER_NAME="+simCluster,
	)
	out, err := os.OpenFile(j.StdOut, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd.Stdout = out
	cmd.Stderr = out
	if j.StdErr != j.StdOut {
		errf, err := os.OpenFile(j.StdErr, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, err
		}
		defer errf.Close()
		cmd.Stderr = errf
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return cmd, nil
}

// interpreter reads a script's #! line; SLURM runs scripts without one
// with /bin/sh.
func interpreter(script []byte) []string {
	first, _, _ := bytes.Cut(script, []byte("\n"))
	line, ok := strings.CutPrefix(string(first), "#!")
	if !ok {
		return []string{"/bin/sh"}
	}
	f := strings.Fields(line)
	if len(f) == 0 {
		return []string{"/bin/sh"}
	}
	return f
}

// scaled divides a real-time duration by the pace.
func scaled(d time.Duration, pace float64) time.Duration {
	if pace <= 0 {
		pace = 1
	}
	return time.Duration(float64(d) / pace)
}
