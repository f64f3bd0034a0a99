package ui

import (
	"context"
	"fmt"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// EditFor opens doc in the form for the srtctl of s's cluster (nil: no
// cluster): `edit`, the start screen and the accessible start menu all
// open files here, so a file that could be P1 or 1.0.x is taken the same
// way everywhere: as the cluster's srtctl when it is known, else as 1.0.x,
// the form saying which it assumed and why (wizard.EditFor).
func EditFor(doc *jobspec.Doc, s *Session) *wizard.Wizard {
	return wizard.EditFor(doc, s.Dialect())
}

// Dialect is the srtctl s's cluster runs (SrtctlVersion), "" when it is
// not known or s is nil.
func (s *Session) Dialect() jobspec.Dialect {
	if s == nil {
		return ""
	}
	v, err := s.SrtctlVersion()
	if err != nil {
		return ""
	}
	return v.Dialect
}

// SrtctlVersion learns which srtctl the session's cluster runs (once per
// cluster, see runner.Conn.SrtctlVersion) over its connection, opened in
// BatchMode: it never asks the user anything.
func (s *Session) SrtctlVersion() (runner.SrtctlVersion, error) {
	if v, ok := runner.KnownSrtctlVersion(s.cluster); ok {
		return v, nil
	}
	b, err := s.connect()
	if err != nil {
		return runner.SrtctlVersion{}, err
	}
	rb, ok := b.(RunnerBackend)
	if !ok {
		return runner.SrtctlVersion{}, fmt.Errorf("cluster %s: cannot ask its srtctl", s.cluster.Name)
	}
	ctx, cancel := context.WithTimeout(s.opt.Context, connectTimeout)
	defer cancel()
	return rb.C.SrtctlVersion(ctx)
}

// SrtctlKnown says whether Dialect answers without a connection: the
// configuration or the cache already says which srtctl the cluster runs.
func (s *Session) SrtctlKnown() bool {
	_, ok := runner.KnownSrtctlVersion(s.cluster)
	return ok
}
