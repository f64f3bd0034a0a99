package ui

import (
	"errors"
	"sync"

	"github.com/srtctl-tui/srtctl-tui/runner"
)

// Clusters are the clusters a program's screens may submit to and follow
// jobs on, one Session each, opened on first use. The review offers
// "Submit now?" for the default cluster; the start screen's "Monitor a job"
// follows a job of the history on the cluster it was submitted to.
type Clusters struct {
	// Default is the cluster new jobs are submitted to ("": none;
	// NoSubmit then says why, when that is worth saying).
	Default  string
	NoSubmit string
	// Lookup resolves a cluster name (the configuration).
	Lookup func(name string) (runner.Cluster, error)
	// Options are every session's options.
	Options SessionOptions

	mu       sync.Mutex
	sessions map[string]*Session
}

// Session returns the session of the cluster called name.
func (c *Clusters) Session(name string) (*Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.sessions[name]; ok {
		return s, nil
	}
	if c.Lookup == nil {
		return nil, errors.New("no cluster configuration")
	}
	cl, err := c.Lookup(name)
	if err != nil {
		return nil, err
	}
	if c.sessions == nil {
		c.sessions = map[string]*Session{}
	}
	s := NewSession(cl, c.Options)
	c.sessions[name] = s
	return s, nil
}

// DefaultSession is the default cluster's session, nil when there is none
// or it cannot be used (c may be nil). Unlike SubmitTarget it does not ask
// whether jobs can be submitted there: what its srtctl is matters even
// then.
func (c *Clusters) DefaultSession() *Session {
	if c == nil || c.Default == "" {
		return nil
	}
	s, err := c.Session(c.Default)
	if err != nil {
		return nil
	}
	return s
}

// SubmitTarget is the session new jobs are submitted to, or nil and why
// submitting is not offered.
func (c *Clusters) SubmitTarget() (*Session, string) {
	if c.Default == "" {
		return nil, c.NoSubmit
	}
	s, err := c.Session(c.Default)
	if err != nil {
		return nil, "Submit now is not offered: " + err.Error()
	}
	if ok, why := s.CanSubmit(); !ok {
		return nil, why
	}
	return s, ""
}

// History is where submitted jobs are recorded (nil: nowhere).
func (c *Clusters) History() *runner.History { return c.Options.History }

// Close closes every session's connection.
func (c *Clusters) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, s := range c.sessions {
		errs = append(errs, s.Close())
	}
	return errors.Join(errs...)
}
