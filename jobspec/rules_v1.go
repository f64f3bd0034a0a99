package jobspec

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// v1 applies srtctl 1.0.x's load-time checks in its order and words
// (marshmallow's field errors, then SrtConfig.__post_init__'s profiling
// rules), then the traps it loads and the job then fails on.
func (v *validator) v1() {
	job := v.jobRoot()
	if job == nil {
		return
	}
	if !v.v1Fields(job) {
		return // srtctl stops at field errors; nothing after them runs
	}
	if v.isOverrideFile() {
		return // the rules apply per variant, after deep-merging: checked by srtctl's dry-run
	}
	wc := v1Workers{v: v}
	if v.profilingRules(DialectV1, wc) {
		v.profilingTraps(wc)
	}
	v.benchmarkTraps()
}

// jobRoot is the mapping srtctl loads as the job: the file, or its base:
// in an override file. Top-level keys srtctl strips first (sweep:, lock:,
// the override variants) are not part of it.
func (v *validator) jobRoot() *yaml.Node {
	if v.d.root == nil {
		return nil
	}
	if _, b := mapGet(v.d.root, "base"); b != nil && v.isOverrideFile() {
		return deref(b)
	}
	return v.d.root
}

func (v *validator) isOverrideFile() bool {
	if k, _ := mapGet(v.d.root, "base"); k == nil {
		return false
	}
	for i := 0; i+1 < len(v.d.root.Content); i += 2 {
		k := v.d.root.Content[i].Value
		if strings.HasPrefix(k, "override_") || strings.HasPrefix(k, "zip_override_") {
			return true
		}
	}
	return false
}

// strippedTop are top-level keys srtctl removes before loading a job.
func strippedTop(k string) bool {
	return k == "sweep" || k == "lock" || k == "base" || strings.HasPrefix(k, "override_") || strings.HasPrefix(k, "zip_override_")
}

// fieldError records one of marshmallow's field errors: the message is
// srtctl's (one entry of the dict it prints), placed at the key or value.
func (v *validator) fieldError(path string, at *yaml.Node, msg, hint string) {
	f := Finding{Severity: Error, Path: path, Message: path + ": " + msg + hint, srtctl: msg}
	if at != nil {
		f.Line, f.Col = at.Line, at.Column
	} else {
		f.Line, f.Col = v.d.Position(path)
	}
	v.out = append(v.out, f)
}

// v1Fields reports marshmallow's field errors for the job mapping (and
// the variants of an override file): unknown keys, missing required
// fields, values of the wrong type. It returns true when there are none.
func (v *validator) v1Fields(job *yaml.Node) bool {
	n := len(v.out)
	prefix := ""
	if job != v.d.root {
		prefix = "base"
	}
	v.unknownFields(prefix, job, v1Job, DialectV1)
	if v.isOverrideFile() {
		for i := 0; i+1 < len(v.d.root.Content); i += 2 {
			k := v.d.root.Content[i].Value
			if strings.HasPrefix(k, "override_") {
				v.unknownFields(k, v.d.root.Content[i+1], v1Job, DialectV1)
			}
		}
	}
	at := func(p string) string { return joinPath(prefix, p) }
	for _, p := range []string{"name", "model", "resources"} {
		if k, _ := mapGet(job, p); k == nil {
			v.fieldError(at(p), nil, "Missing data for required field.", "")
		}
	}
	if m := v.v1Section(at("model")); m {
		for _, p := range []string{"path", "container", "precision"} {
			v.v1Required(at("model."+p), "str")
		}
	}
	if v.v1Section(at("resources")) {
		v.v1Required(at("resources.gpu_type"), "str")
		for _, k := range []string{"gpus_per_node", "prefill_nodes", "decode_nodes", "prefill_workers", "decode_workers", "agg_nodes", "agg_workers", "gpus_per_prefill", "gpus_per_decode", "gpus_per_agg"} {
			v.v1Int(at("resources." + k))
		}
	}
	v.v1Scalar(at("name"), "str")
	if v.v1Section(at("benchmark")) {
		v.v1Int(at("benchmark.isl"))
		v.v1Int(at("benchmark.osl"))
		v.v1Scalar(at("benchmark.type"), "str")
	}
	if v.v1Section(at("profiling")) {
		v.v1Scalar(at("profiling.type"), "str")
		for _, k := range []string{"delay_secs", "duration_secs", "benchmark_duration_secs"} {
			v.v1Int(at("profiling." + k))
		}
		if n := v.d.node(at("profiling.extra_nsys_args")); n != nil && !isNull(n) && n.Kind != yaml.SequenceNode {
			v.fieldError(at("profiling.extra_nsys_args"), n, "Not a valid list.", "")
		}
		for _, ph := range []string{PhasePrefill, PhaseDecode, PhaseAggregated} {
			p := at("profiling." + ph)
			n := v.d.node(p)
			if n == nil || isNull(n) {
				continue
			}
			if n.Kind != yaml.MappingNode {
				v.fieldError(p+"._schema", n, "Invalid input type.", "")
				continue
			}
			v.v1Int(p + ".start_step")
			v.v1Int(p + ".stop_step")
		}
	}
	for _, s := range []string{"slurm", "frontend", "dynamo", "output", "health_check", "infra", "observability", "telemetry", "identity"} {
		v.v1Section(at(s))
	}
	if b := v.d.node(at("backend")); b != nil && !isNull(b) {
		if b.Kind != yaml.MappingNode {
			v.fieldError(at("backend"), b, "Expected dict for backend config, got "+pyTypeName(b)+"", "")
		} else if t := v.d.str(at("backend.type")); t != "" && v1Backend(t) == nil {
			msg := fmt.Sprintf("Unknown backend type: %s. Supported types: sglang, trtllm, vllm, mocker", pyRepr(t))
			v.fieldError(at("backend.type"), v.d.node(at("backend.type")), msg, didYouMean(nearest(t, []string{"sglang", "trtllm", "vllm", "mocker"})))
		}
	}
	return len(v.out) == n
}

