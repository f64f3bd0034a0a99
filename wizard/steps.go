package wizard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Step is one screenful of the form: a huh group and what decides whether
// it is shown. Number is the step the user sees (1 Job ... 4 SLURM, 5 is the
// review, which is not a form group).
type Step struct {
	Key    string
	Number int
	Title  string
	Group  *huh.Group
	// Fields are the group's fields, to tell which step has the focus.
	Fields []huh.Field
	// Hidden reports whether the step is skipped with the current answers.
	Hidden func() bool
	// Info is what the step shows above its fields in plain text (the
	// accessible mode prints it; the full-screen form shows it as a note).
	Info func() string
}

// StepCount is the number of steps the user sees, the review included.
const StepCount = 5

// Step names, shown in the title bar as "Step n/5 · name".
var stepNames = [StepCount + 1]string{"", "Job", "Resources", "Profiling", "SLURM", "Review"}

// StepName returns the name of step n (1-based).
func StepName(n int) string {
	if n < 1 || n > StepCount {
		return ""
	}
	return stepNames[n]
}

// profilingOptionText says in one line what each profiler is good for.
var profilingOptionText = map[string]string{
	"none":  "none   no profiling: normal serving, benchmarks allowed",
	"torch": "torch  PyTorch profiler: Python-level and CUDA kernel analysis (Chrome traces)",
	"nsys":  "nsys   Nsight Systems: low-overhead GPU timeline (.nsys-rep reports)",
}

