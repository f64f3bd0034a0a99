package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// verdictMsg is the cluster's srtctl's answer about the reviewed file:
// its dry-run, or its migrate for a conversion to 2.x.
type verdictMsg struct {
	review  *ReviewScreen
	migrate bool
	v       runner.Verdict
	err     error
}

// verdictState is what the review knows of srtctl's own verdict.
type verdictState struct {
	asked   bool
	pending string // what is running, "" when nothing is
	text    string // srtctl's output, verbatim
	ok      bool
	err     string
}

// verdictCmd asks the cluster's srtctl for its opinion on a 1.0.x or 2.x
// file, when a cluster is configured and reachable without the user (the
// review never hands the terminal to ssh for this): for a conversion to
// 2.x first its `srtctl migrate` (whose output then becomes the diff),
// then `srtctl dry-run`. Our checks stay the answer offline.
func (r *ReviewScreen) verdictCmd() tea.Cmd {
	if r.wz.T == nil || r.ctx.Clusters == nil || r.verdict.asked {
		return nil
	}
	s, _ := r.ctx.Clusters.SubmitTarget()
	if s == nil {
		return nil
	}
	r.verdict.asked = true
	migrate := r.wz.Convert == wizard.ConvertToV2 && r.wz.Migrated == nil
	data := r.res.Doc.Bytes()
	if migrate {
		data = r.wz.Base().Bytes()
		r.verdict.pending = "srtctl migrate on " + s.Cluster().Name
	} else {
		r.verdict.pending = "srtctl dry-run on " + s.Cluster().Name
	}
	name := filepath.Base(r.wz.SuggestedPath())
	return s.Verdict(name, data, migrate, r)
}

// Verdict runs srtctl dry-run (or migrate) on a copy of data over the
// session's connection, opened in BatchMode only.
func (s *Session) Verdict(name string, data []byte, migrate bool, review *ReviewScreen) tea.Cmd {
	return func() tea.Msg {
		b, err := s.connect()
		if err != nil {
			return verdictMsg{review: review, migrate: migrate, err: fmt.Errorf("cluster %s not reachable without logging in: %s", s.cluster.Name, firstLine(err.Error()))}
		}
		rb, ok := b.(RunnerBackend)
		if !ok {
			return verdictMsg{review: review, migrate: migrate, err: fmt.Errorf("cluster %s cannot run srtctl for a second opinion", s.cluster.Name)}
		}
		ctx, cancel := context.WithTimeout(s.opt.Context, connectTimeout)
		defer cancel()
		var v runner.Verdict
		if migrate {
			v, err = rb.C.Migrate(ctx, name, data)
		} else {
			v, err = rb.C.DryRun(ctx, name, data)
		}
		return verdictMsg{review: review, migrate: migrate, v: v, err: err}
	}
}

// gotVerdict takes srtctl's answer: a migrate's output replaces the
// conversion and asks dry-run next; a dry-run's is shown beside ours.
func (r *ReviewScreen) gotVerdict(m verdictMsg) tea.Cmd {
	r.verdict.pending = ""
	switch {
	case m.err != nil:
		r.verdict.err = m.err.Error()
	case m.migrate && m.v.OK:
		r.wz.Migrated = m.v.Stdout
		if res, err := r.wz.Result(); err == nil {
			r.res = res
		} else {
			r.verdict.err = "the cluster's srtctl migrate output cannot be used: " + err.Error()
		}
		r.verdict.asked = false
		r.vp.SetContent(r.body())
		return r.verdictCmd()
	case m.migrate:
		r.verdict.err = "the cluster's srtctl migrate refused the file (the diff shows srtctl-tui's own conversion):\n" + m.v.Output
	default:
		r.verdict.text, r.verdict.ok = strings.TrimRight(m.v.Output, "\n"), m.v.OK
	}
	r.vp.SetContent(r.body())
	return nil
}

// verdictText is the review's section on srtctl's own verdict; a
// disagreement with our checks is said, never hidden.
func (r *ReviewScreen) verdictText() string {
	v := r.verdict
	if !v.asked && v.text == "" && v.err == "" {
		return ""
	}
	st := r.ctx.Styles
	var b strings.Builder
	b.WriteString("\n" + st.Bold.Render("The cluster's srtctl:") + "\n")
	switch {
	case v.pending != "":
		b.WriteString(st.Muted.Render("  asking: "+v.pending+"…") + "\n")
	case v.err != "":
		b.WriteString(r.wrap("  "+st.Warn.Render(v.err)) + "\n")
	default:
		verdict := st.OK.Render("  ✓ srtctl dry-run accepts it")
		if !v.ok {
			verdict = st.Error.Render("  ✗ srtctl dry-run refuses it")
		}
		ours := !jobspec.HasErrors(r.res.Findings)
		if ours != v.ok {
			verdict += st.Warn.Render(" (our checks say otherwise: both are shown)")
		}
		b.WriteString(verdict + "\n")
		for _, l := range strings.Split(v.text, "\n") {
			for _, piece := range r.fold("  " + l) {
				b.WriteString(piece + "\n")
			}
		}
	}
	return b.String()
}
