package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// StateEnv names the directory where the simulated SLURM keeps its jobs.
const StateEnv = "SRTCTL_SIM_STATE"

// Job states, as squeue -o %T and scontrol print them.
const (
	statePending   = "PENDING"
	stateRunning   = "RUNNING"
	stateCompleted = "COMPLETED"
	stateCancelled = "CANCELLED"
	stateFailed    = "FAILED"
	stateTimeout   = "TIMEOUT"
)

// compactState is squeue's %t.
var compactState = map[string]string{
	statePending: "PD", stateRunning: "R", stateCompleted: "CD",
	stateCancelled: "CA", stateFailed: "F", stateTimeout: "TO",
}

func isTerminal(state string) bool {
	return state != statePending && state != stateRunning
}

// minJobAge is how long SLURM keeps a finished job visible to
// `squeue -t all` and `scontrol show job` (its MinJobAge default).
const minJobAge = 300 * time.Second

// firstJobID makes simulated ids look like a busy cluster's.
const firstJobID = 4211

// jobRecord is one simulated job as the scheduler stores it.
type jobRecord struct {
	ID            int       `json:"id"`
	Name          string    `json:"name"`
	User          string    `json:"user"`
	UID           int       `json:"uid"`
	GID           int       `json:"gid"`
	Account       string    `json:"account,omitempty"`
	Partition     string    `json:"partition"`
	TimeLimitSecs int64     `json:"time_limit_secs"` // 0: UNLIMITED
	NumNodes      int       `json:"num_nodes"`
	Nodes         []string  `json:"nodes"`
	SubmitTime    time.Time `json:"submit_time"`
	StartTime     time.Time `json:"start_time,omitzero"`
	EndTime       time.Time `json:"end_time,omitzero"`
	State         string    `json:"state"`
	Reason        string    `json:"reason"`
	ExitCode      string    `json:"exit_code"`
	WorkDir       string    `json:"work_dir"`
	Command       string    `json:"command"`
	StdOut        string    `json:"stdout"`
	StdErr        string    `json:"stderr"`
	SupervisorPID int       `json:"supervisor_pid,omitempty"`
	JobPGID       int       `json:"job_pgid,omitempty"`
}

func (j *jobRecord) timeLimit() time.Duration {
	return time.Duration(j.TimeLimitSecs) * time.Second
}

// elapsed is squeue's TIME: zero while pending, up to now while running,
// start to end once finished.
func (j *jobRecord) elapsed(now time.Time) time.Duration {
	switch {
	case j.StartTime.IsZero():
		return 0
	case !j.EndTime.IsZero():
		return j.EndTime.Sub(j.StartTime)
	default:
		return now.Sub(j.StartTime)
	}
}

// purged reports a finished job SLURM has forgotten (older than MinJobAge).
func (j *jobRecord) purged(now time.Time) bool {
	return isTerminal(j.State) && !j.EndTime.IsZero() && now.Sub(j.EndTime) > minJobAge
}

// finish moves a job to a terminal state unless it already is in one:
// whoever gets there first (scancel, the time limit, the job's own exit)
// decides how the job ended.
func (j *jobRecord) finish(state, reason, exitCode string, now time.Time) bool {
	if isTerminal(j.State) {
		return false
	}
	j.State, j.Reason, j.ExitCode = state, reason, exitCode
	j.EndTime = now
	if j.StartTime.IsZero() {
		j.StartTime = now
	}
	return true
}

// store is the simulated scheduler's state directory: one JSON file and one
// batch script per job, a job id counter, and a lock file that serialises
// every change (processes, not goroutines, share it).
type store struct{ dir string }

func openStore() (*store, error) {
	dir := os.Getenv(StateEnv)
	if dir == "" {
		return nil, fmt.Errorf("%s is not set: the simulated SLURM keeps its jobs in that directory (srtctl-tui demo sets it)", StateEnv)
	}
	s := &store{dir: dir}
	if err := os.MkdirAll(s.jobsDir(), 0o755); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *store) jobsDir() string { return filepath.Join(s.dir, "jobs") }
func (s *store) recordPath(id int) string {
	return filepath.Join(s.jobsDir(), strconv.Itoa(id)+".json")
}
func (s *store) scriptPath(id int) string { return filepath.Join(s.jobsDir(), strconv.Itoa(id)+".sh") }

// locked runs fn holding the state directory's lock.
func (s *store) locked(fn func() error) error {
	f, err := os.OpenFile(filepath.Join(s.dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return fn()
}

// nextID takes the next job id; call it holding the lock.
func (s *store) nextID() (int, error) {
	path := filepath.Join(s.dir, "next_id")
	id := firstJobID
	if b, err := os.ReadFile(path); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > 0 {
			id = n
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	if err := writeFileAtomic(path, []byte(strconv.Itoa(id+1)+"\n"), 0o644); err != nil {
		return 0, err
	}
	return id, nil
}

// errNoSuchJob is SLURM's answer for an id it does not know (or forgot).
var errNoSuchJob = errors.New("Invalid job id specified")

func (s *store) load(id int) (*jobRecord, error) {
	b, err := os.ReadFile(s.recordPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoSuchJob
	}
	if err != nil {
		return nil, err
	}
	var j jobRecord
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("job %d: corrupt state file %s: %w", id, s.recordPath(id), err)
	}
	return &j, nil
}

func (s *store) save(j *jobRecord) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(s.recordPath(j.ID), append(b, '\n'), 0o644)
}

// update loads a job, lets fn change it and saves it, all under the lock.
func (s *store) update(id int, fn func(j *jobRecord) error) (*jobRecord, error) {
	var out *jobRecord
	err := s.locked(func() error {
		j, err := s.load(id)
		if err != nil {
			return err
		}
		if err := fn(j); err != nil {
			return err
		}
		out = j
		return s.save(j)
	})
	return out, err
}

// list returns every job on record, by id.
func (s *store) list() ([]*jobRecord, error) {
	ents, err := os.ReadDir(s.jobsDir())
	if err != nil {
		return nil, err
	}
	var jobs []*jobRecord
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		id, err := strconv.Atoi(strings.TrimSuffix(name, ".json"))
		if err != nil {
			continue
		}
		j, err := s.load(id)
		if err != nil {
			continue // removed between ReadDir and load
		}
		jobs = append(jobs, j)
	}
	sort.Slice(jobs, func(a, b int) bool { return jobs[a].ID < jobs[b].ID })
	return jobs, nil
}
