package jobspec

import "fmt"

// p3 applies srtctl P3's profiling rules and messages.
func (v *validator) p3() {
	if !v.job.Profiling.Enabled() || !v.profilingTypeValid() {
		return
	}
	v.profilingExclusive()
	isl, okI := v.intAt("profiling.isl")
	osl, okO := v.intAt("profiling.osl")
	conc, okC := v.intAt("profiling.concurrency")
	for _, t := range []struct {
		path string
		n    int
		ok   bool
	}{{"profiling.isl", isl, okI}, {"profiling.osl", osl, okO}, {"profiling.concurrency", conc, okC}} {
		if t.ok {
			v.atLeastOne(t.path, t.n)
		}
	}
	if !okI || !okO || !okC {
		if !v.anyPlaceholder("profiling.isl", "profiling.osl", "profiling.concurrency") {
			v.add(Error, "profiling", fmt.Sprintf("profiling.isl/osl/concurrency must be set when profiling is enabled. Got isl=%s, osl=%s, concurrency=%s",
				pyInt(isl, okI), pyInt(osl, okO), pyInt(conc, okC)))
		}
	}
	r := v.job.Resources
	if r.Disaggregated() {
		pw, okP := v.intAt("resources.prefill_workers")
		dw, okD := v.intAt("resources.decode_workers")
		if !(okP && pw == 1 && okD && dw == 1) && !v.anyPlaceholder("resources.prefill_workers", "resources.decode_workers") {
			path := "resources.prefill_workers"
			if okP && pw == 1 {
				path = "resources.decode_workers"
			}
			v.add(Error, path, fmt.Sprintf("Profiling mode requires exactly 1 prefill and 1 decode worker. Got prefill_workers=%s, decode_workers=%s", pyInt(pw, okP), pyInt(dw, okD)))
		}
		for _, ph := range []string{PhasePrefill, PhaseDecode} {
			if !v.d.Has("profiling." + ph) {
				v.add(Error, "profiling."+ph, fmt.Sprintf("profiling.%s must be set for a disaggregated job (P3 profiles prefill and decode, each with start_step/stop_step)", ph))
			} else {
				v.steps("profiling." + ph)
			}
		}
		if v.d.Has("profiling.aggregated") {
			v.add(Error, "profiling.aggregated", "profiling.aggregated is for aggregated jobs; this job is disaggregated (prefill_nodes is set): use profiling.prefill and profiling.decode")
		}
	} else {
		aw, okA := v.intAt("resources.agg_workers")
		if !(okA && aw == 1) && !v.anyPlaceholder("resources.agg_workers") {
			v.add(Error, "resources.agg_workers", fmt.Sprintf("Profiling mode requires exactly 1 aggregated worker. Got agg_workers=%s", pyInt(aw, okA)))
		}
		if !v.d.Has("profiling.aggregated") {
			v.add(Error, "profiling.aggregated", "profiling.aggregated must be set for an aggregated job (P3 profiles it with its start_step/stop_step)")
		} else {
			v.steps("profiling.aggregated")
		}
		for _, ph := range []string{PhasePrefill, PhaseDecode} {
			if v.d.Has("profiling." + ph) {
				v.add(Error, "profiling."+ph, fmt.Sprintf("profiling.%s is for disaggregated jobs; this job is aggregated: use profiling.aggregated", ph))
			}
		}
	}
	v.configDump()
}

func (v *validator) anyPlaceholder(paths ...string) bool {
	for _, p := range paths {
		if n := v.d.node(p); n != nil && v.placeholder(n) {
			return true
		}
	}
	return false
}
