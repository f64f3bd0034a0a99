package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// TodayValues are the answers of the form for srtctl 1.0.x (v1) and 2.x
// (v2) files, whose profiling is steps only and whose traffic comes from
// the benchmark. Numbers are text as typed or as written, like Values.
type TodayValues struct {
	Dialect jobspec.Dialect // DialectV1 or DialectV2

	Workers [3]string // per mode: prefill, decode, aggregated

	Profiling string // none, torch, nsys, nsys-time
	// Start and Stop are each mode's step window.
	Start, Stop [3]string
	// Delay and Duration are nsys-time's seconds from worker launch.
	Delay, Duration string
	// NsysArgs are extra nsys arguments, separated by spaces.
	NsysArgs string
	// Scope, Index and Rank are 2.x's capture selectors per mode.
	Scope, Index, Rank [3]string

	Benchmark               string
	ISL, OSL, Concurrencies string
	TraceFile               string
}

// The modes in TodayValues' arrays, with the names each place uses.
var todayModes = [3]struct{ phase, role, v1 string }{
	{jobspec.PhasePrefill, "prefill", "prefill"},
	{jobspec.PhaseDecode, "decode", "decode"},
	{jobspec.PhaseAggregated, "agg", "agg"},
}

// TodayProfilingTypes are the profilers 1.0.x and 2.x run.
var TodayProfilingTypes = []string{"none", "torch", "nsys", "nsys-time"}

// TodayBenchmarks are the benchmarks srtctl 1.0.x registers, manual first
// (its default).
var TodayBenchmarks = []string{"manual", "sa-bench", "sglang-bench", "trace-replay", "gpqa", "gsm8k", "lm-eval", "longbenchv2", "mmlu", "mooncake-router", "router", "custom"}

var todayProfilingText = map[string]string{
	"none":      "none       no profiling",
	"torch":     "torch      PyTorch profiler: Chrome traces per worker (the step window below)",
	"nsys":      "nsys       Nsight Systems, started and stopped by the step window",
	"nsys-time": "nsys-time  Nsight Systems for a time window from worker launch (no steps)",
}

// Enabled reports whether profiling is on.
func (t *TodayValues) Enabled() bool { return t.Profiling != "" && t.Profiling != "none" }

// stepped reports whether the profiler uses the step window.
func (t *TodayValues) stepped() bool { return t.Profiling == "torch" || t.Profiling == "nsys" }

// AllowedBenchmarks is what the benchmark may be: while profiling, only
// the ones that send profiling traffic.
func (t *TodayValues) AllowedBenchmarks() []string {
	if t.Enabled() {
		return jobspec.ProfilingBenchmarks()
	}
	return TodayBenchmarks
}

// todayValuesFromDoc reads the answers from a v1 or v2 file; a new job
// passes an empty doc and gets the defaults.
func todayValuesFromDoc(doc *jobspec.Doc, dia jobspec.Dialect) TodayValues {
	get := func(path, fallback string) string {
		if s, ok := doc.Get(path); ok && s != "" {
			return s
		}
		return fallback
	}
	t := TodayValues{Dialect: dia, Profiling: get("profiling.type", "none"),
		Delay: get("profiling.delay_secs", ""), Duration: get("profiling.duration_secs", ""),
		Benchmark: get("benchmark.type", "manual"), ISL: get("benchmark.isl", ""), OSL: get("benchmark.osl", ""),
		Concurrencies: concurrenciesText(doc), TraceFile: get("benchmark.trace_file", "")}
	var args []string
	if n := doc.Root(); n != nil {
		for i := 0; ; i++ {
			a, ok := doc.Get("profiling.extra_nsys_args." + strconv.Itoa(i))
			if !ok {
				break
			}
			args = append(args, a)
		}
	}
	t.NsysArgs = strings.Join(args, " ")
	for i, m := range todayModes {
		t.Workers[i] = get(workersPath(dia, i), "1")
		base := "profiling." + m.phase + "."
		t.Start[i] = get(base+"start_step", itoa(jobspec.DefaultStartStep))
		t.Stop[i] = get(base+"stop_step", itoa(jobspec.DefaultStopStep))
		t.Scope[i] = get(base+"capture_scope", "all")
		t.Index[i] = get(base+"worker_index", "0")
		t.Rank[i] = get(base+"worker_rank", "0")
	}
	return t
}

