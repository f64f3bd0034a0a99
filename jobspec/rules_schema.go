package jobspec

import (
	"regexp"

	"go.yaml.in/yaml/v3"
)

// common runs the rules P1 and P3 share: the schema (required fields,
// enums, integers, extra_mount), the mode, the sglang_config sections and
// the GPU fit.
func (v *validator) common() {
	v.schema()
	v.modes()
	v.sglangSections()
	v.gpuFit()
}

var resourceInts = []string{"gpus_per_node", "prefill_nodes", "decode_nodes", "prefill_workers", "decode_workers", "agg_nodes", "agg_workers"}

func (v *validator) schema() {
	v.required("name")
	if v.present("name") {
		v.strAt("name")
	}
	v.required("model")
	if v.section("model") {
		v.required("model.path")
		v.required("model.container")
		v.required("model.precision")
		v.strAt("model.path")
		v.strAt("model.container")
		v.enum("model.precision", Precisions)
	}
	v.required("resources")
	if v.section("resources") {
		v.required("resources.gpu_type")
		v.enum("resources.gpu_type", GPUTypes)
		for _, k := range resourceInts {
			v.intAt("resources." + k)
		}
	}
	if v.d.Has("slurm") && v.section("slurm") {
		for _, k := range []string{"account", "partition", "time_limit"} {
			v.strAt("slurm." + k)
		}
	}
	if v.d.Has("benchmark") && v.section("benchmark") {
		v.enum("benchmark.type", BenchmarkTypes)
		v.intAt("benchmark.isl")
		v.intAt("benchmark.osl")
	}
	if v.d.Has("profiling") && v.section("profiling") {
		v.enum("profiling.type", ProfilingTypes)
	}
	if n := v.d.node("enable_config_dump"); n != nil && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null") && !v.placeholder(n) && !isPyyamlBool(n) {
		v.add(Error, "enable_config_dump", "enable_config_dump: Input should be a valid boolean (true or false), got "+describe(n))
	}
	v.extraMount()
}

var mountRe = regexp.MustCompile(`^[^:]+:[^:]+$`)

// extraMount applies srtctl's validator, with its messages.
func (v *validator) extraMount() {
	n := v.d.node("extra_mount")
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return
	}
	if n.Kind != yaml.SequenceNode {
		v.add(Error, "extra_mount", "extra_mount must be a list of 'host:container' strings")
		return
	}
	for i, item := range n.Content {
		path := "extra_mount." + itoa(i)
		item = deref(item)
		if item.Kind != yaml.ScalarNode || item.Tag != "!!str" {
			v.add(Error, path, "extra_mount entries must be strings")
			continue
		}
		if !mountRe.MatchString(item.Value) && !v.placeholder(item) {
			v.add(Error, path, "extra_mount entries must be in 'host:container' format")
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// modes: srtctl refuses both modes at once.
func (v *validator) modes() {
	disagg := v.d.Has("resources.prefill_nodes") || v.d.Has("resources.decode_nodes")
	if disagg && v.d.Has("resources.agg_nodes") {
		v.add(Error, "resources.agg_nodes", "Cannot specify both disaggregated and aggregated mode")
	}
}

// sglangSections: the sections of backend.sglang_config must match the mode.
func (v *validator) sglangSections() {
	if !v.present("backend.sglang_config") {
		return
	}
	hasP := v.present("backend.sglang_config.prefill")
	hasD := v.present("backend.sglang_config.decode")
	hasA := v.present("backend.sglang_config.aggregated")
	if v.job.Resources.Disaggregated() {
		if !hasP && !hasD {
			v.add(Error, "backend.sglang_config", "Disaggregated mode (prefill_nodes/decode_nodes) requires prefill and decode sections in sglang_config. Found: prefill=False, decode=False")
		}
		if hasA {
			v.add(Error, "backend.sglang_config.aggregated", "Cannot use aggregated sglang_config section with disaggregated resources. Use prefill and decode sections instead, or switch to agg_nodes/agg_workers.")
		}
	} else if hasD {
		v.add(Error, "backend.sglang_config.decode", "Cannot use decode sglang_config section with aggregated resources (agg_nodes/agg_workers). Use disaggregated resources (prefill_nodes/decode_nodes) or use aggregated section in sglang_config.")
	}
}
