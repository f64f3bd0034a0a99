package jobspec

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The 2.x schema as far as the reference vouches for it: the top level,
// roles and profiling are typed; other sections are left free (2.x keeps
// most of 1.0.x's, but the reference cannot confirm each field), so
// nothing there is reported wrongly.
var (
	v2PhaseSchema = sec("start_step stop_step capture_scope worker_index worker_rank", nil)

	v2ProfilingSchema = sec(v1ProfilingFields+" nsys_trace trace_fork_before_exec capture_range_end nsys_library_paths", map[string]*keySchema{
		PhasePrefill: v2PhaseSchema, PhaseDecode: v2PhaseSchema, PhaseAggregated: v2PhaseSchema,
	})

	v2RoleSchema = sec("nodes workers gpus env args extra_args srun_options engine container kv_events sidecar critical", nil)

	v2Job = sec("schema engine services host_setup post_eval name model resources slurm frontend dynamo benchmark output health_check observability telemetry environment container_mounts extra_mount srun_options sbatch_directives enable_config_dump setup_script identity reporting",
		map[string]*keySchema{"profiling": v2ProfilingSchema, "roles": sec("prefill decode agg", map[string]*keySchema{
			"prefill": v2RoleSchema, "decode": v2RoleSchema, "agg": v2RoleSchema})})

	// v2Roles are 2.x's role names, in the order its messages list them.
	v2Roles = []string{"prefill", "decode", "agg"}
)

// roleOf is the 2.x role of a profiling phase (aggregated -> agg).
func roleOf(phase string) string {
	if phase == PhaseAggregated {
		return "agg"
	}
	return phase
}

const migrateHint = "run `srtctl migrate -f <recipe> --in-place` to rewrite it (docs/legacy-v1.md maps every key)"

// v2 applies srtctl 2.x's checks: the schema gate, the fields, the
// profiling rules with the capture selectors, then the traps.
func (v *validator) v2() {
	if !v.v2Gate() {
		return
	}
	job := v.jobRoot()
	n := len(v.out)
	prefix := ""
	if job != v.d.root {
		prefix = "base"
	}
	// 2.x's JSON Schema has additionalProperties: false everywhere; its
	// exact wording for an unknown key is not confirmed, so this keeps
	// 1.0.x's `Unknown field.` (2.x still loads through marshmallow).
	for _, u := range unknownKeys(prefix, job, v2Job) {
		if prefix == "" && strippedTop(u.key.Value) || v2GateKey(u.path) {
			continue
		}
		if parts := strings.Split(strings.TrimPrefix(u.path, "base."), "."); len(parts) == 2 && parts[0] == "roles" {
			// Wording confirmed only for early 2.0 (f880deaf).
			v.fieldError(u.path, u.key, fmt.Sprintf("unknown role %s; valid roles are prefill, decode, agg", pyRepr(u.key.Value)), didYouMean(u.suggest))
			continue
		}
		hint := didYouMean(u.suggest)
		if trafficUnderProfiling(u.path) {
			hint = fmt.Sprintf(" (%s keeps the profiling traffic in the benchmark: set benchmark.%s)", DialectV2.Title(), benchmarkTrafficKey(u.key.Value))
		}
		v.fieldError(u.path, u.key, "Unknown field.", hint)
	}
	for _, ph := range []string{PhasePrefill, PhaseDecode, PhaseAggregated} {
		p := joinPath(prefix, "profiling."+ph)
		if n := v.d.node(p); n != nil && !isNull(n) && n.Kind != yaml.MappingNode {
			v.fieldError(p+"._schema", n, "Invalid input type.", "")
			continue
		}
		for _, k := range []string{"start_step", "stop_step", "worker_index", "worker_rank"} {
			v.v1Int(p + "." + k)
		}
	}
	for _, k := range []string{"delay_secs", "duration_secs", "benchmark_duration_secs"} {
		v.v1Int(joinPath(prefix, "profiling."+k))
	}
	if len(v.out) != n || v.isOverrideFile() {
		return
	}
	wc := v2Workers{v: v}
	if v.profilingRules(DialectV2, wc) {
		v.profilingTraps(wc)
	}
	v.observabilityNsys()
	v.benchmarkTraps()
}

// v2Gate is require_current_schema: it runs before the recipe is loaded,
// so srtctl prints its messages without "Invalid config in <path>: ". It
// returns false when the file cannot load at all.
func (v *validator) v2Gate() bool {
	k, val := mapGet(v.d.root, "schema")
	if k == nil {
		v.gateError(Error, "", nil, "recipe has no `schema:` key, which marks the pre-2.0 layout; schema 1 recipes no longer load. Declare `schema: 2` or "+migrateHint)
		return false
	}
	val = deref(val)
	if val == nil || val.Kind != yaml.ScalarNode || pyScalarKind(val) != "int" || pyIntValue(val.Value) != "2" {
		v.gateError(Error, "schema", val, fmt.Sprintf("schema %s is not supported; this srtctl loads schema 2 only. For an older recipe, %s", pyValueRepr(val), migrateHint))
		return false
	}
	keys, first := v.v2LegacyKeys()
	if len(keys) > 0 {
		// The first 2.0 releases still loaded these (legacy-v1.md at
		// 17c4ece9: "Every field below still loads"); settled 2.x refuses
		// them. Which one the cluster runs is not known offline: a warning.
		v.gateError(Warning, first, nil, "recipe uses the pre-2.0 (v1) layout: "+strings.Join(keys, ", ")+". These keys no longer load; "+migrateHint)
	}
	return true
}

