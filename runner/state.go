package runner

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// MinStateInterval is the shortest time between two SLURM queries for the
// same job: State answers from its cache within it. Login nodes are shared
// and squeue is not free.
const MinStateInterval = 2 * time.Second

// JobState is what SLURM says about a job.
type JobState struct {
	JobID string
	// State is SLURM's state name: PENDING, RUNNING, COMPLETING, COMPLETED,
	// CANCELLED, FAILED, TIMEOUT, ..., or UNKNOWN when the job has left the
	// queue and nothing remembers it.
	State string
	// Reason is the pending reason (or SLURM's reason for the end).
	Reason string
	// Elapsed is SLURM's time used, as it prints it ("1:02", "1-02:03:04").
	Elapsed  string
	Nodes    int
	NodeList string
	// ExitCode is SLURM's "exit:signal" when known.
	ExitCode string
	// Ended is set once the job will not run any more.
	Ended bool
	// Source is where the answer came from: squeue, sacct, scontrol or none.
	Source    string
	CheckedAt time.Time
}

// Describe is a short human description ("RUNNING 1:02 on node1").
func (s JobState) Describe() string {
	switch {
	case s.State == "UNKNOWN":
		return "ended (state unknown)"
	case s.State == "PENDING" && s.Reason != "" && s.Reason != "None":
		return "PENDING (" + s.Reason + ")"
	}
	d := s.State
	if s.Elapsed != "" && s.State != "PENDING" {
		d += " " + s.Elapsed
	}
	if s.NodeList != "" && s.NodeList != "None assigned" && s.NodeList != "(null)" {
		d += " on " + s.NodeList
	}
	if s.Ended && s.ExitCode != "" && s.ExitCode != "0:0" {
		d += " (exit " + s.ExitCode + ")"
	}
	return d
}

type cachedState struct {
	state JobState
	at    time.Time
}

var jobIDPattern = regexp.MustCompile(`^[0-9]+(_[0-9]+)?$`)

// ValidJobID reports whether id looks like a SLURM job id (N or N_I).
func ValidJobID(id string) bool { return jobIDPattern.MatchString(id) }

// endedStates are SLURM's final states.
var endedStates = map[string]bool{
	"COMPLETED": true, "CANCELLED": true, "FAILED": true, "TIMEOUT": true,
	"NODE_FAIL": true, "PREEMPTED": true, "BOOT_FAIL": true, "DEADLINE": true,
	"OUT_OF_MEMORY": true, "REVOKED": true, "SPECIAL_EXIT": true,
}

// State asks SLURM about job id (queryState: squeue -t all, which knows a
// job that ended minutes ago too; for an ended job's exit code or a job
// squeue no longer knows, sacct when the cluster keeps accounting, else
// scontrol; else "ended (state unknown)"). Within MinStateInterval of the
// last query for id it returns the cached answer.
func (c *Conn) State(ctx context.Context, id string) (JobState, error) {
	if !ValidJobID(id) {
		return JobState{}, fmt.Errorf("%q is not a SLURM job id", id)
	}
	c.stateMu.Lock()
	if cs, ok := c.states[id]; ok && time.Since(cs.at) < MinStateInterval {
		c.stateMu.Unlock()
		return cs.state, nil
	}
	c.stateMu.Unlock()

	st, err := c.queryState(ctx, id)
	if err != nil {
		return st, err
	}
	st.CheckedAt = time.Now()
	c.stateMu.Lock()
	c.states[id] = cachedState{state: st, at: st.CheckedAt}
	c.stateMu.Unlock()
	return st, nil
}

func (c *Conn) forgetState(id string) {
	c.stateMu.Lock()
	delete(c.states, id)
	c.stateMu.Unlock()
}

// squeueFormat: fields never contain '|'.
const squeueFormat = "%i|%T|%M|%D|%N|%r"