// unknownFields reports every key the schema does not have, as srtctl
// (`Unknown field.`), with the nearest known key when one is near. P1 and
// P3 traffic keys under profiling get a pointer to where traffic is set
// now.
func (v *validator) unknownFields(prefix string, m *yaml.Node, s *keySchema, dia Dialect) {
	for _, u := range unknownKeys(prefix, m, s) {
		if prefix == "" && strippedTop(u.key.Value) {
			continue
		}
		hint := didYouMean(u.suggest)
		if trafficUnderProfiling(u.path) {
			hint = fmt.Sprintf(" (%s keeps the profiling traffic in the benchmark: set benchmark.%s)", dia.Title(), benchmarkTrafficKey(u.key.Value))
		}
		v.fieldError(u.path, u.key, "Unknown field.", hint)
	}
}

// trafficUnderProfiling is a P1/P3 traffic key (profiling.isl,
// profiling.decode.concurrency, ...).
func trafficUnderProfiling(path string) bool {
	parts := strings.Split(path, ".")
	if len(parts) < 2 || parts[len(parts)-2] == "" {
		return false
	}
	last := parts[len(parts)-1]
	isTraffic := last == "isl" || last == "osl" || last == "concurrency"
	under := parts[len(parts)-2] == "profiling" || (len(parts) >= 3 && parts[len(parts)-3] == "profiling")
	return isTraffic && under
}

func benchmarkTrafficKey(k string) string {
	if k == "concurrency" {
		return "concurrencies"
	}
	return k
}

func didYouMean(path string) string {
	if path == "" {
		return ""
	}
	return " (did you mean " + path + "?)"
}

func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// v1Section: a nested section given as something other than a mapping is
// `Invalid input type.` (under _schema). It returns true for a mapping.
func (v *validator) v1Section(path string) bool {
	n := v.d.node(path)
	if n == nil || isNull(n) {
		return false
	}
	if n.Kind != yaml.MappingNode {
		v.fieldError(path+"._schema", n, "Invalid input type.", "")
		return false
	}
	return true
}

func (v *validator) v1Required(path, kind string) {
	if !v.d.Has(path) {
		v.fieldError(path, nil, "Missing data for required field.", "")
		return
	}
	if n := v.d.node(path); n != nil && isNull(n) {
		v.fieldError(path, n, "Field may not be null.", "")
		return
	}
	v.v1Scalar(path, kind)
}