// gateError records a gate finding: srtctl prints it bare (no prefix).
func (v *validator) gateError(sev Severity, path string, at *yaml.Node, msg string) {
	f := Finding{Severity: sev, Path: path, Message: msg, gate: true}
	switch {
	case at != nil:
		f.Line, f.Col = at.Line, at.Column
	case path != "":
		f.Line, f.Col = v.d.Position(path)
	default:
		f.Line, f.Col = 1, 1
	}
	v.out = append(v.out, f)
}

// v2LegacyPaths are the v1 keys 2.x names, in its order.
func v2LegacyPaths() []string {
	out := []string{"backend", "infra"}
	for _, r := range v2Roles {
		out = append(out, "resources."+r+"_nodes", "resources."+r+"_workers", "resources.gpus_per_"+r, "resources."+r+"_critical")
	}
	return append(out, "frontend.orchestrator_placement", "frontend.dedicated_node", "benchmark.client_placement",
		"benchmark.client_dedicated_node", "dynamo.version", "dynamo.hash", "dynamo.wheel", "dynamo.cargo_patches")
}

func v2GateKey(path string) bool {
	path = strings.TrimPrefix(path, "base.")
	for _, p := range v2LegacyPaths() {
		if p == path {
			return true
		}
	}
	return false
}

func (v *validator) v2LegacyKeys() (keys []string, first string) {
	line := 0
	for _, p := range v2LegacyPaths() {
		if v.d.Has(p) {
			keys = append(keys, p)
			if l, _ := v.d.Position(p); first == "" || l < line {
				first, line = p, l
			}
		}
	}
	return keys, first
}

// pyValueRepr is Python's repr of a YAML scalar as PyYAML loads it.
func pyValueRepr(n *yaml.Node) string {
	if n == nil || isNull(n) {
		return "None"
	}
	if n.Kind != yaml.ScalarNode {
		return "<" + pyTypeName(n) + ">"
	}
	switch pyScalarKind(n) {
	case "bool":
		if pyBoolValue(n.Value) == "true" {
			return "True"
		}
		return "False"
	case "int":
		return pyIntValue(n.Value)
	case "float":
		return n.Value
	}
	return pyRepr(n.Value)
}

// v2Workers reads roles (falling back to the v1 names an early 2.0 file
// still uses).
type v2Workers struct{ v *validator }

func (w v2Workers) disaggregated() bool {
	return w.v.d.Has("roles.prefill") || w.v.d.Has("roles.decode") || v1Workers(w).disaggregated()
}

func (w v2Workers) workers(mode string) (int, bool, string) {
	r := roleOf(mode)
	if !w.v.d.Has("roles." + r) {
		return v1Workers(w).workers(mode)
	}
	p := "roles." + r + ".workers"
	if !w.v.d.Has(p) {
		// A role without workers: is one worker (the reference gives
		// gpus' default as nodes x gpus_per_node / workers; that workers
		// itself defaults to 1 is not confirmed).
		return 1, true, "roles." + r
	}
	n, ok := marshmallowInt(w.v.d.node(p))
	return n, ok, p
}

func (w v2Workers) engine() string {
	if t := w.v.d.str("engine"); t != "" {
		return t
	}
	if t := w.v.d.str("engine.type"); t != "" {
		return t
	}
	for _, r := range v2Roles {
		if t := w.v.d.str("roles." + r + ".engine"); t != "" {
			return t
		}
		if t := w.v.d.str("roles." + r + ".engine.type"); t != "" {
			return t
		}
	}
	return v1Workers(w).engine()
}

// ranks is the number of physical processes one worker of the role runs,
// ok false when the layout does not say. How 2.x counts them is read from
// the docs, not run (unconfirmed): SGLang and vLLM per_node run one
// process per node of the worker, TRT-LLM and vLLM per_gpu one per GPU.
func (w v2Workers) ranks(mode string) (int, bool) {
	r := "roles." + roleOf(mode)
	gpn := 4
	if x, ok := marshmallowInt(w.v.d.node("resources.gpus_per_node")); ok && x > 0 {
		gpn = x
	}
	workers, ok, _ := w.workers(mode)
	if !ok || workers <= 0 {
		return 0, false
	}
	gpus, okG := marshmallowInt(w.v.d.node(r + ".gpus"))
	if !okG {
		nodes, okN := marshmallowInt(w.v.d.node(r + ".nodes"))
		if !okN || nodes <= 0 {
			return 0, false
		}
		gpus = nodes * gpn / workers
	}
	if gpus <= 0 {
		return 0, false
	}
	eng := w.engine()
	perGPU := eng == "trtllm" || eng == "vllm" && w.v.d.str("engine.dp_launch_mode") == "per_gpu"
	if perGPU {
		return gpus, true
	}
	return (gpus + gpn - 1) / gpn, true
}