// queryState asks squeue (with -t all: a job that ended minutes ago is
// still known to the controller, in '|'-separated fields no job name can
// fake), then for an ended job's exit code, or one squeue no longer knows,
// sacct, then scontrol.
func (c *Conn) queryState(ctx context.Context, id string) (JobState, error) {
	out, _, err := c.Run(ctx, "squeue", "-h", "-j", id, "-t", "all", "-o", squeueFormat)
	if err != nil && !isInvalidJobID(err) {
		return JobState{}, err
	}
	// ended is the controller's word that the job ended: it stands unless
	// accounting or scontrol tell more (the exit code).
	var ended *JobState
	if err == nil {
		if st, ok := parseSqueue(id, string(out)); ok {
			st.Source = "squeue"
			if !st.Ended {
				return st, nil
			}
			ended = &st
		}
	}
	c.stateMu.Lock()
	noAcct := c.noAccounting
	c.stateMu.Unlock()
	var lagging *JobState
	if !noAcct {
		out, _, err := c.Run(ctx, "sacct", "-j", id, "-X", "-n", "-P", "-o", sacctFormat)
		switch {
		case err == nil:
			if st, ok := parseSacct(id, string(out)); ok {
				st.Source = "sacct"
				if st.Ended {
					return st, nil
				}
				// Accounting lags the queue by a second or two: a job
				// squeue no longer lists may still read RUNNING here,
				// while scontrol already knows how it ended.
				lagging = &st
			}
		case noAccounting(err):
			c.stateMu.Lock()
			c.noAccounting = true
			c.stateMu.Unlock()
		default:
			var ce *CommandError
			if errors.As(err, &ce) && ce.Transport {
				return JobState{}, err
			}
		}
	}
	out, _, err = c.Run(ctx, "scontrol", "-o", "show", "job", id)
	if err == nil {
		if st, ok := parseScontrol(id, string(out)); ok {
			st.Source = "scontrol"
			return st, nil
		}
	} else if !isInvalidJobID(err) {
		var ce *CommandError
		if errors.As(err, &ce) && ce.Transport {
			return JobState{}, err
		}
	}
	if ended != nil {
		return *ended, nil
	}
	if lagging != nil {
		return *lagging, nil
	}
	return JobState{JobID: id, State: "UNKNOWN", Ended: true, Source: "none"}, nil
}

// sacctFormat: the fields parseSacct reads, one line per job (-X -n -P).
const sacctFormat = "JobID,State,ExitCode,Elapsed,NNodes,NodeList"

func isInvalidJobID(err error) bool {
	var ce *CommandError
	return errors.As(err, &ce) && !ce.Transport && strings.Contains(ce.Stderr, "Invalid job id")
}

// noAccounting: the cluster keeps no accounting (or has no sacct), which
// is normal and means "ask scontrol instead".
func noAccounting(err error) bool {
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Transport {
		return false
	}
	return ce.ExitCode == 127 || strings.Contains(ce.Stderr, "accounting storage is disabled") ||
		strings.Contains(ce.Stderr, "command not found")
}

// jobFields returns the '|'-separated fields of out's line for job id
// (squeue and sacct are both asked for six of them), each made safe to
// print (safetext.Field): every JobState field is shown by some command.
func jobFields(id, out string) ([]string, bool) {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) == 6 && f[0] == id {
			for i := range f {
				f[i] = safetext.Field(f[i])
			}
			return f, true
		}
	}
	return nil, false
}

// parseSqueue reads squeueFormat lines; the job's own line wins.
func parseSqueue(id, out string) (JobState, bool) {
	f, ok := jobFields(id, out)
	if !ok {
		return JobState{}, false
	}
	st := JobState{JobID: id, State: normState(f[1]), Elapsed: f[2], NodeList: f[4], Reason: f[5]}
	st.Nodes, _ = strconv.Atoi(f[3])
	st.Ended = endedStates[st.State]
	return st, true
}

// parseSacct reads JobID|State|ExitCode|Elapsed|NNodes|NodeList lines.
func parseSacct(id, out string) (JobState, bool) {
	f, ok := jobFields(id, out)
	if !ok {
		return JobState{}, false
	}
	st := JobState{JobID: id, State: normState(f[1]), ExitCode: f[2], Elapsed: f[3], NodeList: f[5]}
	st.Nodes, _ = strconv.Atoi(f[4])
	st.Ended = endedStates[st.State]
	return st, true
}

// parseScontrol reads `scontrol -o show job` (Key=Value words on one line).
// The job name, a command or a comment may hold words like "JobState=X":
// a line where a key read here appears twice is ambiguous, and skipped
// (squeue -t all, asked first, knows the same jobs in fields no name can
// fake).
func parseScontrol(id, out string) (JobState, bool) {
	for _, line := range strings.Split(out, "\n") {
		kv := map[string]string{}
		twice := false
		for _, w := range strings.Fields(line) {
			if k, v, ok := strings.Cut(w, "="); ok {
				if _, seen := kv[k]; seen && scontrolKeys[k] {
					twice = true
				}
				if _, seen := kv[k]; !seen {
					kv[k] = safetext.Field(v)
				}
			}
		}
		if twice || kv["JobId"] != id && kv["ArrayJobId"]+"_"+kv["ArrayTaskId"] != id {
			continue
		}
		st := JobState{JobID: id, State: normState(kv["JobState"]), Reason: kv["Reason"],
			Elapsed: kv["RunTime"], NodeList: kv["NodeList"], ExitCode: kv["ExitCode"]}
		st.Nodes, _ = strconv.Atoi(kv["NumNodes"])
		st.Ended = endedStates[st.State]
		if st.State == "" {
			continue
		}
		return st, true
	}
	return JobState{}, false
}