func (w *Wizard) steps(accessible bool) []Step {
	if w.T != nil {
		return w.todaySteps(accessible)
	}
	v := w.V
	o := w.orig
	never := func() bool { return false }
	disagg := func() bool { return v.Disaggregated() }
	agg := func() bool { return !v.Disaggregated() }
	noProfiling := func() bool { return !v.Profiling() }

	// Fields are titled rows; in accessible mode, where the prompt cannot
	// show the value in place, the title says the current answer, which an
	// empty answer keeps.
	k := formKit{accessible: accessible}
	label, input, row := k.label, k.input, k.row
	// choose titles a select; when the file's value is not one of valid,
	// the select starts on another option, so it says so instead of
	// letting Enter swap the value silently.
	// (Building a select already moved the value to its first option, so
	// the file's value is looked up in the answers read from the file.)
	choose := func(sel *huh.Select[string], title string, value *string, fromFile string, valid []string) *huh.Select[string] {
		if fromFile == "" || slices.Contains(valid, fromFile) {
			return sel.Title(label(title, value))
		}
		why := fmt.Sprintf("The file has %q, which srtctl does not accept: choose one.", fromFile)
		if accessible {
			return sel.Title(title + " (" + strings.TrimSuffix(why, ".") + ")")
		}
		return sel.Title(title).Description(why)
	}
	var steps []Step
	add := func(s Step, fields ...huh.Field) { steps = append(steps, k.step(s, v, fields...)) }

	if len(w.Problems) > 0 {
		probs := w.problemsText()
		next := "Continue"
		if props := w.Proposals(); len(props) > 0 {
			next = "Go to the field"
		}
		note := huh.NewNote().Title("This file cannot be saved as it is").Description(noteText(probs)).
			Next(true).NextLabel(next)
		if accessible {
			// The accessible runner prints Info itself.
			note = huh.NewNote().Title("This file cannot be saved as it is")
		}
		steps = append(steps, Step{Key: "problems", Number: 1, Title: "Problems", Hidden: never,
			Info:   func() string { return probs },
			Fields: []huh.Field{note},
			Group:  huh.NewGroup(note).Title("Problems in " + w.FileName()).WithHideFunc(never)})
	}

	// described gives an input its description; huh's accessible prompts
	// print only the title, so there the description joins it.
	described := func(in *huh.Input, title string, value *string, desc string) *huh.Input {
		if accessible {
			return in.Title(label(title, value) + " · " + desc)
		}
		return in.Description(desc)
	}
	add(Step{Key: "job", Number: 1, Title: "Job"},
		described(input("Job name", &v.Name, required("a job name")), "Job name", &v.Name, "Used for the SLURM job and the log directory."),
		described(input("Model path", &v.ModelPath, required("the model path")), "Model path", &v.ModelPath, "A path, or an alias from the cluster's srtslurm.yaml."),
		described(input("Container", &v.Container, required("the container")), "Container", &v.Container, "A .sqsh path, or an alias from srtslurm.yaml."),
		choose(selectOf("Precision", &v.Precision, jobspec.Precisions), "Precision", &v.Precision, o.Precision, jobspec.Precisions),
	)

	modeHelp := ""
	if !w.IsNew() {
		modeHelp = "Switching also moves backend.sglang_config and the environments to the new mode; the review lists each change."
	}
	add(Step{Key: "resources", Number: 2, Title: "Resources"},
		choose(selectOf("GPU type", &v.GPUType, jobspec.GPUTypes), "GPU type", &v.GPUType, o.GPUType, jobspec.GPUTypes),
		huh.NewSelect[string]().Title(label("Serving mode", &v.Mode)+accessibleNote(accessible, modeHelp)).Description(modeHelp).Value(&v.Mode).Options(
			huh.NewOption("disaggregated  separate prefill and decode workers", ModeDisaggregated),
			huh.NewOption("aggregated     one kind of worker does both", ModeAggregated),
		).Validate(oneOf("mode", func() []string { return []string{ModeDisaggregated, ModeAggregated} })),
		w.gpusPerNodeRow(row, accessible),
	)
	add(Step{Key: "nodes-disagg", Number: 2, Title: "Resources: nodes", Hidden: agg},
		row("Prefill nodes", &v.PrefillNodes, positiveInt(o.PrefillNodes, MaxNodes)).Key("resources.prefill_nodes"),
		row("Decode nodes ", &v.DecodeNodes, positiveInt(o.DecodeNodes, MaxNodes)).Key("resources.decode_nodes"),
	)
	add(Step{Key: "nodes-agg", Number: 2, Title: "Resources: nodes", Hidden: disagg},
		row("Aggregated nodes", &v.AggNodes, positiveInt(o.AggNodes, MaxNodes)).Key("resources.agg_nodes"),
	)

	add(Step{Key: "profiling", Number: 3, Title: "Profiling", Info: w.profilingInfo},
		choose(w.profilingSelect(), "Profiler", &v.ProfilingType, o.ProfilingType, jobspec.ProfilingTypes),
	)
	add(Step{Key: "workers-disagg", Number: 3, Title: "Workers and benchmark",
		Hidden: func() bool { return v.Profiling() || !v.Disaggregated() }},
		row("Prefill workers", &v.PrefillWorkers, workerCount(v, o.PrefillWorkers)),
		row("Decode workers ", &v.DecodeWorkers, workerCount(v, o.DecodeWorkers)),
		choose(w.benchmarkSelect(accessible), "Benchmark", &v.BenchmarkType, o.BenchmarkType, jobspec.BenchmarkTypes),
	)
	add(Step{Key: "workers-agg", Number: 3, Title: "Workers and benchmark",
		Hidden: func() bool { return v.Profiling() || v.Disaggregated() }},
		row("Aggregated workers", &v.AggWorkers, workerCount(v, o.AggWorkers)),
		choose(w.benchmarkSelect(accessible), "Benchmark", &v.BenchmarkType, o.BenchmarkType, jobspec.BenchmarkTypes),
	)
	add(Step{Key: "phase-prefill", Number: 3, Title: "Profiling: prefill phase",
		Hidden: func() bool { return noProfiling() || agg() }},
		phaseFieldsOf(row, jobspec.PhasePrefill, &v.Prefill, o.Prefill, accessible)...,
	)
	add(Step{Key: "phase-decode", Number: 3, Title: "Profiling: decode phase",
		Hidden: func() bool { return noProfiling() || agg() }},
		phaseFieldsOf(row, jobspec.PhaseDecode, &v.Decode, o.Decode, accessible)...,
	)
	// The same answers as the decode phase: a step of its own so that its
	// note is not an empty box in a disaggregated job.
	add(Step{Key: "phase-aggregated", Number: 3, Title: "Profiling: aggregated job",
		Hidden: func() bool { return noProfiling() || disagg() },
		Info: func() string {
			return "An aggregated job is profiled once; srtctl reads its values from profiling.decode, so they are stored there."
		}},
		phaseFieldsOf(row, jobspec.PhaseDecode, &v.Decode, o.Decode, accessible)...,
	)

	add(Step{Key: "slurm", Number: 4, Title: "SLURM"},
		row("Account", &v.Account, nil).Placeholder("(cluster default)"),
		row("Partition", &v.Partition, nil).Placeholder("(cluster default)"),
		row("Time limit", &v.TimeLimit, timeLimit).Placeholder("HH:MM:SS, D-HH, minutes"),
	)
	return steps
}

