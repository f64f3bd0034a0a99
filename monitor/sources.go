package monitor

import (
	"errors"
	"io"
	"io/fs"
	"sync"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// configFound is the message of configSource: the job file srtctl copied
// into the log directory, read.
type configFound struct {
	Name          string
	Profiling     string
	Disaggregated bool
	Err           error
}

// configSource reads <logDir>/config.yaml once it exists (srtctl writes it
// at submission) to learn the profiling type and the phases.
type configSource struct {
	path     string
	mu       sync.Mutex
	done     bool
	failures int // parse failures: a file caught half-written parses next time
}

// maxConfigSize is jobspec's limit: the gate refuses anything larger.
const maxConfigSize = jobspec.MaxYAMLSize + 1

func (c *configSource) Poll(fsys tail.FS) (tail.Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return tail.Result{}, nil
	}
	f, err := fsys.Open(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return tail.Result{}, nil
	}
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrInvalid) {
			c.done = true
			return tail.Result{Msg: configFound{Err: err}}, nil
		}
		return tail.Result{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize))
	if err != nil {
		return tail.Result{}, err
	}
	doc, err := jobspec.Parse(c.path, data)
	if err != nil {
		if c.failures++; c.failures < 3 {
			return tail.Result{Active: true}, nil
		}
		c.done = true
		return tail.Result{Msg: configFound{Err: err}}, nil
	}
	c.done = true
	job := doc.Job()
	return tail.Result{Msg: configFound{
		Name:          safetext.Line(job.Name),
		Profiling:     job.Profiling.TypeOrDefault(),
		Disaggregated: job.Resources.Disaggregated(),
	}, Active: true}, nil
}