// v1Scalar checks a string field: marshmallow's String takes only text.
func (v *validator) v1Scalar(path, kind string) {
	n := v.d.node(path)
	if n == nil || isNull(n) || v.placeholder(n) {
		return
	}
	if n.Kind != yaml.ScalarNode || pyScalarKind(n) != "str" {
		v.fieldError(path, n, "Not a valid string.", "")
	}
}

// v1Int checks an integer field as marshmallow's (non-strict) Integer
// reads it: ints, numeric text and floats (truncated) load; booleans and
// other text do not.
func (v *validator) v1Int(path string) {
	n := v.d.node(path)
	if n == nil || isNull(n) || v.placeholder(n) {
		return
	}
	if _, ok := marshmallowInt(n); !ok {
		v.fieldError(path, n, "Not a valid integer.", "")
	}
}

// pyScalarKind is the Python type srtctl's loader gives a scalar.
func pyScalarKind(n *yaml.Node) string {
	if n.Style == 0 && (n.Tag == "" || strings.HasPrefix(n.Tag, "!!")) {
		return pyyamlKind(n.Value)
	}
	return yamlKind(n)
}

// marshmallowInt reads n as marshmallow's Integer(strict=False): frac is
// true when a float was truncated (100.7 loads as 100).
func marshmallowInt(n *yaml.Node) (val int, ok bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	switch pyScalarKind(n) {
	case "int":
		x, err := strconv.ParseInt(pyIntValue(n.Value), 10, 64)
		return int(x), err == nil
	case "float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		return int(f), true
	case "str":
		x, err := strconv.Atoi(strings.TrimSpace(n.Value))
		return x, err == nil
	}
	return 0, false
}

func isFraction(n *yaml.Node) bool {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || pyScalarKind(n) != "float" {
		return false
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	return err == nil && f != math.Trunc(f)
}

// pyRepr is Python's repr of a string.
func pyRepr(s string) string {
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		return `"` + s + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

func pyTypeName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "dict"
	}
	return map[string]string{"bool": "bool", "int": "int", "float": "float", "str": "str", "null": "NoneType"}[pyScalarKind(n)]
}

// workerCounts gives the workers of each mode, as each dialect spells
// them (resources.*_workers in v1, roles.<r>.workers in v2), with the
// path a finding about it points at.
type workerCounts interface {
	disaggregated() bool
	workers(mode string) (n int, set bool, path string)
	engine() string // sglang, trtllm, vllm, ...
}

type v1Workers struct{ v *validator }

func (w v1Workers) disaggregated() bool {
	return w.v.d.Has("resources.prefill_nodes") || w.v.d.Has("resources.decode_nodes")
}

func (w v1Workers) workers(mode string) (int, bool, string) {
	key := map[string]string{PhasePrefill: "prefill_workers", PhaseDecode: "decode_workers", PhaseAggregated: "agg_workers"}[mode]
	p := "resources." + key
	n, ok := marshmallowInt(w.v.d.node(p))
	return n, ok, p
}

func (w v1Workers) engine() string {
	if t := w.v.d.str("backend.type"); t != "" {
		return t
	}
	return "sglang"
}

