package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Cancel cancels job id with scancel. Asking the user first is the
// caller's duty (the UI's confirmation, the CLI's prompt or --yes).
//
// scancel exits 0 when the job does not exist or has already ended (SLURM
// 22.05 and later) and says why only when verbose, so it runs with -v and
// any "error:" line it prints is the answer: a *CancelError with SLURM's
// words.
func (c *Conn) Cancel(ctx context.Context, id string) error {
	if !ValidJobID(id) {
		return fmt.Errorf("%q is not a SLURM job id", id)
	}
	defer c.forgetState(id)
	_, stderr, err := c.Run(ctx, "scancel", "-v", id)
	var ce *CommandError
	if err != nil && (!errors.As(err, &ce) || ce.Transport) {
		return err
	}
	text := string(stderr)
	if ce != nil {
		text = ce.Stderr
	}
	if why := scancelErrors(text); why != "" {
		return &CancelError{Cluster: c.cluster.Name, JobID: id, Slurm: why}
	}
	return err
}

// CancelError is scancel refusing: the job does not exist, has already
// ended, or belongs to someone else.
type CancelError struct {
	Cluster, JobID string
	// Slurm is what scancel said, made safe to print.
	Slurm string
}

func (e *CancelError) Error() string {
	return fmt.Sprintf("cluster %s: job %s not cancelled: SLURM says: %s", e.Cluster, e.JobID, e.Slurm)
}

// scancelErrors is the text of scancel's "error:" lines ("Kill job error on
// job id 9: Invalid job id specified" becomes "Invalid job id specified"),
// the last three joined by "; ", made safe to print; "" when there are none.
func scancelErrors(stderr string) string {
	var why []string
	for _, line := range strings.Split(safetext.Plain(stderr), "\n") {
		_, msg, ok := strings.Cut(line, "error:")
		if !ok {
			continue
		}
		msg = strings.TrimSpace(msg)
		if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "Kill job error on job id") {
			msg = msg[i+2:]
		}
		if msg != "" {
			why = append(why, msg)
		}
	}
	if len(why) > 3 {
		why = why[len(why)-3:]
	}
	return strings.Join(why, "; ")
}
