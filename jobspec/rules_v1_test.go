package jobspec

import (
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// v1Base is the 2x2 sa-bench job; v1Agg an aggregated 1.0.x job. Each
// case edits one spot, so lines of the base stay where the cases say.
const (
	v1Base = jobspectest.ValidV1Disagg2x2
	v1Agg  = jobspectest.ValidV1Agg
	v2Base = jobspectest.ValidV2Disagg
)

const trafficHint = " (srtctl 1.0.x keeps the profiling traffic in the benchmark: set benchmark."

// v1Rules: one case per load-time rule of srtctl 1.0.68 (reference §1.2,
// §1.3), with srtctl's message and where it points.
var v1Rules = []ruleCase{
	// marshmallow field errors
	{name: "P3 traffic key", src: v1Base, old: "  type: \"torch\"\n", new: "  type: \"torch\"\n  isl: 1024\n", dialect: DialectV1, sev: Error, line: 15, col: 3,
		msg: "profiling.isl: Unknown field." + trafficHint + "isl)"},
	{name: "P1 traffic key", src: v1Base, old: "  decode:\n    start_step: 10\n", new: "  decode:\n    concurrency: 8\n    start_step: 10\n", dialect: DialectV1, sev: Error, line: 19, col: 5,
		msg: "profiling.decode.concurrency: Unknown field." + trafficHint + "concurrencies)"},
	{name: "typo", src: v1Base, old: "  decode:\n    start", new: "  decod:\n    start", sev: Error, line: 18, col: 3,
		msg: "profiling.decod: Unknown field. (did you mean profiling.decode?)"},
	{name: "typo at top", src: v1Base, old: "benchmark:", new: "benchmarks:", sev: Error, line: 21, col: 1,
		msg: "benchmarks: Unknown field. (did you mean benchmark?)"},
	{name: "not an integer", src: v1Base, old: "    start_step: 10\n    stop_step: 20\n  decode", new: "    start_step: \"abc\"\n    stop_step: 20\n  decode", sev: Error, line: 16, col: 17,
		msg: "profiling.prefill.start_step: Not a valid integer."},
	{name: "boolean is not an integer", src: v1Base, old: "prefill_workers: 2", new: "prefill_workers: true", sev: Error, line: 11, col: 20,
		msg: "resources.prefill_workers: Not a valid integer."},
	{name: "phase not a mapping", src: v1Base, old: "  prefill:\n    start_step: 10\n    stop_step: 20\n", new: "  prefill: 10\n", sev: Error, line: 15, col: 12,
		msg: "profiling.prefill._schema: Invalid input type."},
	{name: "extra_nsys_args not a list", src: v1Base, old: "  type: \"torch\"\n", new: "  type: \"torch\"\n  extra_nsys_args: \"--sample=none\"\n", sev: Error, line: 15, col: 20,
		msg: "profiling.extra_nsys_args: Not a valid list."},
	{name: "required name", src: v1Base, old: "name: \"t\"\n", new: "", sev: Error, line: 1, col: 1,
		msg: "name: Missing data for required field."},
	{name: "required gpu_type", src: v1Base, old: "  gpu_type: \"gb200\"\n", new: "", sev: Error, line: 6, col: 1,
		msg: "resources.gpu_type: Missing data for required field."},
	{name: "unknown backend type", src: v1Base + "backend:\n  type: sglng\n", sev: Error, line: 27, col: 9,
		msg: "backend.type: Unknown backend type: 'sglng'. Supported types: sglang, trtllm, vllm, mocker (did you mean sglang?)"},
	// SrtConfig._validate_profiling, in its order
	{name: "torch on trtllm", src: v1Base + "backend:\n  type: trtllm\n", sev: Error, line: 14, col: 9,
		msg: "torch profiling is not supported for the trtllm backend; use nsys instead"},
	{name: "nsys-time without delay", src: v1Base, old: `type: "torch"`, new: `type: "nsys-time"`, sev: Error, line: 14, col: 9,
		msg: "profiling.delay_secs and profiling.duration_secs are required for nsys-time mode"},
	{name: "aggregated on disaggregated", src: v1Base, old: "benchmark:\n", new: "  aggregated:\n    start_step: 1\nbenchmark:\n", sev: Error, line: 21, col: 3,
		msg: "Disaggregated mode only supports profiling.prefill/decode; profiling.aggregated is not allowed."},
	{name: "disaggregated without decode", src: v1Base, old: "  decode:\n    start_step: 10\n    stop_step: 20\n", new: "", sev: Error, line: 13, col: 1,
		msg: "Disaggregated mode requires both profiling.prefill and profiling.decode to be set when profiling is enabled."},
	{name: "disaggregated with zero workers", src: v1Base, old: "decode_workers: 2", new: "decode_workers: 0", sev: Error, line: 12, col: 19,
		msg: "Disaggregated mode requires prefill_workers and decode_workers to be > 0."},
	{name: "disaggregated with workers unset", src: v1Base, old: "  prefill_workers: 2\n", new: "", sev: Error, line: 6, col: 1,
		msg: "Disaggregated mode requires prefill_workers and decode_workers to be > 0."},
	{name: "phases on aggregated", src: v1Agg, old: "  aggregated:\n", new: "  decode:\n", sev: Error, line: 15, col: 3,
		msg: "Aggregated mode only supports profiling.aggregated; profiling.prefill/decode are not allowed."},
	{name: "aggregated missing", src: v1Agg, old: "  aggregated:\n    start_step: 10\n    stop_step: 20\n", new: "", sev: Error, line: 13, col: 1,
		msg: "Aggregated mode requires profiling.aggregated to be set when profiling is enabled."},
	{name: "agg_workers absent", src: v1Agg, old: "  agg_workers: 1\n", new: "", sev: Error, line: 6, col: 1,
		msg: "Aggregated mode requires agg_workers to be > 0."},
	{name: "vllm profiler-config", src: v1Agg + "backend:\n  type: vllm\n  vllm_config:\n    aggregated:\n      profiler_config: x\n", sev: Error, line: 27, col: 24,
		msg: "vllm_config.aggregated sets ['profiler_config'], but profiler-config.* is derived automatically from the profiling: block when nsys profiling is enabled. Remove these keys."},
}

// v1Traps: one case per trap srtctl 1.0.x loads and the job then fails on
// (reference §1.4, §1.9), with the message saying what the job would do.
var v1Traps = []ruleCase{
	{name: "manual benchmark", src: v1Base, old: `type: "sa-bench"`, new: `type: "manual"`, sev: Error, line: 22, col: 9,
		msg: "benchmark.type is manual: with profiling on, nothing ever starts a capture, so no trace is written and the job holds its GPUs until its time limit; use sa-bench, sglang-bench or trace-replay"},
	{name: "no benchmark", src: strings.SplitAfter(v1Base, "    stop_step: 20\n")[0] + strings.SplitAfter(v1Base, "    stop_step: 20\n")[1], sev: Error, line: 14, col: 9,
		msg: "benchmark.type is not set, so srtctl runs the manual benchmark: with profiling on, nothing ever starts a capture, so no trace is written and the job holds its GPUs until its time limit; use sa-bench, sglang-bench or trace-replay"},
	{name: "accuracy benchmark", src: v1Base, old: `type: "sa-bench"`, new: `type: "gpqa"`, sev: Error, line: 22, col: 9,
		msg: "benchmark.type gpqa sends no profiling traffic (it never calls the profiler's start hook): torch profiling writes no trace; use sa-bench, sglang-bench or trace-replay, or nsys-time, which needs no hook"},
	{name: "stop before start, one phase", src: v1Base, old: "    start_step: 10\n    stop_step: 20\nbenchmark", new: "    start_step: 30\n    stop_step: 20\nbenchmark", sev: Warning, line: 20, col: 16,
		msg: `profiling.decode: start_step 30 is not before stop_step 20: this phase writes no trace (the job prints "Warning: invalid step range for <ip>:<port>: start=30 stop=20, skipping")`},
	{name: "stop before start, every phase", src: strings.ReplaceAll(v1Base, "start_step: 10", "start_step: 20"), sev: Error, line: 17, col: 16,
		msg: `profiling.prefill: start_step 20 is not before stop_step 20: this phase writes no trace (the job prints "Warning: invalid step range for <ip>:<port>: start=20 stop=20, skipping") (no phase has a window: the job produces no trace at all)`},
	{name: "unknown profiling type", src: v1Base, old: `type: "torch"`, new: `type: "pytorch"`, sev: Error, line: 14, col: 9,
		msg: `profiling.type 'pytorch' is not one srtctl runs (torch, nsys or nsys-time): srtctl loads it, then the job prints "Warning: Unsupported PROFILE_TYPE='pytorch'. Expected 'nsys' or 'torch'. Skipping profiling." and writes no trace (did you mean torch?)`},
	{name: "upper-case profiling type", src: v1Base, old: `type: "torch"`, new: `type: "NSYS"`, sev: Error, line: 14, col: 9,
		msg: `profiling.type 'NSYS' is not one srtctl runs (torch, nsys or nsys-time): srtctl loads it, then the job prints "Warning: Unsupported PROFILE_TYPE='NSYS'. Expected 'nsys' or 'torch'. Skipping profiling." and writes no trace (did you mean nsys?)`},
	{name: "fractional step", src: v1Base, old: "    stop_step: 20\n  decode", new: "    stop_step: 20.7\n  decode", sev: Warning, line: 17, col: 16,
		msg: "profiling.prefill.stop_step is 20.7: srtctl truncates it to 20 without a word; write a whole number"},
	{name: "no steps", src: v1Base, old: "  decode:\n    start_step: 10\n    stop_step: 20\n", new: "  decode: {}\n", sev: Warning, line: 18, col: 11,
		msg: "profiling.decode has no start_step or stop_step: the job uses the default window 0..50 from the start request, which lands on the benchmark's warmup (sa-bench's warmup requests count toward the steps)"},
	{name: "sa-bench without isl", src: v1Base, old: "  isl: 1024\n", new: "", sev: Error, line: 21, col: 1,
		msg: `benchmark.isl is not set: srtctl loads the file, then the job stops with "Config error: benchmark.isl is required for sa-bench (when dataset_name is not 'custom')" once the workers are up`},
	{name: "nsys-time outlasting the traffic", src: v1Base, old: `type: "torch"`, new: "type: \"nsys-time\"\n  delay_secs: 200\n  duration_secs: 200", sev: Warning, line: 16, col: 18,
		msg: "nsys-time captures from 200s to 400s after the workers start, past benchmark_duration_secs 300: the capture may outlast the traffic and record idle workers (or end with the job before it is written); shorten delay_secs + duration_secs"},
	{name: "direct frontend", src: v1Base + "frontend:\n  type: vllm\n", sev: Error, line: 27, col: 9,
		msg: `frontend.type vllm cannot start profiling: the benchmark prints "Error: unsupported SRTCTL_FRONTEND_TYPE='vllm' (expected 'dynamo' or 'sglang')" and exits before any traffic; use frontend.type dynamo or sglang`},
}

func TestV1Rules(t *testing.T) { runRuleCases(t, v1Rules) }
func TestV1Traps(t *testing.T) { runRuleCases(t, v1Traps) }

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.doc(t)
			dia := c.dialect
			if dia == "" {
				dia = d.Dialect()
			}
			fs := d.ValidateAs(dia)
			for _, f := range fs {
				if f.Message == c.msg {
					if f.Severity != c.sev || f.Line != c.line || f.Col != c.col {
						t.Errorf("found at %d:%d as %s, want %d:%d as %s", f.Line, f.Col, f.Severity, c.line, c.col, c.sev)
					}
					return
				}
			}
			t.Errorf("message not found (%s rules):\n  %s\ngot:", dia, c.msg)
			for _, f := range fs {
				t.Errorf("  %s", f)
			}
		})
	}
}