// concurrenciesText is benchmark.concurrencies as the user would type it:
// "4x8" as written, a list as "4, 8".
func concurrenciesText(doc *jobspec.Doc) string {
	if s, ok := doc.Get("benchmark.concurrencies"); ok {
		return s
	}
	var parts []string
	for i := 0; ; i++ {
		s, ok := doc.Get("benchmark.concurrencies." + strconv.Itoa(i))
		if !ok {
			break
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// workersPath is where a mode's worker count lives in each dialect.
func workersPath(dia jobspec.Dialect, mode int) string {
	if dia == jobspec.DialectV2 {
		return "roles." + todayModes[mode].role + ".workers"
	}
	return "resources." + todayModes[mode].v1 + "_workers"
}

func nodesPath(dia jobspec.Dialect, mode int) string {
	if dia == jobspec.DialectV2 {
		return "roles." + todayModes[mode].role + ".nodes"
	}
	return "resources." + todayModes[mode].v1 + "_nodes"
}

// modes are the indexes of the modes the job has: prefill and decode, or
// aggregated.
func (w *Wizard) modes() []int {
	if w.V.Disaggregated() {
		return []int{0, 1}
	}
	return []int{2}
}

// todaySteps is the form for 1.0.x and 2.x files: the job (for a new one),
// the workers, the profiler and its window, the benchmark that drives the
// traffic, and SLURM.
func (w *Wizard) todaySteps(accessible bool) []Step {
	v, t := w.V, w.T
	k := formKit{accessible: accessible}
	var steps []Step
	add := func(s Step, fields ...huh.Field) { steps = append(steps, k.step(s, t, fields...)) }
	title := t.Dialect.Title()
	if about := w.todayAbout(); about != "" {
		note := huh.NewNote().Title("About " + w.FileName()).Description(noteText(about)).Next(true).NextLabel("Continue")
		if accessible {
			note = huh.NewNote().Title("About " + w.FileName())
		}
		steps = append(steps, Step{Key: "about", Number: 1, Title: "About this file", Hidden: func() bool { return false },
			Info: func() string { return about }, Fields: []huh.Field{note},
			Group: huh.NewGroup(note).Title("About " + w.FileName()).WithHideFunc(func() bool { return false })})
	}
	if w.IsNew() {
		add(Step{Key: "job", Number: 1, Title: "Job (" + title + ")"},
			k.input("Job name", &v.Name, required("a job name")),
			k.input("Model path", &v.ModelPath, required("the model path")).Description("A path, or an alias from the cluster's srtslurm.yaml."),
			k.input("Container", &v.Container, required("the container")).Description("An image or .sqsh path, or an alias from srtslurm.yaml."),
			selectOf("Precision", &v.Precision, jobspec.Precisions),
		)
		add(Step{Key: "resources", Number: 2, Title: "Resources"},
			selectOf("GPU type", &v.GPUType, jobspec.GPUTypes),
			huh.NewSelect[string]().Title("Serving mode").Value(&v.Mode).Options(
				huh.NewOption("disaggregated  separate prefill and decode workers", ModeDisaggregated),
				huh.NewOption("aggregated     one kind of worker does both", ModeAggregated),
			),
			w.gpusPerNodeRow(k.row, accessible),
		)
		add(Step{Key: "nodes-disagg", Number: 2, Title: "Resources: nodes", Hidden: func() bool { return !v.Disaggregated() }},
			k.row("Prefill nodes", &v.PrefillNodes, intIn(1, 4096)),
			k.row("Decode nodes ", &v.DecodeNodes, intIn(1, 4096)),
		)
		add(Step{Key: "nodes-agg", Number: 2, Title: "Resources: nodes", Hidden: v.Disaggregated},
			k.row("Aggregated nodes", &v.AggNodes, intIn(1, 4096)),
		)
	}
	add(Step{Key: "workers-disagg", Number: 2, Title: "Workers", Hidden: func() bool { return !v.Disaggregated() },
		Info: func() string {
			return title + " profiles every worker of a phase with the same window: any number of workers is fine."
		}},
		k.row("Prefill workers", &t.Workers[0], intIn(1, 4096)),
		k.row("Decode workers ", &t.Workers[1], intIn(1, 4096)),
	)
	add(Step{Key: "workers-agg", Number: 2, Title: "Workers", Hidden: v.Disaggregated,
		Info: func() string {
			return title + " profiles every worker with the same window: any number of workers is fine."
		}},
		k.row("Aggregated workers", &t.Workers[2], intIn(1, 4096)),
	)
	var popts []huh.Option[string]
	for _, p := range TodayProfilingTypes {
		popts = append(popts, huh.NewOption(todayProfilingText[p], p))
	}
	add(Step{Key: "profiling", Number: 3, Title: "Profiling", Info: w.todayProfilingInfo},
		huh.NewSelect[string]().Title(k.label("Profiler", &t.Profiling)).Value(&t.Profiling).Options(popts...).
			Validate(oneOf("profiling type", func() []string { return TodayProfilingTypes })),
	)
	for _, i := range []int{0, 1, 2} {
		i := i
		m := todayModes[i]
		hidden := func() bool {
			if !t.stepped() {
				return true
			}
			if i == 2 {
				return v.Disaggregated()
			}
			return !v.Disaggregated()
		}
		add(Step{Key: "steps-" + m.phase, Number: 3, Title: "Profiling: " + m.phase + " steps", Hidden: hidden,
			Info: func() string { return w.stepsInfo(i) }},
			k.row("Start step", &t.Start[i], intIn(0, 1<<30)),
			k.row("Stop step ", &t.Stop[i], stopAfter(&t.Start[i])),
		)
		if t.Dialect != jobspec.DialectV2 {
			continue
		}
		// 2.x reads the selectors for nsys only, and the worker and rank
		// only under capture_scope: selected (under all it warns that they
		// are ignored): the form asks them only then.
		noScope := func() bool { return hidden() || t.Profiling != "nsys" }
		add(Step{Key: "capture-" + m.phase, Number: 3, Title: "Profiling: " + m.phase + " capture", Hidden: noScope,
			Info: func() string { return w.captureInfo(i) }},
			huh.NewSelect[string]().Title("Capture scope").Value(&t.Scope[i]).Options(
				huh.NewOption("all       every worker of the phase, every rank", "all"),
				huh.NewOption("selected  one worker and one rank", "selected")),
		)
		add(Step{Key: "select-" + m.phase, Number: 3, Title: "Profiling: " + m.phase + " capture",
			Hidden: func() bool { return noScope() || t.Scope[i] != "selected" },
			Info:   func() string { return w.captureInfo(i) }},
			k.row("Worker index", &t.Index[i], w.selectorBound(i, false)),
			k.row("Worker rank ", &t.Rank[i], w.selectorBound(i, true)),
		)
	}
	// The time window is nsys-time's alone: nsys (steps) is not asked it.
	add(Step{Key: "nsys-time", Number: 3, Title: "Profiling: nsys-time window",
		Hidden: func() bool { return t.Profiling != "nsys-time" },
		Info: func() string {
			return "nsys-time captures from delay to delay+duration seconds after the workers start, on every worker; the benchmark must still be sending traffic then."
		}},
		k.row("Delay (s)   ", &t.Delay, whenTimed(t, intIn(0, 1<<20))),
		k.row("Duration (s)", &t.Duration, whenTimed(t, intIn(1, 1<<20))),
	)
	add(Step{Key: "nsys", Number: 3, Title: "Profiling: nsys",
		Hidden: func() bool { return t.Profiling != "nsys" && t.Profiling != "nsys-time" },
		Info: func() string {
			return "Extra nsys arguments are added to every worker's nsys command before -o."
		}},
		k.row("Extra nsys args", &t.NsysArgs, nil).Placeholder("(none)"),
	)
	benchSel := huh.NewSelect[string]().Title("Benchmark").Value(&t.Benchmark)
	if accessible {
		benchSel = benchSel.Options(huh.NewOptions(TodayBenchmarks...)...)
	} else {
		benchSel = benchSel.OptionsFunc(func() []huh.Option[string] { return huh.NewOptions(t.AllowedBenchmarks()...) }, &t.Profiling).
			Height(len(TodayBenchmarks) + 1)
	}
	fitBench := func() bool {
		// Whether a step shows is asked just before it shows, after the
		// profiler (which decides the options) was chosen. A huh select
		// with dynamic options keeps the height it was given, in blank
		// lines that pushed the step's note off an 80x24 screen; and the
		// accessible prompt lists only the options set before it runs.
		if accessible {
			benchSel.Options(huh.NewOptions(t.AllowedBenchmarks()...)...)
		} else {
			benchSel.Height(len(t.AllowedBenchmarks()) + 1)
		}
		return false
	}
	add(Step{Key: "benchmark", Number: 3, Title: "Benchmark (the traffic)", Info: w.benchmarkInfo, Hidden: fitBench},
		benchSel.Validate(oneOf("benchmark type", t.AllowedBenchmarks)),
	)
	add(Step{Key: "traffic", Number: 3, Title: "Benchmark: traffic",
		Hidden: func() bool {
			return t.Benchmark != "sa-bench" && t.Benchmark != "sglang-bench" && t.Benchmark != "trace-replay"
		}},
		k.row("Input length (isl) ", &t.ISL, whenBench(t, intIn(1, 1<<24), "sa-bench", "sglang-bench")),
		k.row("Output length (osl)", &t.OSL, whenBench(t, intIn(1, 1<<24), "sa-bench", "sglang-bench")),
		k.row("Concurrencies      ", &t.Concurrencies, concurrencies).Placeholder("4x8x16 or 4, 8, 16"),
		k.row("Trace file         ", &t.TraceFile, whenBench(t, required("the trace file"), "trace-replay")).Placeholder("(trace-replay only)"),
	)
	add(Step{Key: "slurm", Number: 4, Title: "SLURM"},
		k.row("Account", &v.Account, nil).Placeholder("(cluster default)"),
		k.row("Partition", &v.Partition, nil).Placeholder("(cluster default)"),
		k.row("Time limit", &v.TimeLimit, timeLimit).Placeholder("HH:MM:SS"),
	)
	return steps
}

// todayAbout is what the form says before the first step: the
// conversion offered, the dialect assumed, the file's problems.
func (w *Wizard) todayAbout() string {
	var b strings.Builder
	if w.Notice != "" {
		b.WriteString(w.Notice + "\n")
	}
	if len(w.Problems) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(w.problemsText() + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (w *Wizard) todayProfilingInfo() string {
	t := w.T
	s := "Traffic comes from the benchmark (next steps), not from profiling."
	if t.Dialect == jobspec.DialectV2 {
		s += " With nsys you can capture one worker and rank of a phase (capture scope: selected)."
	}
	return s
}

func (w *Wizard) stepsInfo(mode int) string {
	t := w.T
	s := "Steps count the forward passes after the benchmark's start request; stop is exclusive."
	if t.Benchmark == "sa-bench" {
		s += " sa-bench's warmup requests count toward the steps."
	}
	return s
}

// captureInfo says what 2.x's nsys selectors choose from.
func (w *Wizard) captureInfo(mode int) string {
	s := "nsys wraps the phase's workers; capture scope selected wraps one worker and sends the start request to one of its ranks only."
	n, _ := strconv.Atoi(w.T.Workers[mode])
	if r, ok := w.ranks(mode); ok {
		each := " each"
		if n == 1 {
			each = ""
		}
		s += fmt.Sprintf(" This phase has %s of %s%s.", plural(n, "worker"), plural(r, "rank"), each)
	}
	return s
}

// plural is "1 worker", "2 workers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func (w *Wizard) benchmarkInfo() string {
	if w.T.Enabled() {
		return "While profiling, only benchmarks that send profiling traffic are offered (sa-bench, sglang-bench, trace-replay): manual and the accuracy benchmarks never start a capture."
	}
	return "The benchmark runs once the workers are healthy."
}

// ranks is how many physical processes one worker of the mode runs (2.x's
// capture_rank bound): one per node of the worker (SGLang, vLLM per node).
func (w *Wizard) ranks(mode int) (int, bool) {
	gpn, err1 := strconv.Atoi(w.gpusPerNode())
	nodes, err2 := strconv.Atoi(w.nodes(mode))
	workers, err3 := strconv.Atoi(w.T.Workers[mode])
	if err1 != nil || err2 != nil || err3 != nil || gpn <= 0 || workers <= 0 || nodes <= 0 {
		return 0, false
	}
	gpus := nodes * gpn / workers
	if gpus <= 0 {
		return 0, false
	}
	return (gpus + gpn - 1) / gpn, true
}

// gpusPerNode is the answer, or the GPU type's usual count when a new
// job leaves it empty.
func (w *Wizard) gpusPerNode() string {
	if w.V.GPUsPerNode == "" {
		return itoa(GPUsPerNodeFor(w.V.GPUType))
	}
	return w.V.GPUsPerNode
}

func (w *Wizard) nodes(mode int) string {
	switch mode {
	case 0:
		return w.V.PrefillNodes
	case 1:
		return w.V.DecodeNodes
	}
	return w.V.AggNodes
}

// selectorBound checks a worker index (below the workers) or rank (below
// the ranks of one worker), as 2.x's load rules do.
func (w *Wizard) selectorBound(mode int, rank bool) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return fmt.Errorf("a whole number, 0 or more")
		}
		if rank {
			if r, ok := w.ranks(mode); ok && n >= r {
				return fmt.Errorf("a worker here has %d ranks: 0 to %d", r, r-1)
			}
			return nil
		}
		if wk, err := strconv.Atoi(w.T.Workers[mode]); err == nil && n >= wk {
			return fmt.Errorf("the phase has %d workers: 0 to %d", wk, wk-1)
		}
		return nil
	}
}

// formKit lays out inputs as the P1 form does: titled rows, inline in the
// full-screen form, with the current value in the title in accessible mode.
type formKit struct{ accessible bool }

func (k formKit) label(title string, value *string) string {
	if k.accessible && *value != "" {
		return fmt.Sprintf("%s (now %s; Enter keeps it)", title, *value)
	}
	return title
}

func (k formKit) input(title string, value *string, validate func(string) error) *huh.Input {
	if k.accessible && validate != nil {
		validate = keepOnEmpty(validate, value)
	}
	return newInput(k.label(title, value), value, validate)
}

func (k formKit) row(title string, value *string, validate func(string) error) *huh.Input {
	if k.accessible {
		return k.input(strings.TrimRight(title, " "), value, validate)
	}
	return inline(k.input(title, value, validate), title)
}

// step finishes a step: never hidden unless it says, its Info as a note
// above the fields (re-read when binding changes; the accessible runner
// prints Info itself), its group.
func (k formKit) step(s Step, binding any, fields ...huh.Field) Step {
	if s.Hidden == nil {
		s.Hidden = func() bool { return false }
	}
	if s.Info != nil && !k.accessible {
		info := s.Info
		fields = append([]huh.Field{huh.NewNote().DescriptionFunc(func() string { return noteText(info()) }, binding)}, fields...)
	}
	s.Fields = fields
	s.Group = huh.NewGroup(fields...).Title(s.Title).WithHideFunc(s.Hidden)
	return s
}

// intIn accepts a whole number between lo and hi.
func intIn(lo, hi int) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("a whole number from %d to %d", lo, hi)
		}
		return nil
	}
}

