package jobspec

import (
	"fmt"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// base and aggBase are the shared valid P1 jobs (disaggregated and
// aggregated); each rule case edits one spot of one of them.
const (
	base    = jobspectest.ValidP1Disagg
	aggBase = jobspectest.ValidP1Agg
)

// p3Base is a valid P3 profiling job.
const p3Base = `name: "t"
model:
  path: "/m"
  container: "/c"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  prefill_nodes: 1
  decode_nodes: 1
  prefill_workers: 1
  decode_workers: 1
profiling:
  type: "torch"
  isl: 1024
  osl: 128
  concurrency: 1
  prefill:
    start_step: 0
    stop_step: 50
  decode:
    start_step: 0
    stop_step: 50
`

type ruleCase struct {
	name      string
	src       string
	old, new  string // replaced once in src
	dialect   Dialect
	sev       Severity
	line, col int
	msg       string
}

func (c ruleCase) doc(t *testing.T) *Doc {
	t.Helper()
	src := c.src
	if c.old != "" {
		if !strings.Contains(src, c.old) {
			t.Fatalf("%s: %q not in the base file", c.name, c.old)
		}
		src = strings.Replace(src, c.old, c.new, 1)
	}
	return mustParse(t, src)
}

var ruleCases = []ruleCase{
	{name: "benchmark type with profiling", src: base, old: `type: "manual"`, new: `type: "sa-bench"`, sev: Error, line: 14, col: 9,
		msg: "Cannot enable profiling with benchmark type 'sa-bench'. Profiling mode is mutually exclusive with benchmarking."},
	{name: "two prefill workers", src: base, old: "prefill_workers: 1", new: "prefill_workers: 2", sev: Error, line: 10, col: 20,
		msg: "Profiling mode requires single worker only. Got prefill_workers=2"},
	{name: "two decode workers", src: base, old: "decode_workers: 1", new: "decode_workers: 3", sev: Error, line: 11, col: 19,
		msg: "Profiling mode requires single worker only. Got decode_workers=3"},
	{name: "two agg workers", src: aggBase, old: "agg_workers: 1", new: "agg_workers: 2", sev: Error, line: 9, col: 16,
		msg: "Profiling mode requires single worker only. Got agg_workers=2"},
	{name: "both modes", src: base, old: "  gpus_per_node: 4\n", new: "  gpus_per_node: 4\n  agg_nodes: 1\n", sev: Error, line: 13, col: 14,
		msg: "Cannot specify both disaggregated and aggregated mode"},
	{name: "disaggregated without sections", src: base, old: "    prefill:\n      tp-size: 4\n    decode:\n      tp-size: 4\n", new: "    mem: 1\n", sev: Error, line: 30, col: 3,
		msg: "Disaggregated mode (prefill_nodes/decode_nodes) requires prefill and decode sections in sglang_config. Found: prefill=False, decode=False"},
	{name: "aggregated section on disaggregated", src: base, old: "    decode:\n      tp-size: 4\n", new: "    decode:\n      tp-size: 4\n    aggregated:\n      tp-size: 4\n", sev: Error, line: 35, col: 5,
		msg: "Cannot use aggregated sglang_config section with disaggregated resources. Use prefill and decode sections instead, or switch to agg_nodes/agg_workers."},
	{name: "decode section on aggregated", src: aggBase, old: "    aggregated:\n", new: "    decode:\n      tp-size: 8\n    aggregated:\n", sev: Error, line: 19, col: 5,
		msg: "Cannot use decode sglang_config section with aggregated resources (agg_nodes/agg_workers). Use disaggregated resources (prefill_nodes/decode_nodes) or use aggregated section in sglang_config."},
	{name: "gpu fit: total", src: base, old: "      tp-size: 4\n    decode:", new: "      tp-size: 8\n    decode:", sev: Error, line: 32, col: 16,
		msg: "Prefill resource mismatch:\n  Workers: 1\n  TP size: 8\n  GPUs per worker: 8\n  Total GPUs needed: 8\n  Total GPUs available: 4 (1 nodes × 4 GPUs/node)\n  → Need 4 more GPUs!"},
	{name: "gpu fit: per worker", src: strings.Replace(strings.Replace(base, "type: \"torch\"", "type: \"none\"", 1), "      tp-size: 4\n", "      tp-size: 6\n", 2), old: "  decode_nodes: 1\n  prefill_workers: 1\n  decode_workers: 1\n", new: "  decode_nodes: 3\n  prefill_workers: 1\n  decode_workers: 2\n", sev: Error, line: 34, col: 16,
		msg: "Decode resource mismatch:\n  Workers: 2\n  Nodes per worker: 1\n  GPUs per worker (from TP): 6\n  GPUs available per worker: 4 (1 nodes × 4 GPUs/node)\n  → Each worker needs 2 more GPUs!"},
	{name: "gpu fit: products beyond int64 stay exact", src: base, old: "      tp-size: 4\n    decode:", new: "      tp-size: 9223372036854775807\n    decode:", sev: Error, line: 32, col: 16,
		msg: "Prefill resource mismatch:\n  Workers: 1\n  TP size: 9223372036854775807\n  GPUs per worker: 9223372036854775807\n  Total GPUs needed: 9223372036854775807\n  Total GPUs available: 4 (1 nodes × 4 GPUs/node)\n  → Need 9223372036854775803 more GPUs!"},
	{name: "gpu fit: a node per worker", src: strings.Replace(aggBase, "tp-size: 8", "tp-size: 1", 1), old: "agg_workers: 1", new: "agg_workers: 2", sev: Error, line: 20, col: 16,
		msg: "Aggregated resource mismatch:\n  Workers: 2\n  Nodes: 1\n  → Each worker needs at least 1 node, but 1 nodes / 2 workers = 0 nodes/worker"},
	{name: "precision enum", src: base, old: `precision: "fp8"`, new: `precision: "fp9"`, sev: Error, line: 5, col: 14,
		msg: `model.precision: Input should be 'fp4', 'fp8', 'fp16' or 'bf16' (got "fp9")`},
	{name: "gpu type enum", src: base, old: `gpu_type: "gb200"`, new: `gpu_type: "a100"`, sev: Error, line: 7, col: 13,
		msg: `resources.gpu_type: Input should be 'gb200', 'gb300' or 'h100' (got "a100")`},
	{name: "profiling type enum", src: base, old: `type: "torch"`, new: `type: "perf"`, sev: Error, line: 16, col: 9,
		msg: `profiling.type: Input should be 'none', 'torch' or 'nsys' (got "perf")`},
	{name: "required name", src: base, old: "name: \"t\"\n", new: "", sev: Error, line: 1, col: 1,
		msg: "name: Field required"},
	{name: "not an integer", src: base, old: "gpus_per_node: 4", new: "gpus_per_node: four", sev: Error, line: 12, col: 18,
		msg: `resources.gpus_per_node: Input should be a valid integer, unable to parse "four" as an integer`},
	{name: "extra_mount format", src: base + "extra_mount:\n  - \"/data:/data\"\n  - \"/scratch\"\n", sev: Error, line: 37, col: 5,
		msg: "extra_mount entries must be in 'host:container' format"},
	{name: "extra_mount not a list", src: base + "extra_mount: \"/a:/b\"\n", sev: Error, line: 35, col: 14,
		msg: "extra_mount must be a list of 'host:container' strings"},
	{name: "missing isl", src: base, old: "    isl: 1024\n    osl: 128\n    concurrency: 256\n", new: "    osl: 128\n    concurrency: 256\n", sev: Error, line: 23, col: 3,
		msg: `profiling.decode.isl is not set: every profiled phase needs isl and osl, else the job stops with "Error: isl and osl must be set for profiling." after the model server is up (srtctl does not check this)`},
	{name: "missing concurrency", src: base, old: "    concurrency: 24\n", new: "", sev: Error, line: 17, col: 3,
		msg: "profiling.prefill.concurrency is not set: every profiled phase needs concurrency, else the load generator gets an empty --max-concurrency (srtctl does not check this; the job would fail on the cluster)"},
	{name: "missing phase", src: base, old: "  decode:\n    isl: 1024\n    osl: 128\n    concurrency: 256\n    start_step: 0\n    stop_step: 50\n", new: "", sev: Error, line: 15, col: 1,
		msg: `profiling.decode.osl is not set: every profiled phase needs isl and osl, else the job stops with "Error: isl and osl must be set for profiling." after the model server is up (srtctl does not check this)`},
	{name: "zero concurrency", src: base, old: "    concurrency: 24\n", new: "    concurrency: 0\n", sev: Error, line: 20, col: 18,
		msg: "profiling.prefill.concurrency is 0: it must be 1 or more (srtctl does not check this; the load generator would fail on the cluster)"},
	{name: "negative isl", src: base, old: "    isl: 1024\n    osl: 128\n    concurrency: 256\n", new: "    isl: -4\n    osl: 128\n    concurrency: 256\n", sev: Error, line: 24, col: 10,
		msg: "profiling.decode.isl is -4: it must be 1 or more (srtctl does not check this; the load generator would fail on the cluster)"},
	{name: "p3 zero osl", src: p3Base, old: "  osl: 128\n", new: "  osl: 0\n", sev: Error, line: 15, col: 8,
		msg: "profiling.osl is 0: it must be 1 or more (srtctl does not check this; the load generator would fail on the cluster)"},
	{name: "negative start", src: base, old: "    start_step: 0\n    stop_step: 50\n  decode", new: "    start_step: -5\n    stop_step: 50\n  decode", sev: Error, line: 21, col: 17,
		msg: "profiling.prefill.start_step is -5: steps count from 0"},
	{name: "stop before start", src: base, old: "    start_step: 0\n    stop_step: 50\nbackend", new: "    start_step: 60\n    stop_step: 40\nbackend", sev: Error, line: 28, col: 16,
		msg: "profiling.decode.stop_step 40 must be greater than start_step 60: the profiler would get -20 steps"},
	{name: "start past the default stop", src: base, old: "    start_step: 0\n    stop_step: 50\nbackend", new: "    start_step: 50\nbackend", sev: Error, line: 27, col: 17,
		msg: "profiling.decode.stop_step 50 (the default) must be greater than start_step 50: the profiler would get 0 steps"},
	{name: "prefill on aggregated", src: aggBase, old: "  decode:\n", new: "  prefill:\n    isl: 1\n  decode:\n", sev: Error, line: 13, col: 3,
		msg: "profiling.prefill has no effect on an aggregated job: srtctl P1 profiles aggregated jobs with the values under profiling.decode; move them there"},
	{name: "long window", src: base, old: "    stop_step: 50\nbackend", new: "    stop_step: 500\nbackend", sev: Warning, line: 28, col: 16,
		msg: "profiling.decode profiles 500 steps (start_step 0, stop_step 500); 30 to 100 steps is typical"},
	{name: "config dump", src: base + "enable_config_dump: true\n", sev: Warning, line: 35, col: 21,
		msg: "enable_config_dump: true has no effect while profiling: srtctl turns the config dump off"},
	{name: "pyyaml bool", src: base, old: `name: "t"`, new: `name: yes`, sev: Warning, line: 1, col: 7,
		msg: `name: srtctl's YAML loader (PyYAML, YAML 1.1) reads yes as the boolean true, not as this tool does; quote it ("yes") if you mean the text`},
	{name: "pyyaml sexagesimal", src: base + "slurm:\n  time_limit: 2:00:00\n", sev: Warning, line: 36, col: 15,
		msg: `slurm.time_limit: srtctl's YAML loader (PyYAML, YAML 1.1) reads 2:00:00 as the integer 7200, not as this tool does; quote it ("2:00:00") if you mean the text`},
	{name: "pyyaml on is true", src: base + "enable_config_dump: on\n", sev: Warning, line: 35, col: 21,
		msg: "enable_config_dump: true has no effect while profiling: srtctl turns the config dump off"},
	{name: "p3 traffic missing", src: p3Base, old: "  isl: 1024\n", new: "", sev: Error, line: 12, col: 1,
		msg: "profiling.isl/osl/concurrency must be set when profiling is enabled. Got isl=None, osl=128, concurrency=1"},
	{name: "p3 phase missing", src: p3Base, old: "  decode:\n    start_step: 0\n    stop_step: 50\n", new: "", sev: Error, line: 12, col: 1,
		msg: "profiling.decode must be set for a disaggregated job (P3 profiles prefill and decode, each with start_step/stop_step)"},
	{name: "p3 aggregated section on disaggregated", src: p3Base + "  aggregated:\n    start_step: 0\n    stop_step: 50\n", sev: Error, line: 23, col: 3,
		msg: "profiling.aggregated is for aggregated jobs; this job is disaggregated (prefill_nodes is set): use profiling.prefill and profiling.decode"},
	{name: "p3 aggregated without its section", src: p3Base, old: "  prefill_nodes: 1\n  decode_nodes: 1\n  prefill_workers: 1\n  decode_workers: 1\n", new: "  agg_nodes: 1\n  agg_workers: 1\n", sev: Error, line: 10, col: 1,
		msg: "profiling.aggregated must be set for an aggregated job (P3 profiles it with its start_step/stop_step)"},
	{name: "p3 phase sections on aggregated", src: p3Base, old: "  prefill_nodes: 1\n  decode_nodes: 1\n  prefill_workers: 1\n  decode_workers: 1\n", new: "  agg_nodes: 1\n  agg_workers: 1\n", sev: Error, line: 15, col: 3,
		msg: "profiling.prefill is for disaggregated jobs; this job is aggregated: use profiling.aggregated"},
	{name: "p3 workers", src: p3Base, old: "decode_workers: 1", new: "decode_workers: 2", sev: Error, line: 11, col: 19,
		msg: "Profiling mode requires exactly 1 prefill and 1 decode worker. Got prefill_workers=1, decode_workers=2"},
	{name: "p3 aggregated workers", src: p3Base, old: "  prefill_nodes: 1\n  decode_nodes: 1\n  prefill_workers: 1\n  decode_workers: 1\n", new: "  agg_nodes: 1\n  agg_workers: 4\n", sev: Error, line: 9, col: 16,
		msg: "Profiling mode requires exactly 1 aggregated worker. Got agg_workers=4"},
	{name: "p3 benchmark", src: p3Base + "benchmark:\n  type: \"gpqa\"\n", sev: Error, line: 24, col: 9,
		msg: "Cannot enable profiling with benchmark type 'gpqa'. Profiling mode is mutually exclusive with benchmarking."},
	{name: "p1 forced on a p3 file", src: p3Base, dialect: DialectP1, sev: Error, line: 17, col: 3,
		msg: `profiling.prefill.isl is not set: every profiled phase needs isl and osl, else the job stops with "Error: isl and osl must be set for profiling." after the model server is up (srtctl does not check this)`},
}

func TestRules(t *testing.T) { runRuleCases(t, ruleCases) }

// Values YAML 1.1 and 1.2 read alike get no PyYAML warning.
func TestPyyamlAgreesNoWarning(t *testing.T) {
	for _, v := range []string{`"yes"`, "03:00:00", "1.5", "true", "42", "0x1F", "1_0", "/models/x", "null"} {
		d := mustParse(t, base+"slurm:\n  account: "+v+"\n")
		for _, f := range d.Validate() {
			if strings.Contains(f.Message, "PyYAML") {
				t.Errorf("%s: %s", v, f)
			}
		}
	}
	if got := pyIntValue("0755"); got != "493" {
		t.Errorf("0755 reads as %s", got)
	}
	if got := pyIntValue("-1:30"); got != "-90" {
		t.Errorf("-1:30 reads as %s", got)
	}
}

func TestBasesPass(t *testing.T) {
	for name, src := range map[string]string{"p1": base, "p1 aggregated": aggBase, "p3": p3Base} {
		d := mustParse(t, src)
		if fs := d.Validate(); len(fs) != 0 {
			t.Errorf("%s base: %v", name, fs)
		}
	}
	if d := mustParse(t, p3Base); d.Dialect() != DialectP3 {
		t.Errorf("p3 base detected as %s", d.Dialect())
	}
	if d := mustParse(t, base); d.Dialect() != DialectP1 {
		t.Errorf("p1 base detected as %s", d.Dialect())
	}
}

func TestSweepPlaceholdersSkipChecks(t *testing.T) {
	src := strings.Replace(base, "      tp-size: 4\n    decode:", "      tp-size: \"{tp}\"\n    decode:", 1)
	src = strings.Replace(src, "concurrency: 24", "concurrency: \"{conc}\"", 1)
	d := mustParse(t, "sweep:\n  tp: [4, 8]\n  conc: [1, 2]\n"+src)
	if fs := d.Validate(); HasErrors(fs) {
		t.Errorf("sweep file: %v", fs)
	}
	// the same placeholder outside a sweep file is an error
	d = mustParse(t, src)
	if fs := d.Validate(); !HasErrors(fs) {
		t.Errorf("placeholder outside a sweep file passed")
	}
}

func TestProfilingOffSkipsProfilingRules(t *testing.T) {
	d := mustParse(t, strings.Replace(strings.Replace(base, `type: "torch"`, `type: "none"`, 1), `type: "manual"`, `type: "sa-bench"`, 1))
	if fs := d.Validate(); len(fs) != 0 {
		t.Errorf("profiling none: %v", fs)
	}
}

// Huge node counts fit as they would in Python: 2^62 nodes × 4 GPUs is
// not a wrapped 0 that "needs 8 more GPUs".
func TestGPUFitHugeNodesDoNotWrap(t *testing.T) {
	src := strings.Replace(strings.Replace(base, "      tp-size: 4\n    decode:", "      tp-size: 8\n    decode:", 1),
		"  prefill_nodes: 1\n", "  prefill_nodes: 4611686018427387904\n", 1)
	d, err := Parse("huge.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Validate() {
		if strings.Contains(f.Message, "resource mismatch") {
			t.Errorf("wrapped arithmetic: %s", f.Message)
		}
	}
}

// TestPyyamlWarningsAreBounded: a generated file with 100,000 values
// PyYAML reads differently gets the first maxPyyamlWarnings warnings and
// one that counts the rest (it got 100,000, 105 MB and 1.3 s in validate).
func TestPyyamlWarningsAreBounded(t *testing.T) {
	const n = 100_000
	src := "name: \"t\"\nx: [" + strings.Repeat("1e3, ", n-1) + "1e3]\n"
	d := mustParse(t, src)
	var py []Finding
	for _, f := range d.Validate() {
		if strings.Contains(f.Message, "PyYAML") {
			py = append(py, f)
		}
	}
	if len(py) != maxPyyamlWarnings+1 {
		t.Fatalf("%d PyYAML warnings, want %d and one counting the rest", len(py), maxPyyamlWarnings+1)
	}
	last := py[len(py)-1]
	if want := fmt.Sprintf("%d more values", n-maxPyyamlWarnings); !strings.Contains(last.Message, want) || last.Line != 2 || last.Col != 5+5*maxPyyamlWarnings {
		t.Fatalf("last warning %d:%d %q, want %q at the first value not listed", last.Line, last.Col, last.Message, want)
	}
}