// gpusPerNodeRow asks the GPUs per node. A new job leaves it empty to mean
// the GPU type's usual count, which the placeholder shows as the type
// changes (a huh input's value is fixed when built, its placeholder is not).
func (w *Wizard) gpusPerNodeRow(row inputFunc, accessible bool) *huh.Input {
	v := w.V
	if !w.IsNew() {
		// The file's number stays what it says (a huh input's value is
		// fixed when built); when the GPU type changes under it, the
		// field's title says what the new type's nodes usually have (in
		// the title: the row is inline, a description would run into it).
		return row("GPUs per node", &v.GPUsPerNode, positiveInt(w.orig.GPUsPerNode, MaxGPUsPerNode)).
			TitleFunc(func() string {
				if h := w.gpusPerNodeHint(); h != "" {
					return "GPUs per node (" + h + ")"
				}
				return "GPUs per node"
			}, &v.GPUType)
	}
	if accessible {
		// The prompt's title is fixed before the GPU type is answered.
		return row(fmt.Sprintf("GPUs per node (Enter: the GPU type's usual count: %s)", usualCounts()), &v.GPUsPerNode,
			orDefault(positiveInt("", MaxGPUsPerNode)))
	}
	return row("GPUs per node", &v.GPUsPerNode, orDefault(positiveInt("", MaxGPUsPerNode))).
		PlaceholderFunc(func() string { return fmt.Sprintf("%d (usual for %s)", GPUsPerNodeFor(v.GPUType), v.GPUType) }, &v.GPUType)
}

// gpusPerNodeHint is the edit form's note beside GPUs per node once the
// GPU type was changed to one whose nodes usually have another count.
func (w *Wizard) gpusPerNodeHint() string {
	v := w.V
	if v.GPUType == w.orig.GPUType {
		return ""
	}
	usual := GPUsPerNodeFor(v.GPUType)
	if n, err := strconv.Atoi(strings.TrimSpace(v.EffectiveGPUsPerNode())); err == nil && n == usual {
		return ""
	}
	return fmt.Sprintf("%s nodes usually have %d", v.GPUType, usual)
}

// inline lays an input out on one line, "Title: value". Trailing spaces in
// title pad the colon's side, so the values of a group line up.
func inline(in *huh.Input, title string) *huh.Input {
	name := strings.TrimRight(title, " ")
	return in.Title(name).Inline(true).Prompt(":" + strings.Repeat(" ", len(title)-len(name)+1))
}

type inputFunc = func(title string, value *string, validate func(string) error) *huh.Input

func newInput(title string, value *string, validate func(string) error) *huh.Input {
	in := huh.NewInput().Title(title).Value(value)
	if validate != nil {
		in = in.Validate(validate)
	}
	return in
}

func selectOf(title string, value *string, options []string) *huh.Select[string] {
	return huh.NewSelect[string]().Title(title).Value(value).Options(huh.NewOptions(options...)...).
		Validate(oneOf(strings.ToLower(title), func() []string { return options }))
}

func (w *Wizard) profilingSelect() *huh.Select[string] {
	var opts []huh.Option[string]
	for _, t := range jobspec.ProfilingTypes {
		label := profilingOptionText[t]
		if label == "" {
			label = t
		}
		opts = append(opts, huh.NewOption(label, t))
	}
	return huh.NewSelect[string]().Title("Profiler").Value(&w.V.ProfilingType).Options(opts...).
		Validate(oneOf("profiling type", func() []string { return jobspec.ProfilingTypes }))
}

// AllowedBenchmarkTypes is what the benchmark type may be with the current
// answers: only manual while profiling.
func (v *Values) AllowedBenchmarkTypes() []string {
	if v.Profiling() {
		return []string{"manual"}
	}
	return jobspec.BenchmarkTypes
}

func (w *Wizard) benchmarkSelect(accessible bool) *huh.Select[string] {
	v := w.V
	sel := huh.NewSelect[string]().Title("Benchmark").Value(&v.BenchmarkType)
	if accessible {
		// Accessible mode prints the options without evaluating
		// OptionsFunc; the step is hidden while profiling anyway and
		// Validate still refuses anything but manual then.
		return sel.Options(huh.NewOptions(jobspec.BenchmarkTypes...)...).
			Validate(oneOf("benchmark type", v.AllowedBenchmarkTypes))
	}
	return sel.OptionsFunc(func() []huh.Option[string] { return huh.NewOptions(v.AllowedBenchmarkTypes()...) }, &v.ProfilingType).
		Height(len(jobspec.BenchmarkTypes) + 1).
		Validate(oneOf("benchmark type", v.AllowedBenchmarkTypes))
}