// stopAfter accepts a stop step after the start step: a window with no
// step writes no trace.
func stopAfter(start *string) func(string) error {
	return func(s string) error {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return fmt.Errorf("a whole number, 0 or more")
		}
		if b, err := strconv.Atoi(strings.TrimSpace(*start)); err == nil && n <= b {
			return fmt.Errorf("must be after the start step (%d): that phase would write no trace", b)
		}
		return nil
	}
}

func whenTimed(t *TodayValues, check func(string) error) func(string) error {
	return func(s string) error {
		if t.Profiling != "nsys-time" {
			return nil
		}
		return check(s)
	}
}

func whenBench(t *TodayValues, check func(string) error, benches ...string) func(string) error {
	return func(s string) error {
		for _, b := range benches {
			if t.Benchmark == b {
				return check(s)
			}
		}
		return nil
	}
}

// concurrencies accepts "4x8x16" or "4, 8, 16" (whole numbers from 1).
func concurrencies(s string) error {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "[]"))
	if s == "" {
		return fmt.Errorf("at least one concurrency")
	}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == 'x' || r == ',' || r == ' ' }) {
		if n, err := strconv.Atoi(f); err != nil || n < 1 {
			return fmt.Errorf("%q: concurrencies are whole numbers from 1 (4x8x16 or 4, 8, 16)", f)
		}
	}
	return nil
}
