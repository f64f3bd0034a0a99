package wizard

import (
	"fmt"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// NewJobFor starts a wizard for a new job for the given srtctl: P1 (and
// P3, which the form writes as P1) gets the P1 form, 1.0.x and 2.x the
// form of today's srtctl.
func NewJobFor(dia jobspec.Dialect) *Wizard {
	w := NewJob()
	if dia != jobspec.DialectV1 && dia != jobspec.DialectV2 {
		return w
	}
	t := todayValuesFromDoc(jobspec.New(), dia)
	t.Profiling = "torch"
	t.Benchmark = "sa-bench"
	t.ISL, t.OSL, t.Concurrencies = "1024", "128", "4"
	w.T, w.torig = &t, t
	w.Detected = jobspec.Detection{Dialect: dia, Reason: "chosen for a new job"}
	return w
}

// editToday opens a 1.0.x or 2.x file (or an older one converted for the
// cluster's srtctl) in the form of today's srtctl. It returns false for a
// file the P1 form (or no form) handles.
func (w *Wizard) editToday(doc *jobspec.Doc, cluster jobspec.Dialect) bool {
	det := w.Detected
	dia := det.Dialect
	view := doc
	switch {
	case (dia == jobspec.DialectP1 || dia == jobspec.DialectP3) && (cluster == jobspec.DialectV1 || cluster == jobspec.DialectV2):
		conv, err := jobspec.Parse(doc.Name(), doc.Bytes())
		if err == nil {
			_, err = conv.ConvertToV1(dia)
		}
		if err != nil {
			w.ReadOnly = true
			w.Notice = fmt.Sprintf("%s is a %s file and the cluster runs %s; converting it failed (%v), so it opens read-only.", doc.Name(), dia.Title(), cluster.Title(), err)
			return true
		}
		w.Convert, w.from, view = ConvertToV1, dia, conv
		w.Notice = fmt.Sprintf("%s is a %s file; the cluster runs %s. The form converts it to 1.0.x (its profiling traffic becomes the benchmark's isl, osl and concurrencies; the steps stay): the review shows the conversion as a diff, and nothing is written until you save.", doc.Name(), dia.Title(), cluster.Title())
		dia = jobspec.DialectV1
	case dia == jobspec.DialectV1 && cluster == jobspec.DialectV2:
		out, err := jobspec.MigrateToV2(doc)
		var conv *jobspec.Doc
		if err == nil {
			conv, err = jobspec.Parse(doc.Name(), out)
		}
		if err != nil {
			w.Notice = fmt.Sprintf("%s is a 1.0.x file and the cluster runs 2.x, which loads schema 2 only; converting it here failed (%v): run `srtctl migrate -f %s --in-place` on the cluster.", doc.Name(), err, doc.Name())
			break // edit it as 1.0.x
		}
		w.Convert, w.from, view = ConvertToV2, dia, conv
		w.Notice = fmt.Sprintf("%s is a 1.0.x file; the cluster runs 2.x, which loads schema 2 only. The form converts it (as `srtctl migrate` does): the review shows the conversion as a diff, and nothing is written until you save.", doc.Name())
		dia = jobspec.DialectV2
	case dia != jobspec.DialectV1 && dia != jobspec.DialectV2:
		return false
	}
	if det.Assumed && w.Notice == "" {
		w.Notice = fmt.Sprintf("%s could be a P1 or a 1.0.x file (%s); it opens as 1.0.x. To open it as P1: edit --srtctl p1, or srtctl_version: p1 in the cluster's configuration.", doc.Name(), det.Reason)
	}
	v := todayModeValues(view, dia)
	t := todayValuesFromDoc(view, dia)
	w.V, w.orig, w.T, w.torig = &v, v, &t, t
	for _, f := range view.ValidateAs(dia) {
		if f.Severity == jobspec.Error {
			w.Problems = append(w.Problems, f)
		}
	}
	return true
}

// todayModeValues are the common answers, with the mode and nodes read
// where the dialect keeps them (2.x: roles).
func todayModeValues(doc *jobspec.Doc, dia jobspec.Dialect) Values {
	v := ValuesFromDoc(doc)
	if dia != jobspec.DialectV2 {
		return v
	}
	v.Mode = ModeAggregated
	if doc.Has("roles.prefill") || doc.Has("roles.decode") {
		v.Mode = ModeDisaggregated
	}
	for i, p := range []*string{&v.PrefillNodes, &v.DecodeNodes, &v.AggNodes} {
		if s, ok := doc.Get(nodesPath(dia, i)); ok {
			*p = s
		}
	}
	return v
}
