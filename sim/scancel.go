package sim

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runScancel cancels jobs: it records CANCELLED (ExitCode 0:15) and sends
// SIGTERM to the job's process group and its supervisor, which escalates
// to SIGKILL if the job does not stop.
func runScancel(args []string, stderr io.Writer) int {
	var ids []string
	verbose := false
	for _, a := range args {
		switch {
		case a == "-Q" || a == "--quiet" || a == "-f" || a == "--full":
		case a == "-v" || a == "--verbose":
			verbose = true
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(stderr, "scancel: unrecognized option '%s'\nTry \"scancel --help\" for more information\n", a)
			return 1
		default:
			ids = append(ids, strings.Split(a, ",")...)
		}
	}
	if len(ids) == 0 {
		fmt.Fprintln(stderr, "scancel: error: No job identification provided")
		return 1
	}
	s, err := openStore()
	if err != nil {
		fmt.Fprintf(stderr, "scancel: error: %v\n", err)
		return 1
	}
	code := 0
	for _, arg := range ids {
		id, err := strconv.Atoi(arg)
		if err != nil || id <= 0 {
			fmt.Fprintf(stderr, "scancel: error: Invalid job id %s\n", arg)
			code = 1
			continue
		}
		if verbose {
			fmt.Fprintf(stderr, "scancel: Terminating job %d\n", id)
		}
		if err := cancelJob(s, id, time.Now()); err != nil {
			fmt.Fprintf(stderr, "scancel: error: Kill job error on job id %d: %v\n", id, err)
			code = 1
		}
	}
	return code
}

var errAlreadyDone = errors.New("Job/step already completing or completed")

func cancelJob(s *store, id int, now time.Time) error {
	_, err := s.update(id, func(j *jobRecord) error {
		if j.purged(now) {
			return errNoSuchJob
		}
		wasRunning := j.State == stateRunning
		if !j.finish(stateCancelled, "None", "0:15", now) {
			return errAlreadyDone
		}
		if wasRunning {
			noteCancel(j)
		}
		signalJob(j, syscall.SIGTERM)
		return nil
	})
	return err
}

// signalJob sends sig to the job's process group and to its supervisor.
func signalJob(j *jobRecord, sig syscall.Signal) {
	if j.JobPGID > 0 {
		syscall.Kill(-j.JobPGID, sig)
	}
	if j.SupervisorPID > 0 {
		syscall.Kill(j.SupervisorPID, sig)
	}
}