// profilingRules applies _validate_profiling (1.0.x; 2.x keeps its texts):
// only the first failing rule is reported, as srtctl raises it. It returns
// false when a rule failed.
func (v *validator) profilingRules(dia Dialect, wc workerCounts) bool {
	typ := v.d.str("profiling.type")
	if typ == "" || typ == "none" || v.placeholder(v.d.node("profiling.type")) {
		return true
	}
	fail := func(path, msg string) bool {
		v.add(Error, path, msg)
		return false
	}
	eng := wc.engine()
	if typ == "torch" && eng == "trtllm" {
		return fail("profiling.type", "torch profiling is not supported for the trtllm backend; use nsys instead")
	}
	if dia == DialectV2 && (typ == "nsys" || typ == "nsys-time") && !v.v2NsysOptions() {
		return false
	}
	if typ == "nsys-time" {
		if !v.present("profiling.delay_secs") || !v.present("profiling.duration_secs") {
			return fail("profiling.type", "profiling.delay_secs and profiling.duration_secs are required for nsys-time mode")
		}
		return true
	}
	if wc.disaggregated() {
		if v.d.Has("profiling.aggregated") {
			return fail("profiling.aggregated", "Disaggregated mode only supports profiling.prefill/decode; profiling.aggregated is not allowed.")
		}
		if !v.present("profiling.prefill") || !v.present("profiling.decode") {
			return fail("profiling", "Disaggregated mode requires both profiling.prefill and profiling.decode to be set when profiling is enabled.")
		}
		for _, m := range []string{PhasePrefill, PhaseDecode} {
			if n, set, p := wc.workers(m); !set || n <= 0 {
				return fail(p, "Disaggregated mode requires prefill_workers and decode_workers to be > 0.")
			}
		}
	} else {
		if v.d.Has("profiling.prefill") || v.d.Has("profiling.decode") {
			p := "profiling.prefill"
			if !v.d.Has(p) {
				p = "profiling.decode"
			}
			return fail(p, "Aggregated mode only supports profiling.aggregated; profiling.prefill/decode are not allowed.")
		}
		if !v.present("profiling.aggregated") {
			return fail("profiling", "Aggregated mode requires profiling.aggregated to be set when profiling is enabled.")
		}
		if n, set, p := wc.workers(PhaseAggregated); !set || n <= 0 {
			return fail(p, "Aggregated mode requires agg_workers to be > 0.")
		}
	}
	if w2, ok := wc.(v2Workers); ok && typ == "nsys" && !v.v2Selectors(w2) {
		return false
	}
	if typ == "nsys" && eng == "vllm" {
		if path, msg := v.vllmProfilerConfig(dia); msg != "" {
			return fail(path, msg)
		}
	}
	return true
}

// vllmProfilerConfig finds a profiler-config key srtctl derives itself.
func (v *validator) vllmProfilerConfig(dia Dialect) (string, string) {
	for _, mode := range []string{PhasePrefill, PhaseDecode, PhaseAggregated} {
		base := "backend.vllm_config." + mode
		if dia == DialectV2 {
			base = "roles." + roleOf(mode) + ".args"
		}
		m := v.d.node(base)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		var keys []string
		first := ""
		for i := 0; i+1 < len(m.Content); i += 2 {
			k := m.Content[i].Value
			if strings.HasPrefix(strings.ReplaceAll(k, "_", "-"), "profiler-config") {
				keys = append(keys, pyRepr(k))
				if first == "" {
					first = base + "." + k
				}
			}
		}
		if len(keys) > 0 {
			return first, fmt.Sprintf("vllm_config.%s sets [%s], but profiler-config.* is derived automatically from the profiling: block when nsys profiling is enabled. Remove these keys.", mode, strings.Join(keys, ", "))
		}
	}
	return "", ""
}

// Benchmarks, as srtctl 1.0.x registers them, and the ones whose runner
// calls the profiling start hook.
var (
	srtctlBenchmarks    = []string{"custom", "gpqa", "gsm8k", "lm-eval", "longbenchv2", "mmlu", "mooncake-router", "router", "sa-bench", "sglang-bench", "trace-replay"}
	profilingBenchmarks = []string{"sa-bench", "sglang-bench", "trace-replay"}
)

