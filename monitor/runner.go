package monitor

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// RunnerConn makes a runner connection an engine's Conn.
type RunnerConn struct{ C *runner.Conn }

var _ Conn = RunnerConn{}

func (r RunnerConn) FS(context.Context) (tail.FS, error) {
	fsys := r.C.FS()
	if fsys == nil {
		return nil, errors.New("not connected to " + r.C.Cluster().Name)
	}
	return fsys, nil
}

func (r RunnerConn) Reconnect(ctx context.Context) error { return r.C.Reconnect(ctx) }

func (r RunnerConn) WaitAnswering(ctx context.Context, server bool) error {
	return r.C.WaitAnswering(ctx, server)
}

func (r RunnerConn) Cancel(ctx context.Context, id string) error { return r.C.Cancel(ctx, id) }

func (r RunnerConn) Fetch(ctx context.Context, remoteDir, localDir string, progress func(done, total int64)) error {
	_, err := r.C.Fetch(ctx, remoteDir, localDir, func(done, total int64, _ string) { progress(done, total) })
	return err
}

func (r RunnerConn) State(ctx context.Context, id string) (JobState, error) {
	st, err := r.C.State(ctx, id)
	if err != nil {
		return JobState{}, err
	}
	return fromRunnerState(st), nil
}

func fromRunnerState(st runner.JobState) JobState {
	node := st.NodeList
	if node == "None assigned" || node == "(null)" {
		node = ""
	}
	reason := st.Reason
	if reason == "None" {
		reason = ""
	}
	js := JobState{
		State:    st.State,
		Elapsed:  ParseSlurmDuration(st.Elapsed),
		Node:     safetext.Line(node),
		Reason:   safetext.Line(reason),
		ExitCode: st.ExitCode,
		Ended:    st.Ended,
	}
	if st.State == "UNKNOWN" {
		js.State, js.Unknown, js.Ended = "", true, true
	}
	return js
}

// ParseSlurmDuration reads SLURM's elapsed time: "SS", "MM:SS",
// "HH:MM:SS" or "D-HH:MM:SS". Anything else is 0.
func ParseSlurmDuration(s string) time.Duration {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	var days int
	if d, rest, ok := strings.Cut(s, "-"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0
		}
		days, s = n, rest
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return 0
	}
	var secs int
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 1<<20 {
			return 0
		}
		secs = secs*60 + n
	}
	if days > 1<<16 {
		return 0
	}
	return time.Duration(days)*24*time.Hour + time.Duration(secs)*time.Second
}
