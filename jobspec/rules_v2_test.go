package jobspec

import (
	"strings"
	"testing"
)

// v2Rules: 2.x's gate, fields, profiling rules and selector bounds
// (reference §2.1, §2.3). Messages the reference marks unconfirmed are
// this tool's wording (see the comments in rules_v2.go).
var v2Rules = []ruleCase{
	{name: "no schema key", src: v1Base, dialect: DialectV2, sev: Error, line: 1, col: 1,
		msg: "recipe has no `schema:` key, which marks the pre-2.0 layout; schema 1 recipes no longer load. Declare `schema: 2` or run `srtctl migrate -f <recipe> --in-place` to rewrite it (docs/legacy-v1.md maps every key)"},
	{name: "schema as text", src: v2Base, old: "schema: 2", new: `schema: "2"`, sev: Error, line: 1, col: 9,
		msg: "schema '2' is not supported; this srtctl loads schema 2 only. For an older recipe, run `srtctl migrate -f <recipe> --in-place` to rewrite it (docs/legacy-v1.md maps every key)"},
	{name: "schema true", src: v2Base, old: "schema: 2", new: `schema: true`, sev: Error, line: 1, col: 9,
		msg: "schema True is not supported; this srtctl loads schema 2 only. For an older recipe, run `srtctl migrate -f <recipe> --in-place` to rewrite it (docs/legacy-v1.md maps every key)"},
	{name: "v1 keys under schema 2", src: v2Base + "backend:\n  type: sglang\n", old: "  gpus_per_node: 4\n", new: "  gpus_per_node: 4\n  agg_nodes: 1\n", sev: Warning, line: 10, col: 14,
		msg: "recipe uses the pre-2.0 (v1) layout: backend, resources.agg_nodes. These keys no longer load; run `srtctl migrate -f <recipe> --in-place` to rewrite it (docs/legacy-v1.md maps every key)"},
	{name: "unknown role", src: v2Base, old: "  decode:\n    nodes", new: "  decod:\n    nodes", sev: Error, line: 15, col: 3,
		msg: "roles.decod: unknown role 'decod'; valid roles are prefill, decode, agg (did you mean roles.decode?)"},
	{name: "P3 traffic key", src: v2Base, old: "  type: \"nsys\"\n", new: "  type: \"nsys\"\n  concurrency: 4\n", sev: Error, line: 20, col: 3,
		msg: "profiling.concurrency: Unknown field. (srtctl 2.x keeps the profiling traffic in the benchmark: set benchmark.concurrencies)"},
	{name: "selector typo", src: v2Base, old: "    worker_rank: 1\n", new: "    worker_rnk: 1\n", sev: Error, line: 25, col: 5,
		msg: "profiling.prefill.worker_rnk: Unknown field. (did you mean profiling.prefill.worker_rank?)"},
	{name: "empty nsys_trace", src: v2Base, old: "  type: \"nsys\"\n", new: "  type: \"nsys\"\n  nsys_trace: \"\"\n", sev: Error, line: 20, col: 15,
		msg: "profiling.nsys_trace must not be empty"},
	{name: "disaggregated with aggregated", src: v2Base, old: "benchmark:\n", new: "  aggregated:\n    start_step: 1\nbenchmark:\n", sev: Error, line: 29, col: 3,
		msg: "Disaggregated mode only supports profiling.prefill/decode; profiling.aggregated is not allowed."},
	{name: "zero workers (1.0.x's name in the message)", src: v2Base, old: "    workers: 1\n", new: "    workers: 0\n", sev: Error, line: 17, col: 14,
		msg: "Disaggregated mode requires prefill_workers and decode_workers to be > 0."},
	{name: "capture scope", src: v2Base, old: "capture_scope: selected", new: "capture_scope: some", sev: Error, line: 23, col: 20,
		msg: "profiling.prefill.capture_scope must be 'selected' or 'all'"},
	{name: "selectors ignored under all", src: v2Base, old: "capture_scope: selected", new: "capture_scope: all", sev: Warning, line: 23, col: 20,
		msg: "profiling.prefill.capture_scope='all' ignores worker_index=1 and worker_rank=1; all workers remain selected. Set capture_scope='selected' to use these selectors."},
	{name: "negative worker index", src: v2Base, old: "worker_index: 1", new: "worker_index: -1", sev: Error, line: 24, col: 19,
		msg: "profiling.prefill.worker_index must be non-negative"},
	{name: "worker index past the workers", src: v2Base, old: "worker_index: 1", new: "worker_index: 2", sev: Error, line: 24, col: 19,
		msg: "profiling.prefill.worker_index=2 is out of range for 2 configured workers"},
	{name: "negative worker rank", src: v2Base, old: "worker_rank: 1", new: "worker_rank: -2", sev: Error, line: 25, col: 18,
		msg: "profiling.prefill.worker_rank must be non-negative"},
	{name: "worker rank past the layout", src: v2Base, old: "worker_rank: 1", new: "worker_rank: 2", sev: Error, line: 25, col: 18,
		msg: "profiling.prefill.worker_rank=2 is not a physical process rank for this worker layout; valid ranks: 0, 1"},
	{name: "direct vLLM rank", src: v2Base + "frontend:\n  type: vllm\n", old: "engine: sglang", new: "engine: vllm", sev: Error, line: 25, col: 18,
		msg: "profiling.prefill.worker_rank=1 has no independent control endpoint; direct vLLM and Dynamo sidecar profiling must select rank 0"},
	{name: "manual benchmark trap", src: v2Base, old: `type: "sa-bench"`, new: `type: "manual"`, sev: Error, line: 30, col: 9,
		msg: "benchmark.type is manual: with profiling on, nothing ever starts a capture, so no trace is written and the job holds its GPUs until its time limit; use sa-bench, sglang-bench or trace-replay"},
}

func TestV2Rules(t *testing.T) { runRuleCases(t, v2Rules) }

func TestV2BaseClean(t *testing.T) {
	d := mustParse(t, v2Base)
	if det := d.Detect(""); det.Dialect != DialectV2 {
		t.Fatalf("detected %+v", det)
	}
	if fs := d.Validate(); len(fs) != 0 {
		t.Errorf("findings on a valid 2.x file: %v", fs)
	}
	// The gate is printed bare, without "Invalid config in F: ".
	d = mustParse(t, strings.Replace(v2Base, "schema: 2", "schema: 1", 1))
	if msg, prefixed := d.SrtctlVerdict(DialectV2); prefixed || !strings.HasPrefix(msg, "schema 1 is not supported") {
		t.Errorf("gate verdict %q prefixed=%v", msg, prefixed)
	}
}