// ProfilingBenchmarks are the benchmarks that send profiling traffic (the
// form offers only these while profiling).
func ProfilingBenchmarks() []string { return append([]string(nil), profilingBenchmarks...) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// profilingTraps are what srtctl loads and the job then fails on, or
// silently profiles nothing with. Each says what the job would do.
func (v *validator) profilingTraps(wc workerCounts) {
	typ := v.d.str("profiling.type")
	if typ == "" || typ == "none" || v.placeholder(v.d.node("profiling.type")) {
		return
	}
	known := []string{"torch", "nsys", "nsys-time"}
	if !contains(known, typ) {
		v.precheck(Error, "profiling.type", fmt.Sprintf("profiling.type %s is not one srtctl runs (torch, nsys or nsys-time): srtctl loads it, then the job prints \"Warning: Unsupported PROFILE_TYPE='%s'. Expected 'nsys' or 'torch'. Skipping profiling.\" and writes no trace%s",
			pyRepr(typ), typ, didYouMean(nearestFold(typ, known))))
		return
	}
	bt := v.d.str("benchmark.type")
	btPath := "benchmark.type"
	if bt == "" {
		btPath = "profiling.type"
		if v.d.Has("benchmark") {
			btPath = "benchmark"
		}
	}
	if v.placeholder(v.d.node("benchmark.type")) {
		bt = "?"
	}
	timed := typ == "nsys-time"
	switch {
	case bt == "?":
	case bt == "" || bt == "manual":
		what := "benchmark.type is manual"
		if bt == "" {
			what = "benchmark.type is not set, so srtctl runs the manual benchmark"
		}
		if timed {
			v.precheck(Warning, btPath, what+": nothing sends traffic, so the nsys-time capture records idle workers; the job then waits for scancel or its time limit")
		} else {
			v.precheck(Error, btPath, what+": with profiling on, nothing ever starts a capture, so no trace is written and the job holds its GPUs until its time limit; use sa-bench, sglang-bench or trace-replay")
		}
	case !contains(srtctlBenchmarks, bt):
		// reported by benchmarkTraps
	case !contains(profilingBenchmarks, bt) && !timed:
		v.precheck(Error, btPath, fmt.Sprintf("benchmark.type %s sends no profiling traffic (it never calls the profiler's start hook): %s profiling writes no trace; use sa-bench, sglang-bench or trace-replay, or nsys-time, which needs no hook", bt, typ))
	}
	if ft := v.d.str("frontend.type"); (ft == "vllm" || ft == "trtllm_serve") && !timed && contains(profilingBenchmarks, bt) {
		v.precheck(Error, "frontend.type", fmt.Sprintf("frontend.type %s cannot start profiling: the benchmark prints \"Error: unsupported SRTCTL_FRONTEND_TYPE='%s' (expected 'dynamo' or 'sglang')\" and exits before any traffic; use frontend.type dynamo or sglang", ft, ft))
	}
	if timed {
		v.nsysTimeWindow()
		return
	}
	modes := []string{PhaseAggregated}
	if wc.disaggregated() {
		modes = []string{PhasePrefill, PhaseDecode}
	}
	empty := 0
	var emptyPaths []string
	for _, m := range modes {
		if ok, path := v.stepWindow("profiling." + m); !ok {
			empty++
			emptyPaths = append(emptyPaths, path)
		}
	}
	if empty == len(modes) && empty > 0 {
		for i := range v.out {
			for _, p := range emptyPaths {
				if v.out[i].Path == p && v.out[i].Precheck && strings.Contains(v.out[i].Message, "writes no trace") {
					v.out[i].Severity = Error
					v.out[i].Message += " (no phase has a window: the job produces no trace at all)"
				}
			}
		}
	}
}

// nearestFold is nearest, ignoring case (NSYS is a typo of nsys).
func nearestFold(word string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, word) {
			return k
		}
	}
	return nearest(strings.ToLower(word), known)
}

// stepWindow checks one phase's steps; ok is false when the phase writes
// no trace (path is where that was reported).
func (v *validator) stepWindow(base string) (ok bool, path string) {
	n := v.d.node(base)
	if n == nil || n.Kind != yaml.MappingNode {
		return true, ""
	}
	startN, stopN := v.d.node(base+".start_step"), v.d.node(base+".stop_step")
	for _, sn := range []struct {
		p string
		n *yaml.Node
	}{{base + ".start_step", startN}, {base + ".stop_step", stopN}} {
		if isFraction(sn.n) {
			x, _ := marshmallowInt(sn.n)
			v.precheck(Warning, sn.p, fmt.Sprintf("%s is %s: srtctl truncates it to %d without a word; write a whole number", sn.p, sn.n.Value, x))
		}
	}
	if (startN == nil || isNull(startN)) && (stopN == nil || isNull(stopN)) {
		if w := v.warmup(); w != "" {
			v.precheck(Warning, base, fmt.Sprintf("%s has no start_step or stop_step: the job uses the default window 0..50 from the start request, which lands on the benchmark's warmup (%s)", base, w))
		}
		return true, ""
	}
	if v.placeholder(startN) || v.placeholder(stopN) {
		return true, ""
	}
	start, okS := marshmallowInt(startN)
	stop, okE := marshmallowInt(stopN)
	if startN == nil || isNull(startN) {
		start, okS = DefaultStartStep, true
	}
	if stopN == nil || isNull(stopN) {
		stop, okE = DefaultStopStep, true
	}
	if !okS || !okE {
		return true, ""
	}
	if stop <= start {
		p := base + ".stop_step"
		if !v.d.Has(p) {
			p = base + ".start_step"
		}
		v.precheck(Warning, p, fmt.Sprintf("%s: start_step %d is not before stop_step %d: this phase writes no trace (the job prints \"Warning: invalid step range for <ip>:<port>: start=%d stop=%d, skipping\")", base, start, stop, start, stop))
		return false, p
	}
	return true, ""
}

