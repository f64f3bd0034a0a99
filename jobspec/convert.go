package jobspec

import (
	"fmt"
)

// ConvertToV1 rewrites a P1 or P3 job for srtctl 1.0.x with the same
// minimal-diff edits as the form: the profiling traffic (P1's per-phase
// isl/osl/concurrency, P3's at the top of profiling) becomes the
// benchmark's isl, osl and concurrencies, and the steps stay. The
// benchmark is sglang-bench: it sends no warmup, so the step window lands
// on the measured requests as P1's and P3's own traffic did (sa-bench's
// warmup would count toward the steps). P1 profiles an aggregated job
// with profiling.decode; 1.0.x reads profiling.aggregated. from is the
// file's dialect (P1 or P3: a file that could be P1 or v1 is converted as
// the caller says it is). It returns each change; on error nothing changes.
func (d *Doc) ConvertToV1(from Dialect) ([]Change, error) {
	if from != DialectP1 && from != DialectP3 {
		return nil, fmt.Errorf("%s: only P1 and P3 files convert to 1.0.x (this one is %s)", d.Name(), from)
	}
	return d.applyAll(func(a *applier) { a.toV1(from) })
}

func (a *applier) toV1(from Dialect) {
	nd := a.d
	disagg := nd.Has("resources.prefill_nodes") || nd.Has("resources.decode_nodes")
	var isl, osl *int
	var concs []int
	addConc := func(p *int) {
		if p == nil {
			return
		}
		for _, x := range concs {
			if x == *p {
				return
			}
		}
		concs = append(concs, *p)
	}
	first := func(dst **int, p *int) {
		if *dst == nil && p != nil {
			*dst = p
		}
	}
	if from == DialectP3 {
		isl, osl = nd.intPtr("profiling.isl"), nd.intPtr("profiling.osl")
		addConc(nd.intPtr("profiling.concurrency"))
	} else {
		phases := []string{PhasePrefill, PhaseDecode}
		if !disagg {
			phases = []string{PhaseDecode}
		}
		for _, ph := range phases {
			first(&isl, nd.intPtr("profiling."+ph+".isl"))
			first(&osl, nd.intPtr("profiling."+ph+".osl"))
			addConc(nd.intPtr("profiling." + ph + ".concurrency"))
		}
	}
	profiling := nd.str("profiling.type") != "" && nd.str("profiling.type") != "none"
	if profiling || isl != nil || osl != nil || len(concs) > 0 {
		a.set("benchmark.type", "sglang-bench", "srtctl 1.0.x takes the profiling traffic from the benchmark; sglang-bench sends no warmup, so the steps count the measured requests")
		if isl != nil {
			a.set("benchmark.isl", *isl, "the profiling traffic's input length")
		}
		if osl != nil {
			a.set("benchmark.osl", *osl, "the profiling traffic's output length")
		}
		if len(concs) > 0 {
			a.set("benchmark.concurrencies", concs, "the profiling traffic's concurrency")
		}
	}
	phases := []string{PhasePrefill, PhaseDecode, PhaseAggregated}
	if from == DialectP1 && !disagg {
		phases = []string{PhaseDecode} // moved to aggregated below
	}
	if profiling && from == DialectP1 {
		// P1's phases may hold traffic only; 1.0.x needs each profiled phase
		// present, so its default window (0..50) is written out.
		for _, ph := range phases {
			if nd.Has("profiling."+ph) && !nd.Has("profiling."+ph+".start_step") && !nd.Has("profiling."+ph+".stop_step") {
				a.set("profiling."+ph+".start_step", DefaultStartStep, "the phase's step window, P1's default written out (1.0.x needs the phase block)")
				a.set("profiling."+ph+".stop_step", DefaultStopStep, "the phase's step window, P1's default written out (1.0.x needs the phase block)")
			}
		}
	}
	for _, k := range phaseTraffic {
		a.del("profiling."+k, "1.0.x has no traffic keys under profiling")
		for _, ph := range []string{PhasePrefill, PhaseDecode, PhaseAggregated} {
			a.del("profiling."+ph+"."+k, "1.0.x has no traffic keys under profiling")
		}
	}
	if from == DialectP1 && !disagg && nd.Has("profiling.decode") {
		for _, k := range []string{"start_step", "stop_step"} {
			if v := nd.intPtr("profiling.decode." + k); v != nil && profiling {
				a.set("profiling.aggregated."+k, *v, "1.0.x profiles an aggregated job with profiling.aggregated (P1 read profiling.decode)")
			}
		}
		a.del("profiling.decode", "1.0.x profiles an aggregated job with profiling.aggregated")
	}
}

// Replace swaps the whole content for src (a conversion's output) and
// keeps what was loaded from disk, so Save still refuses to overwrite a
// file someone changed meanwhile.
func (d *Doc) Replace(src []byte) error { return d.commit(append([]byte(nil), src...), nil) }