// The 2x2 sa-bench file is v1 (assumed: nothing in it is only 1.0.x's),
// gets no P1 error and no finding at all; only a P1 cluster makes it P1.
func TestTwoByTwoSaBenchIsNotP1(t *testing.T) {
	d := mustParse(t, v1Base)
	det := d.Detect("")
	if det.Dialect != DialectV1 || !det.Assumed || !strings.Contains(det.Reason, "assumed v1") {
		t.Fatalf("detected %+v", det)
	}
	if fs := d.Validate(); len(fs) != 0 {
		t.Errorf("findings on a valid v1 file: %v", fs)
	}
	if got := d.Detect(DialectP1); got.Dialect != DialectP1 || !strings.Contains(got.Reason, "the cluster's srtctl") {
		t.Errorf("with a P1 cluster: %+v", got)
	}
	if got := d.Detect(DialectV2); got.Dialect != DialectV1 {
		t.Errorf("with a 2.x cluster: %+v (a file without schema: is not 2.x)", got)
	}
	if d := mustParse(t, v1Agg); d.Detect(DialectP1).Dialect != DialectV1 {
		t.Errorf("a file with dynamo: follows the cluster")
	}
}

func TestDetectOrder(t *testing.T) {
	for _, c := range []struct {
		src  string
		want Dialect
	}{
		{"schema: 2\nprofiling:\n  isl: 1\n", DialectV2},
		{"name: x\nprofiling:\n  isl: 1\n  prefill:\n    isl: 2\n", DialectP3},
		{"name: x\nprofiling:\n  decode:\n    isl: 2\n", DialectP1},
		{"name: x\nprofiling:\n  type: nsys-time\n", DialectV1},
		{"name: x\nfrontend:\n  type: sglang\n", DialectV1},
		{"", DialectUnknown},
		{"foo: 1\n", DialectUnknown},
	} {
		d, err := Parse("t.yaml", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		if det := d.Detect(""); det.Dialect != c.want || det.Assumed {
			t.Errorf("%q: %+v, want %s", c.src, det, c.want)
		}
	}
	for _, s := range []string{"v2", "v1", "p3", "p1", "unknown", "current"} {
		if _, ok := ParseDialect(s); !ok {
			t.Errorf("--dialect %s refused", s)
		}
	}
}

// srtctl prints its field errors as one dict, and the first rule bare.
func TestSrtctlVerdict(t *testing.T) {
	d := mustParse(t, strings.Replace(v1Base, "  decode:\n    start_step: 10\n", "  decode:\n    isl: 1\n    osl: 2\n    start_step: 10\n", 1))
	msg, prefixed := d.SrtctlVerdict(DialectV1)
	if want := "{'profiling': {'decode': {'isl': ['Unknown field.'], 'osl': ['Unknown field.']}}}"; msg != want || !prefixed {
		t.Errorf("got %q %v, want %q", msg, prefixed, want)
	}
	d = mustParse(t, strings.Replace(v1Base, "decode_workers: 2", "decode_workers: 0", 1))
	if msg, _ := d.SrtctlVerdict(DialectV1); msg != "Disaggregated mode requires prefill_workers and decode_workers to be > 0." {
		t.Errorf("got %q", msg)
	}
	// Traps are ours: srtctl loads the file.
	d = mustParse(t, strings.Replace(v1Base, `type: "sa-bench"`, `type: "manual"`, 1))
	if msg, _ := d.SrtctlVerdict(DialectV1); msg != "" {
		t.Errorf("a trap made srtctl refuse: %q", msg)
	}
}

// manual is srtctl's default benchmark, not an unknown one: it is never
// called "not a benchmark srtctl has" (it was, with a job failure that
// never happens), with profiling on or off.
func TestV1ManualBenchmarkIsKnown(t *testing.T) {
	for _, src := range []string{
		strings.Replace(v1Base, `type: "sa-bench"`, `type: "manual"`, 1),
		strings.Replace(strings.Replace(v1Base, `type: "sa-bench"`, `type: "manual"`, 1), `type: "torch"`, `type: "none"`, 1),
	} {
		d, err := Parse("job.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range d.ValidateAs(DialectV1) {
			if strings.Contains(f.Message, "is not a benchmark srtctl has") || strings.Contains(f.Message, "Unknown benchmark type") {
				t.Errorf("%s", f)
			}
		}
	}
}