// warmup says how the benchmark warms up before the start request's step
// window counts ("" when it sends no warmup): sa-bench's warmup requests
// (num_warmup_mult, 2 by default; 0 disables it) and trace-replay's own
// five requests come after the start hook.
func (v *validator) warmup() string {
	switch v.d.str("benchmark.type") {
	case "sa-bench":
		if m, ok := marshmallowInt(v.d.node("benchmark.num_warmup_mult")); ok && m == 0 {
			return ""
		}
		return "sa-bench's warmup requests count toward the steps"
	case "trace-replay":
		return "trace-replay's 5 warmup requests count toward the steps"
	}
	return ""
}

// nsysTimeWindow: the capture is counted from worker launch, and srtctl's
// own comment says benchmark_duration_secs must cover delay + duration.
func (v *validator) nsysTimeWindow() {
	d, okD := marshmallowInt(v.d.node("profiling.delay_secs"))
	t, okT := marshmallowInt(v.d.node("profiling.duration_secs"))
	if !okD || !okT {
		return
	}
	b := 300
	if x, ok := marshmallowInt(v.d.node("profiling.benchmark_duration_secs")); ok {
		b = x
	}
	if d+t > b {
		v.precheck(Warning, "profiling.duration_secs", fmt.Sprintf("nsys-time captures from %ds to %ds after the workers start, past benchmark_duration_secs %d: the capture may outlast the traffic and record idle workers (or end with the job before it is written); shorten delay_secs + duration_secs", d, d+t, b))
	}
}

// benchmarkTraps are the benchmark settings srtctl checks only in the job,
// after the workers are healthy (so a mistake costs the whole start-up).
func (v *validator) benchmarkTraps() {
	bt := v.d.str("benchmark.type")
	if bt == "" || v.placeholder(v.d.node("benchmark.type")) {
		return
	}
	missing := func(key, msg string) {
		if n := v.d.node("benchmark." + key); n == nil || isNull(n) {
			v.precheck(Error, "benchmark."+key, fmt.Sprintf("%s: srtctl loads the file, then the job stops with \"Config error: %s\" once the workers are up", "benchmark."+key+" is not set", msg))
		}
	}
	switch bt {
	case "sa-bench":
		if v.d.str("benchmark.dataset_name") != "custom" {
			missing("isl", "benchmark.isl is required for sa-bench (when dataset_name is not 'custom')")
			missing("osl", "benchmark.osl is required for sa-bench (when dataset_name is not 'custom')")
		} else {
			missing("dataset_path", "benchmark.dataset_path is required when dataset_name='custom'")
		}
		missing("concurrencies", "benchmark.concurrencies is required for sa-bench")
	case "sglang-bench":
		missing("isl", "benchmark.isl is required for sglang-bench")
		missing("osl", "benchmark.osl is required for sglang-bench")
		missing("concurrencies", "benchmark.concurrencies is required for sglang-bench")
	case "trace-replay":
		missing("trace_file", "benchmark.trace_file is required for trace-replay")
		missing("concurrencies", "benchmark.concurrencies is required for trace-replay")
	case "manual":
		// The default, and not a runner: the job serves until it is
		// cancelled (the profiling rules say what that means for a trace).
	default:
		if !contains(srtctlBenchmarks, bt) {
			// A warning, not an error: the corpus carries a real upstream recipe
			// with such a type, and what the job does with it is only read from
			// the source (the benchmark registry), not run.
			v.precheck(Warning, "benchmark.type", fmt.Sprintf("benchmark.type %s is not a benchmark srtctl has: it loads, then the job fails with \"Unknown benchmark type: %s. Available: %s\"%s",
				pyRepr(bt), bt, strings.Join(srtctlBenchmarks, ", "), didYouMean(nearest(bt, srtctlBenchmarks))))
		}
	}
}