func phaseFieldsOf(row inputFunc, phase string, p *PhaseFields, o PhaseFields, accessible bool) []huh.Field {
	// Keys are the paths the fields write, so a problem's proposal can
	// take the user to its field.
	base := "profiling." + phase + "."
	note := &windowNote{Phase: p}
	fields := []huh.Field{
		row("Input length (isl) ", &p.ISL, positiveInt(o.ISL, MaxTokens)).Key(base + "isl"),
		row("Output length (osl)", &p.OSL, positiveInt(o.OSL, MaxTokens)).Key(base + "osl"),
		row("Concurrency        ", &p.Concurrency, positiveInt(o.Concurrency, MaxConcurrency)).Key(base + "concurrency"),
		row("Start step         ", &p.StartStep, nonNegativeInt(o.StartStep, MaxSteps)).Key(base + "start_step"),
		row("Stop step          ", &p.StopStep, refusedAt(stopAfterStart(p, o.StopStep), p, note)).Key(base + "stop_step"),
	}
	if !accessible {
		// The warning sits under the stop step and follows what is typed;
		// once Enter was refused for these very steps, the field's own
		// error says it, and the note does not say it a second time.
		fields = append(fields, huh.NewNote().DescriptionFunc(func() string {
			if note.Refused == *p {
				return ""
			}
			if w := WindowWarning(*p); w != "" {
				return noteText(w)
			}
			return noteText(fmt.Sprintf("%s to %s: profiled steps (typical windows are %d-%d steps)",
				p.StartStep, p.StopStep, jobspec.TypicalMinSteps, jobspec.TypicalMaxSteps))
		}, note))
	}
	return fields
}

// windowNote is what the step window's note depends on (exported fields:
// huh re-evaluates the note when their hash changes): the phase's answers
// and the answers the stop step's Enter was last refused for.
type windowNote struct {
	Phase   *PhaseFields
	Refused PhaseFields
}

// refusedAt records in note the answers validate refused.
func refusedAt(validate func(string) error, p *PhaseFields, note *windowNote) func(string) error {
	return func(s string) error {
		err := validate(s)
		note.Refused = PhaseFields{}
		if err != nil {
			note.Refused = *p
			note.Refused.StopStep = s
		}
		return err
	}
}

// profilingInfo says what the form will not ask because of the profiler
// choice, and why.
func (w *Wizard) profilingInfo() string {
	v := w.V
	if !v.Profiling() {
		return "Profiling off: worker counts and the benchmark are asked next."
	}
	var b strings.Builder
	if v.Disaggregated() {
		fmt.Fprintf(&b, "Workers: 1 prefill, 1 decode (%s)%s\n", ReasonSingleWorker,
			wasNote(w.orig.PrefillWorkers, w.orig.DecodeWorkers, "prefill_workers", "decode_workers"))
	} else {
		fmt.Fprintf(&b, "Workers: 1 aggregated (%s)%s\n", ReasonSingleWorker,
			wasNote(w.orig.AggWorkers, "1", "agg_workers", ""))
	}
	for _, p := range w.nodesFollowing() {
		b.WriteString(p + "\n")
	}
	b.WriteString("Benchmark: manual (" + ReasonManual + ")")
	if w.orig.BenchmarkType != "manual" && w.base != nil {
		b.WriteString("; the file has " + w.orig.BenchmarkType)
	}
	b.WriteString("\nConfig dump: off (" + ReasonConfigDump + ")")
	return b.String()
}

func wasNote(a, b, aName, bName string) string {
	var parts []string
	if a != "1" && a != "" {
		parts = append(parts, aName+": "+a)
	}
	if b != "1" && b != "" && bName != "" {
		parts = append(parts, bName+": "+b)
	}
	if len(parts) == 0 {
		return ""
	}
	return "; the file has " + strings.Join(parts, ", ")
}

// accessibleNote is a description joined to a title for huh's accessible
// prompts, which print no description.
func accessibleNote(accessible bool, desc string) string {
	if !accessible || desc == "" {
		return ""
	}
	return " · " + desc
}

// noteText escapes the characters huh's notes read as markup (_ * `), so
// key names such as decode_workers show as written.
func noteText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "_", `\_`, "*", `\*`, "`", "\\`")
	return r.Replace(s)
}

// keepOnEmpty checks the kept value when the answer is empty.
func keepOnEmpty(validate func(string) error, value *string) func(string) error {
	return func(s string) error {
		if s == "" && *value != "" {
			return validate(*value)
		}
		return validate(s)
	}
}
