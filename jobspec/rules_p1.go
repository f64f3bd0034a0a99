package jobspec

import "fmt"

// p1 applies srtctl P1's profiling rules, then the checks P1 leaves to the
// cluster (where a mistake costs minutes of GPU time).
func (v *validator) p1() {
	if v.job.Profiling.Enabled() && v.profilingTypeValid() {
		v.profilingExclusive()
		if v.job.Resources.Disaggregated() {
			v.singleWorker("prefill_workers")
			v.singleWorker("decode_workers")
			v.p1Phase(PhasePrefill, "profiling.prefill")
			v.p1Phase(PhaseDecode, "profiling.decode")
		} else {
			v.singleWorker("agg_workers")
			v.p1Phase(PhaseAggregated, "profiling.decode")
			if v.d.Has("profiling.prefill") {
				v.precheck(Error, "profiling.prefill", "profiling.prefill has no effect on an aggregated job: srtctl P1 profiles aggregated jobs with the values under profiling.decode; move them there")
			}
		}
		v.configDump()
	}
	for _, k := range phaseTraffic {
		if v.d.Has("profiling." + k) {
			v.add(Warning, "profiling."+k, fmt.Sprintf("profiling.%s at the top of profiling is not read by srtctl P1 (it is the P3 layout); set it per phase under profiling.prefill and profiling.decode", k))
		}
	}
	if v.d.Has("profiling.aggregated") {
		v.add(Warning, "profiling.aggregated", "profiling.aggregated is not read by srtctl P1: it profiles aggregated jobs with the values under profiling.decode")
	}
}

// profilingTypeValid: a type outside the enum is already an error; the
// profiling rules only make sense for torch and nsys.
func (v *validator) profilingTypeValid() bool {
	t := v.job.Profiling.Type
	return t == "torch" || t == "nsys"
}

func (v *validator) profilingExclusive() {
	bt := v.job.Benchmark.TypeOrDefault()
	if n := v.d.node("benchmark.type"); n != nil && v.placeholder(n) {
		return
	}
	if bt != "manual" {
		v.add(Error, "benchmark.type", fmt.Sprintf("Cannot enable profiling with benchmark type '%s'. Profiling mode is mutually exclusive with benchmarking.", bt))
	}
}

func (v *validator) singleWorker(key string) {
	if n, ok := v.intAt("resources." + key); ok && n > 1 {
		v.add(Error, "resources."+key, fmt.Sprintf("Profiling mode requires single worker only. Got %s=%d", key, n))
	}
}

// p1Phase checks the section that drives one profiled phase.
func (v *validator) p1Phase(phase, base string) {
	what := ""
	if phase == PhaseAggregated {
		what = " (P1 profiles an aggregated job with profiling.decode)"
	}
	for _, k := range phaseTraffic {
		path := base + "." + k
		if v.present(path) {
			if n, ok := v.intAt(path); ok {
				v.atLeastOne(path, n)
			}
			continue
		}
		// The explanation after the colon names no phase, so that a
		// file missing the key in both phases reads it once (validate
		// prints a repeated explanation only the first time).
		if k == "concurrency" {
			v.precheck(Error, path, fmt.Sprintf("%s is not set: every profiled phase needs concurrency, else the load generator gets an empty --max-concurrency (srtctl does not check this; the job would fail on the cluster)%s", path, what))
		} else {
			v.precheck(Error, path, fmt.Sprintf("%s is not set: every profiled phase needs isl and osl, else the job stops with \"Error: isl and osl must be set for profiling.\" after the model server is up (srtctl does not check this)%s", path, what))
		}
	}
	v.steps(base)
}

// atLeastOne refuses a traffic number below 1 (isl, osl, concurrency):
// srtctl passes it on unchecked and the load generator fails on the cluster.
func (v *validator) atLeastOne(path string, n int) {
	if n < 1 {
		v.precheck(Error, path, fmt.Sprintf("%s is %d: it must be 1 or more (srtctl does not check this; the load generator would fail on the cluster)", path, n))
	}
}

// steps checks a phase's step window (defaults 0 and 50).
func (v *validator) steps(base string) {
	start, okStart := v.intAt(base + ".start_step")
	stop, okStop := v.intAt(base + ".stop_step")
	startNode, stopNode := v.d.node(base+".start_step"), v.d.node(base+".stop_step")
	if (startNode != nil && !okStart) || (stopNode != nil && !okStop) {
		return // not integers: reported already, or sweep placeholders
	}
	if !okStart {
		start = DefaultStartStep
	}
	if !okStop {
		stop = DefaultStopStep
	}
	if start < 0 {
		v.precheck(Error, base+".start_step", fmt.Sprintf("%s.start_step is %d: steps count from 0", base, start))
		return
	}
	if stop <= start {
		path := base + ".stop_step"
		what := fmt.Sprint(stop)
		if !okStop {
			path = base + ".start_step"
			what = fmt.Sprintf("%d (the default)", stop)
		}
		v.precheck(Error, path, fmt.Sprintf("%s.stop_step %s must be greater than start_step %d: the profiler would get %d steps", base, what, start, stop-start))
		return
	}
	if n := stop - start; n < TypicalMinSteps || n > TypicalMaxSteps {
		path := base + ".stop_step"
		if !okStop {
			path = base + ".start_step"
			if !okStart {
				path = base
			}
		}
		v.add(Warning, path, fmt.Sprintf("%s profiles %d steps (start_step %d, stop_step %d); %d to %d steps is typical", base, n, start, stop, TypicalMinSteps, TypicalMaxSteps))
	}
}

func (v *validator) configDump() {
	if b := v.job.EnableConfigDump; b != nil && *b {
		v.add(Warning, "enable_config_dump", "enable_config_dump: true has no effect while profiling: srtctl turns the config dump off")
	}
}
