package jobspec

import (
	"fmt"
	"reflect"
	"slices"
)

// ApplyProfiling makes the file consistent for P1 profiling with the
// user's intent in one call: it writes the profiling section (type, and the
// profiled phases' isl, osl, concurrency, start_step, stop_step), sets
// benchmark.type to "manual" (adding benchmark when absent) and the worker
// counts of the job's mode to 1. An aggregated job is profiled with the
// decode values (P1 has no profiling.aggregated), so its profiling.prefill
// is removed, as are P3-layout keys P1 does not read. With type none it
// only sets profiling.type and leaves workers and benchmark alone. It
// returns each change made, with the reason, for the UI to show; on error
// nothing changes.
func (d *Doc) ApplyProfiling(p ProfilingIntent) ([]Change, error) {
	if !slices.Contains(ProfilingTypes, p.Type) {
		return nil, fmt.Errorf("profiling type %q: must be one of %v", p.Type, ProfilingTypes)
	}
	return d.applyAll(func(a *applier) { a.run(p) })
}

// applyAll runs edits through one applier: all of them, or on the first
// error none.
func (d *Doc) applyAll(edits func(a *applier)) ([]Change, error) {
	saved := *d
	a := &applier{d: d}
	edits(a)
	if a.err != nil {
		*d = saved
		return nil, a.err
	}
	return a.changes, nil
}

type applier struct {
	d       *Doc
	changes []Change
	err     error
}

func (a *applier) run(p ProfilingIntent) {
	a.set("profiling.type", p.Type, "profiling.type set to "+p.Type)
	if p.Type == "none" {
		return
	}
	job := a.d.Job()
	r := job.Resources
	if r.Disaggregated() {
		a.phase("profiling.prefill", p.Prefill, "prefill")
		a.phase("profiling.decode", p.Decode, "decode")
	} else {
		a.phase("profiling.decode", p.Decode, "aggregated (P1 reads profiling.decode for an aggregated job)")
		a.del("profiling.prefill", "profiling.prefill removed: an aggregated job is profiled with the profiling.decode values")
	}
	for _, k := range phaseTraffic {
		a.del("profiling."+k, "profiling."+k+" removed: srtctl P1 reads it per phase, not at the top of profiling")
	}
	a.del("profiling.aggregated", "profiling.aggregated removed: srtctl P1 profiles aggregated jobs with profiling.decode")
	if job.Benchmark.TypeOrDefault() != "manual" || !a.d.Has("benchmark.type") {
		a.set("benchmark.type", "manual", "benchmark.type set to manual: profiling and benchmarking are mutually exclusive")
	}
	switch {
	case r.Disaggregated():
		a.set("resources.prefill_workers", 1, "resources.prefill_workers set to 1: profiling requires a single prefill worker")
		a.set("resources.decode_workers", 1, "resources.decode_workers set to 1: profiling requires a single decode worker")
	case a.d.Has("resources.agg_nodes") || a.d.Has("resources.agg_workers"):
		// agg_workers without agg_nodes is still a worker count srtctl
		// checks; a file with neither has srtctl's one worker.
		a.set("resources.agg_workers", 1, "resources.agg_workers set to 1: profiling requires a single worker")
	}
}

func (a *applier) phase(base string, v PhaseValues, what string) {
	vals := []int{v.ISL, v.OSL, v.Concurrency, v.StartStep, v.StopStep}
	for i, k := range phaseKeys {
		a.set(base+"."+k, vals[i], fmt.Sprintf("%s.%s set to %d for the %s phase", base, k, vals[i], what))
	}
}

// set writes value at path unless it already holds it.
func (a *applier) set(path string, value any, reason string) {
	if a.err != nil {
		return
	}
	old, had := a.d.Get(path)
	if n := a.d.node(path); n != nil {
		var got any
		if n.Decode(&got) == nil && reflect.DeepEqual(got, value) {
			return
		}
	}
	if err := a.d.Set(path, value); err != nil {
		a.err = err
		return
	}
	if !had {
		old = ""
	}
	a.changes = append(a.changes, Change{Path: path, Old: old, New: fmt.Sprint(value), Reason: reason})
}

func (a *applier) del(path, reason string) {
	if a.err != nil || !a.d.Has(path) {
		return
	}
	old, _ := a.d.Get(path)
	if err := a.d.Delete(path); err != nil {
		a.err = err
		return
	}
	a.changes = append(a.changes, Change{Path: path, Old: old, Reason: reason})
}
