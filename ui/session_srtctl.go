package ui

import (
	"context"
	"fmt"

	"github.com/srtctl-tui/srtctl-tui/runner"
)

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
