package sim

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// runScontrol implements `scontrol show job [ID]` (and `-o` for one line
// per job); everything else is refused.
func runScontrol(args []string, stdout, stderr io.Writer, now time.Time) int {
	oneLiner := false
	var rest []string
	for _, a := range args {
		switch a {
		case "-o", "--oneliner":
			oneLiner = true
		case "-d", "--details":
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) < 2 || rest[0] != "show" || (rest[1] != "job" && rest[1] != "jobs" && rest[1] != "jobid") {
		fmt.Fprintf(stderr, "scontrol: error: the simulated scontrol only knows \"show job [ID]\", not %q\n", strings.Join(rest, " "))
		return 1
	}
	s, err := openStore()
	if err != nil {
		fmt.Fprintf(stderr, "scontrol: error: %v\n", err)
		return 1
	}
	var jobs []*jobRecord
	if len(rest) >= 3 {
		id, err := strconv.Atoi(rest[2])
		if err != nil {
			fmt.Fprintf(stderr, "scontrol: error: Invalid job id specified\n")
			return 1
		}
		j, err := s.load(id)
		if err == nil && j.purged(now) {
			err = errNoSuchJob
		}
		if err != nil {
			fmt.Fprintf(stderr, "slurm_load_jobs error: %v\n", err)
			return 1
		}
		jobs = append(jobs, j)
	} else {
		all, err := s.list()
		if err != nil {
			fmt.Fprintf(stderr, "scontrol: error: %v\n", err)
			return 1
		}
		for _, j := range all {
			if !j.purged(now) {
				jobs = append(jobs, j)
			}
		}
		if len(jobs) == 0 {
			fmt.Fprintln(stdout, "No jobs in the system")
			return 0
		}
	}
	for _, j := range jobs {
		lines := scontrolJobLines(j, now)
		if oneLiner {
			fmt.Fprintln(stdout, strings.Join(lines, " "))
		} else {
			fmt.Fprintln(stdout, strings.Join(lines, "\n   "))
			fmt.Fprintln(stdout)
		}
	}
	return 0
}

// scontrolJobLines are the key=value lines of `scontrol show job`, in
// SLURM 22.05's order (a subset: the ones a tool might read).
func scontrolJobLines(j *jobRecord, now time.Time) []string {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "Unknown"
		}
		return t.Format(slurmTimestamp)
	}
	limit := "UNLIMITED"
	if j.TimeLimitSecs > 0 {
		limit = scontrolDuration(j.timeLimit())
	}
	end := "Unknown"
	switch {
	case !j.EndTime.IsZero():
		end = ts(j.EndTime)
	case !j.StartTime.IsZero() && j.TimeLimitSecs > 0:
		end = ts(j.StartTime.Add(j.timeLimit()))
	}
	nodeList := "(null)"
	if !j.StartTime.IsZero() {
		nodeList = compressNodeList(j.Nodes)
	}
	account := j.Account
	if account == "" {
		account = "(null)"
	}
	return []string{
		fmt.Sprintf("JobId=%d JobName=%s", j.ID, j.Name),
		fmt.Sprintf("UserId=%s(%d) GroupId=%d(%d) MCS_label=N/A", j.User, j.UID, j.GID, j.GID),
		fmt.Sprintf("Priority=4294901759 Nice=0 Account=%s QOS=(null)", account),
		fmt.Sprintf("JobState=%s Reason=%s Dependency=(null)", j.State, j.Reason),
		fmt.Sprintf("Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=%s", j.ExitCode),
		fmt.Sprintf("RunTime=%s TimeLimit=%s TimeMin=N/A", scontrolDuration(j.elapsed(now)), limit),
		fmt.Sprintf("SubmitTime=%s EligibleTime=%s", ts(j.SubmitTime), ts(j.SubmitTime)),
		fmt.Sprintf("StartTime=%s EndTime=%s Deadline=N/A", ts(j.StartTime), end),
		fmt.Sprintf("Partition=%s AllocNode:Sid=localhost:%d", j.Partition, j.SupervisorPID),
		fmt.Sprintf("NodeList=%s", nodeList),
		fmt.Sprintf("NumNodes=%d NumCPUs=%d NumTasks=1 CPUs/Task=1", j.NumNodes, j.NumNodes),
		fmt.Sprintf("Command=%s", j.Command),
		fmt.Sprintf("WorkDir=%s", j.WorkDir),
		fmt.Sprintf("StdErr=%s", j.StdErr),
		"StdIn=/dev/null",
		fmt.Sprintf("StdOut=%s", j.StdOut),
	}
}
