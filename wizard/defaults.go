package wizard

import "github.com/srtctl-tui/srtctl-tui/jobspec"

// keepSrtctlDefaultsAbsent takes back what ApplyProfiling wrote only to
// spell out srtctl P1's defaults for keys the file leaves out
// (benchmark.type manual, one worker per mode) when the user did not
// touch them: absent already means that, and an edit writes only what
// the user changed.
func (w *Wizard) keepSrtctlDefaultsAbsent(doc *jobspec.Doc, changes []jobspec.Change) ([]jobspec.Change, error) {
	if w.base == nil {
		return changes, nil
	}
	v, o := w.V, w.orig
	untouched := map[string]bool{
		"benchmark.type":            v.BenchmarkType == o.BenchmarkType,
		"resources.prefill_workers": v.PrefillWorkers == o.PrefillWorkers,
		"resources.decode_workers":  v.DecodeWorkers == o.DecodeWorkers,
		"resources.agg_workers":     v.AggWorkers == o.AggWorkers,
	}
	def := map[string]string{"benchmark.type": "manual", "resources.prefill_workers": "1", "resources.decode_workers": "1", "resources.agg_workers": "1"}
	keep := changes[:0:0]
	for _, c := range changes {
		if c.Old == "" && def[c.Path] == c.New && untouched[c.Path] && !w.base.Has(c.Path) {
			if err := doc.Delete(c.Path); err != nil {
				return nil, err
			}
			continue
		}
		keep = append(keep, c)
	}
	return keep, nil
}
