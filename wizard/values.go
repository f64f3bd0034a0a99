package wizard

import (
	"strconv"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Modes the form offers for resources: srtctl decides disaggregated by the
// presence of prefill_nodes, the form asks it as a choice.
const (
	ModeDisaggregated = "disaggregated"
	ModeAggregated    = "aggregated"
)

// Values are the answers the form edits. Numbers are kept as the text the
// user typed (huh inputs edit strings), or as written in the file, so a
// sweep placeholder such as "{nodes}" survives an edit that does not touch
// it.
type Values struct {
	Name, ModelPath, Container, Precision string

	GPUType     string
	Mode        string // ModeDisaggregated or ModeAggregated
	GPUsPerNode string

	PrefillNodes, DecodeNodes string
	AggNodes                  string

	PrefillWorkers, DecodeWorkers string
	AggWorkers                    string

	BenchmarkType string

	ProfilingType string
	// Prefill is asked for disaggregated jobs only; Decode for both (an
	// aggregated job is profiled with the values under profiling.decode).
	Prefill, Decode PhaseFields

	Account, Partition, TimeLimit string
}

// PhaseFields are one profiled phase's numbers as text.
type PhaseFields struct {
	ISL, OSL, Concurrency, StartStep, StopStep string
}

// Profiling reports whether the answers turn profiling on.
func (v *Values) Profiling() bool {
	return v.ProfilingType != "" && v.ProfilingType != "none"
}

// Disaggregated reports whether the answers describe a disaggregated job.
func (v *Values) Disaggregated() bool { return v.Mode != ModeAggregated }

// NewValues are the answers a new job starts from: srtctl's documented
// defaults (gpus_per_node, profiling phases, steps) and one node and one
// worker per role, profiling with torch since profiling is what this tool
// is for.
func NewValues() Values {
	one := "1"
	return Values{
		Precision: jobspec.Precisions[0],
		GPUType:   jobspec.GPUTypes[0],
		Mode:      ModeDisaggregated,
		// Empty: the GPU type's usual count (EffectiveGPUsPerNode).
		GPUsPerNode:    "",
		PrefillNodes:   one,
		DecodeNodes:    one,
		AggNodes:       one,
		PrefillWorkers: one,
		DecodeWorkers:  one,
		AggWorkers:     one,
		BenchmarkType:  jobspec.BenchmarkTypes[0],
		ProfilingType:  "torch",
		Prefill:        phaseFields(jobspec.DefaultPrefillPhase),
		Decode:         phaseFields(jobspec.DefaultDecodePhase),
	}
}

// ValuesFromDoc reads the answers from a job file, as written. Values the
// file leaves out get the form's defaults, which are what srtctl would use.
func ValuesFromDoc(doc *jobspec.Doc) Values {
	def := NewValues()
	job := doc.Job()
	get := func(path, fallback string) string {
		if s, ok := doc.Get(path); ok && s != "" {
			return s
		}
		return fallback
	}
	v := Values{
		Name:           get("name", ""),
		ModelPath:      get("model.path", ""),
		Container:      get("model.container", ""),
		Precision:      get("model.precision", ""),
		GPUType:        get("resources.gpu_type", ""),
		Mode:           ModeAggregated,
		GPUsPerNode:    get("resources.gpus_per_node", itoa(jobspec.DefaultGPUsPerNode)),
		PrefillNodes:   get("resources.prefill_nodes", def.PrefillNodes),
		DecodeNodes:    get("resources.decode_nodes", def.DecodeNodes),
		AggNodes:       get("resources.agg_nodes", def.AggNodes),
		PrefillWorkers: get("resources.prefill_workers", def.PrefillWorkers),
		DecodeWorkers:  get("resources.decode_workers", def.DecodeWorkers),
		AggWorkers:     get("resources.agg_workers", def.AggWorkers),
		BenchmarkType:  job.Benchmark.TypeOrDefault(),
		ProfilingType:  job.Profiling.TypeOrDefault(),
		Account:        get("slurm.account", ""),
		Partition:      get("slurm.partition", ""),
		TimeLimit:      get("slurm.time_limit", ""),
	}
	if job.Resources.Disaggregated() {
		v.Mode = ModeDisaggregated
	}
	phase := func(name string) PhaseFields {
		base := "profiling." + name + "."
		return PhaseFields{
			ISL:         get(base+"isl", ""),
			OSL:         get(base+"osl", ""),
			Concurrency: get(base+"concurrency", ""),
			StartStep:   get(base+"start_step", itoa(jobspec.DefaultStartStep)),
			StopStep:    get(base+"stop_step", itoa(jobspec.DefaultStopStep)),
		}
	}
	v.Prefill = phase(jobspec.PhasePrefill)
	v.Decode = phase(jobspec.PhaseDecode)
	// A phase the file has nothing of (profiling off, or the prefill phase
	// of an aggregated job) starts from the documented values, should the
	// user turn profiling on or switch the mode.
	if !job.Profiling.Enabled() || !doc.Has("profiling."+jobspec.PhasePrefill) {
		if v.Prefill.ISL == "" && v.Prefill.OSL == "" && v.Prefill.Concurrency == "" {
			v.Prefill = def.Prefill
		}
	}
	if !job.Profiling.Enabled() || !doc.Has("profiling."+jobspec.PhaseDecode) {
		if v.Decode.ISL == "" && v.Decode.OSL == "" && v.Decode.Concurrency == "" {
			v.Decode = def.Decode
		}
	}
	return v
}

func phaseFields(p jobspec.PhaseValues) PhaseFields {
	return PhaseFields{
		ISL:         itoa(p.ISL),
		OSL:         itoa(p.OSL),
		Concurrency: itoa(p.Concurrency),
		StartStep:   itoa(p.StartStep),
		StopStep:    itoa(p.StopStep),
	}
}

// phaseValues parses the fields; ok is false when one is not an integer.
func (p PhaseFields) phaseValues() (jobspec.PhaseValues, bool) {
	var out jobspec.PhaseValues
	for _, f := range []struct {
		s   string
		dst *int
	}{{p.ISL, &out.ISL}, {p.OSL, &out.OSL}, {p.Concurrency, &out.Concurrency}, {p.StartStep, &out.StartStep}, {p.StopStep, &out.StopStep}} {
		n, err := strconv.Atoi(f.s)
		if err != nil {
			return out, false
		}
		*f.dst = n
	}
	return out, true
}

func itoa(n int) string { return strconv.Itoa(n) }

// window is the phase's start and stop steps; ok is false until both are
// numbers.
func (p PhaseFields) window() (start, stop int, ok bool) {
	start, err1 := strconv.Atoi(p.StartStep)
	stop, err2 := strconv.Atoi(p.StopStep)
	return start, stop, err1 == nil && err2 == nil
}
