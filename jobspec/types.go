package jobspec

// Enum values srtctl P1 accepts. The wizard offers exactly these, so it
// never re-types them.
var (
	Precisions     = []string{"fp4", "fp8", "fp16", "bf16"}
	GPUTypes       = []string{"gb200", "gb300", "h100"}
	BenchmarkTypes = []string{"manual", "sa-bench", "mmlu", "gpqa"}
	ProfilingTypes = []string{"none", "torch", "nsys"}
)

// Defaults srtctl and its profile script apply when a key is absent.
const (
	DefaultGPUsPerNode = 4
	DefaultStartStep   = 0
	DefaultStopStep    = 50
	// TypicalMinSteps and TypicalMaxSteps bound the step window the
	// documentation calls typical; outside it Validate warns.
	TypicalMinSteps = 30
	TypicalMaxSteps = 100
)

// DefaultPrefillPhase and DefaultDecodePhase are the values of srtctl's
// profiling documentation (Quick Start), used for a new job.
var (
	DefaultPrefillPhase = PhaseValues{ISL: 1024, OSL: 128, Concurrency: 24, StartStep: DefaultStartStep, StopStep: DefaultStopStep}
	DefaultDecodePhase  = PhaseValues{ISL: 1024, OSL: 128, Concurrency: 256, StartStep: DefaultStartStep, StopStep: DefaultStopStep}
)

// Phase names as they appear under profiling and in profile_<phase>.out.
const (
	PhasePrefill    = "prefill"
	PhaseDecode     = "decode"
	PhaseAggregated = "aggregated"
)

// Job is the typed view of the parts of a job file the tool understands.
// Integer fields are nil when absent or not an integer (a sweep placeholder
// such as "{tp}"); string fields are "" when absent.
type Job struct {
	Name             string
	Model            Model
	Resources        Resources
	Slurm            Slurm
	Benchmark        Benchmark
	Profiling        Profiling
	Backend          Backend
	EnableConfigDump *bool
	ExtraMount       []string
	// Sweep is true when the file has a top-level sweep: section; values may
	// then hold {placeholders}.
	Sweep bool
}

// Model is the model section.
type Model struct {
	Path      string
	Container string
	Precision string
}

// Resources is the resources section.
type Resources struct {
	GPUType        string
	GPUsPerNode    *int
	PrefillNodes   *int
	DecodeNodes    *int
	PrefillWorkers *int
	DecodeWorkers  *int
	AggNodes       *int
	AggWorkers     *int
}

// Disaggregated reports whether srtctl treats the job as disaggregated: it
// does exactly when prefill_nodes is set.
func (r Resources) Disaggregated() bool { return r.PrefillNodes != nil }

// GPUsPerNodeOrDefault is gpus_per_node, or srtctl's default of 4.
func (r Resources) GPUsPerNodeOrDefault() int {
	if r.GPUsPerNode != nil {
		return *r.GPUsPerNode
	}
	return DefaultGPUsPerNode
}

// Slurm is the slurm section.
type Slurm struct {
	Account   string
	Partition string
	TimeLimit string
}

// Benchmark is the benchmark section. Type is "" when absent (srtctl's
// default is manual; see TypeOrDefault).
type Benchmark struct {
	Type          string
	ISL, OSL      *int
	Concurrencies string // as written: "[256, 512]" or "1x4x8"
	ReqRate       string
}

// TypeOrDefault is the benchmark type, or "manual" when absent.
func (b Benchmark) TypeOrDefault() string {
	if b.Type == "" {
		return "manual"
	}
	return b.Type
}

// Profiling is the profiling section. ISL, OSL and Concurrency at the top
// level only exist in P3 files; P1 keeps them per phase.
type Profiling struct {
	Type                  string // "" when absent (srtctl's default is none)
	ISL, OSL, Concurrency *int
	Prefill               *Phase
	Decode                *Phase
	Aggregated            *Phase
}

// TypeOrDefault is the profiling type, or "none" when absent.
func (p Profiling) TypeOrDefault() string {
	if p.Type == "" {
		return "none"
	}
	return p.Type
}

// Enabled reports whether profiling is on (type other than none).
func (p Profiling) Enabled() bool { return p.TypeOrDefault() != "none" }

// Phase is one profiled phase (profiling.prefill, .decode, .aggregated).
type Phase struct {
	ISL, OSL, Concurrency *int
	StartStep, StopStep   *int
}

// Values returns the phase's values with srtctl's step defaults filled in
// and 0 for a missing isl/osl/concurrency.
func (p *Phase) Values() PhaseValues {
	v := PhaseValues{StartStep: DefaultStartStep, StopStep: DefaultStopStep}
	if p == nil {
		return v
	}
	set := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	set(&v.ISL, p.ISL)
	set(&v.OSL, p.OSL)
	set(&v.Concurrency, p.Concurrency)
	set(&v.StartStep, p.StartStep)
	set(&v.StopStep, p.StopStep)
	return v
}

// PhaseValues is a fully specified phase, as the wizard edits it.
type PhaseValues struct {
	ISL, OSL, Concurrency int
	StartStep, StopStep   int
}

// Backend is what the tool reads of the backend section.
type Backend struct {
	Type string // "" when absent (srtctl P1 only knows sglang)
	// SGLangConfig is true when backend.sglang_config is present; the
	// Has* fields say which of its sections are.
	SGLangConfig  bool
	HasPrefill    bool
	HasDecode     bool
	HasAggregated bool
}

// ProfiledPhases lists the phases P1 profiles: prefill and decode for a
// disaggregated job, aggregated for an aggregated one (using the values
// under profiling.decode), nil when profiling is off. The names match the
// profile_<phase>.out files the job writes.
func (j Job) ProfiledPhases() []string {
	if !j.Profiling.Enabled() {
		return nil
	}
	if j.Resources.Disaggregated() {
		return []string{PhasePrefill, PhaseDecode}
	}
	return []string{PhaseAggregated}
}

// PhaseFor returns the section that configures a profiled phase in P1:
// aggregated jobs read profiling.decode.
func (j Job) PhaseFor(phase string) *Phase {
	switch phase {
	case PhasePrefill:
		return j.Profiling.Prefill
	case PhaseDecode, PhaseAggregated:
		return j.Profiling.Decode
	}
	return nil
}

// ProfilingIntent is what the user wants profiled, for ApplyProfiling.
// Prefill is ignored for an aggregated job (P1 profiles it with Decode).
type ProfilingIntent struct {
	Type    string // one of ProfilingTypes
	Prefill PhaseValues
	Decode  PhaseValues
}

// Change is one edit ApplyProfiling made, for the UI to show.
type Change struct {
	Path   string
	Old    string // "" when the key was absent
	New    string // "" when the key was removed
	Reason string // a sentence saying why, e.g. "benchmark.type set to manual: ..."
}