// v2NsysOptions: the nsys fields 2.x adds must not be empty.
func (v *validator) v2NsysOptions() bool {
	for _, k := range []string{"nsys_trace", "capture_range_end"} {
		p := "profiling." + k
		if n := v.d.node(p); n != nil && n.Kind == yaml.ScalarNode && strings.TrimSpace(n.Value) == "" {
			v.add(Error, p, p+" must not be empty")
			return false
		}
	}
	if n := v.d.node("profiling.nsys_library_paths"); n != nil && n.Kind == yaml.SequenceNode {
		for i, c := range n.Content {
			if c = deref(c); c.Kind == yaml.ScalarNode && strings.TrimSpace(c.Value) == "" {
				v.add(Error, "profiling.nsys_library_paths."+strconv.Itoa(i), "profiling.nsys_library_paths must not contain empty paths")
				return false
			}
		}
	}
	return true
}

// v2Selectors checks capture_scope, worker_index and worker_rank of every
// phase against the roles' workers and ranks (type nsys only).
func (v *validator) v2Selectors(wc v2Workers) bool {
	modes := []string{PhaseAggregated}
	if wc.disaggregated() {
		modes = []string{PhasePrefill, PhaseDecode}
	}
	for _, m := range modes {
		base := "profiling." + m
		scope := "all"
		if s := v.d.str(base + ".capture_scope"); s != "" {
			scope = s
		}
		if scope != "selected" && scope != "all" {
			v.add(Error, base+".capture_scope", base+".capture_scope must be 'selected' or 'all'"+didYouMean(nearest(scope, []string{"selected", "all"})))
			return false
		}
		if wc.engine() == "trtllm" {
			continue // TRT-LLM captures endpoint-wide; 2.x checks nothing more
		}
		idx, okI := marshmallowInt(v.d.node(base + ".worker_index"))
		rank, okR := marshmallowInt(v.d.node(base + ".worker_rank"))
		if scope == "all" {
			if okI && idx != 0 || okR && rank != 0 {
				v.add(Warning, base+".capture_scope", fmt.Sprintf("%s.capture_scope='all' ignores worker_index=%d and worker_rank=%d; all workers remain selected. Set capture_scope='selected' to use these selectors.", base, idx, rank))
			}
			continue
		}
		if idx < 0 {
			v.add(Error, base+".worker_index", base+".worker_index must be non-negative")
			return false
		}
		if n, ok, _ := wc.workers(m); ok && idx >= n {
			v.add(Error, base+".worker_index", fmt.Sprintf("%s.worker_index=%d is out of range for %d configured workers", base, idx, n))
			return false
		}
		if rank < 0 {
			v.add(Error, base+".worker_rank", base+".worker_rank must be non-negative")
			return false
		}
		if n, ok := wc.ranks(m); ok && rank >= n {
			valid := make([]string, n)
			for i := range valid {
				valid[i] = strconv.Itoa(i)
			}
			// The list's exact format in 2.x's message is not confirmed.
			v.add(Error, base+".worker_rank", fmt.Sprintf("%s.worker_rank=%d is not a physical process rank for this worker layout; valid ranks: %s", base, rank, strings.Join(valid, ", ")))
			return false
		}
		if rank != 0 && v.d.str("frontend.type") == "vllm" {
			v.add(Error, base+".worker_rank", fmt.Sprintf("%s.worker_rank=%d has no independent control endpoint; direct vLLM and Dynamo sidecar profiling must select rank 0", base, rank))
			return false
		}
	}
	return true
}

// observabilityNsys applies 2.x's observability.nsys load errors.
func (v *validator) observabilityNsys() {
	if v.d.node("observability.nsys") == nil {
		return
	}
	cw := v.d.str("observability.nsys.capture_window")
	if cw != "" && cw != "measured_workload" && cw != "including_startup" {
		v.add(Error, "observability.nsys.capture_window", "observability.nsys.capture_window must be measured_workload or including_startup")
		return
	}
	if n := v.d.node("observability.nsys.report_timeout_secs"); n != nil {
		if x, ok := marshmallowInt(n); ok && x <= 0 {
			v.add(Error, "observability.nsys.report_timeout_secs", "observability.nsys.report_timeout_secs must be positive")
			return
		}
	}
	bt := v.d.str("benchmark.type")
	if bt == "" {
		bt = "manual"
	}
	hooks := []string{"sa-bench", "sglang-bench", "trace-replay", "mooncake-router", "custom", "manual"}
	if (cw == "" || cw == "measured_workload") && v.d.str("observability.enabled") == "true" && !contains(hooks, bt) {
		v.add(Error, "benchmark.type", fmt.Sprintf("observability.nsys.capture_window: measured_workload has no warmup hooks for benchmark.type: %s; use capture_window: including_startup, disable observability.nsys, or use a custom client with start/stop hooks", bt))
	}
}