// scontrolKeys are the keys parseScontrol reads.
var scontrolKeys = map[string]bool{"JobId": true, "ArrayJobId": true, "ArrayTaskId": true, "JobState": true,
	"Reason": true, "RunTime": true, "NodeList": true, "ExitCode": true, "NumNodes": true}

// normState turns "CANCELLED by 1001" or "cancelled+" into CANCELLED: the
// first word, cut at any white space (not only a blank) or '+'.
func normState(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if i := strings.IndexFunc(s, func(r rune) bool { return r == '+' || unicode.IsSpace(r) }); i >= 0 {
		s = s[:i]
	}
	return s
}

// States asks about many jobs with at most three commands (squeue -t all
// for all, sacct for those it says ended or no longer knows, one scontrol
// listing for the rest), for a list of jobs such as the history, in
// queryState's order of trust. Cached answers younger than
// MinStateInterval are reused.
func (c *Conn) States(ctx context.Context, ids []string) (map[string]JobState, error) {
	res := map[string]JobState{}
	var ask []string
	seen := map[string]bool{}
	c.stateMu.Lock()
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if !ValidJobID(id) {
			c.stateMu.Unlock()
			return nil, fmt.Errorf("%q is not a SLURM job id", id)
		}
		if cs, ok := c.states[id]; ok && time.Since(cs.at) < MinStateInterval {
			res[id] = cs.state
		} else {
			ask = append(ask, id)
		}
	}
	noAcct := c.noAccounting
	c.stateMu.Unlock()
	if len(ask) == 0 {
		return res, nil
	}
	list := strings.Join(ask, ",")
	lagging := map[string]JobState{} // see queryState
	remaining := func(source string, out string, parse func(string, string) (JobState, bool)) {
		var still []string
		for _, id := range ask {
			if st, ok := parse(id, out); ok {
				st.Source = source
				res[id] = st
			} else {
				still = append(still, id)
			}
		}
		ask = still
	}
	out, _, err := c.Run(ctx, "squeue", "-h", "-j", list, "-t", "all", "-o", squeueFormat)
	if err != nil && !isInvalidJobID(err) {
		return nil, err
	}
	ended := map[string]JobState{} // see queryState
	remaining("squeue", string(out), func(id, out string) (JobState, bool) {
		st, ok := parseSqueue(id, out)
		if ok && st.Ended {
			st.Source = "squeue"
			ended[id] = st // left for sacct and scontrol (the exit code)
			return st, false
		}
		return st, ok
	})
	if len(ask) > 0 && !noAcct {
		out, _, err := c.Run(ctx, "sacct", "-j", strings.Join(ask, ","), "-X", "-n", "-P", "-o", sacctFormat)
		switch {
		case err == nil:
			remaining("sacct", string(out), func(id, out string) (JobState, bool) {
				st, ok := parseSacct(id, out)
				if ok && !st.Ended {
					st.Source = "sacct"
					lagging[id] = st // left for scontrol, kept as a fallback
					return st, false
				}
				return st, ok
			})
		case noAccounting(err):
			c.stateMu.Lock()
			c.noAccounting = true
			c.stateMu.Unlock()
		}
	}
	if len(ask) > 0 {
		out, _, err := c.Run(ctx, "scontrol", "-o", "show", "job")
		if err == nil {
			remaining("scontrol", string(out), parseScontrol)
		}
	}
	for _, id := range ask {
		if st, ok := ended[id]; ok {
			res[id] = st
			continue
		}
		if st, ok := lagging[id]; ok {
			res[id] = st
			continue
		}
		res[id] = JobState{JobID: id, State: "UNKNOWN", Ended: true, Source: "none"}
	}
	now := time.Now()
	c.stateMu.Lock()
	for id, st := range res {
		if st.CheckedAt.IsZero() {
			st.CheckedAt = now
			res[id] = st
			c.states[id] = cachedState{state: st, at: now}
		}
	}
	c.stateMu.Unlock()
	return res, nil
}
