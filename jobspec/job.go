package jobspec

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Job returns the typed view of the file as it is now.
func (d *Doc) Job() Job {
	j := Job{
		Name: d.str("name"),
		Model: Model{
			Path:      d.str("model.path"),
			Container: d.str("model.container"),
			Precision: d.str("model.precision"),
		},
		Resources: Resources{
			GPUType:        d.str("resources.gpu_type"),
			GPUsPerNode:    d.intPtr("resources.gpus_per_node"),
			PrefillNodes:   d.presentInt("resources.prefill_nodes"),
			DecodeNodes:    d.intPtr("resources.decode_nodes"),
			PrefillWorkers: d.intPtr("resources.prefill_workers"),
			DecodeWorkers:  d.intPtr("resources.decode_workers"),
			AggNodes:       d.intPtr("resources.agg_nodes"),
			AggWorkers:     d.intPtr("resources.agg_workers"),
		},
		Slurm: Slurm{
			Account:   d.str("slurm.account"),
			Partition: d.str("slurm.partition"),
			TimeLimit: d.str("slurm.time_limit"),
		},
		Benchmark: Benchmark{
			Type:          d.str("benchmark.type"),
			ISL:           d.intPtr("benchmark.isl"),
			OSL:           d.intPtr("benchmark.osl"),
			Concurrencies: d.flowText("benchmark.concurrencies"),
			ReqRate:       d.str("benchmark.req_rate"),
		},
		Profiling: Profiling{
			Type:        d.str("profiling.type"),
			ISL:         d.intPtr("profiling.isl"),
			OSL:         d.intPtr("profiling.osl"),
			Concurrency: d.intPtr("profiling.concurrency"),
			Prefill:     d.phase("profiling.prefill"),
			Decode:      d.phase("profiling.decode"),
			Aggregated:  d.phase("profiling.aggregated"),
		},
		Backend: Backend{
			Type:          d.str("backend.type"),
			SGLangConfig:  d.present("backend.sglang_config"),
			HasPrefill:    d.present("backend.sglang_config.prefill"),
			HasDecode:     d.present("backend.sglang_config.decode"),
			HasAggregated: d.present("backend.sglang_config.aggregated"),
		},
		Sweep: d.Has("sweep"),
	}
	if b, ok := pyyamlBool(d.node("enable_config_dump")); ok {
		j.EnableConfigDump = &b
	}
	if n := d.node("extra_mount"); n != nil && n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			if c = deref(c); c.Kind == yaml.ScalarNode {
				j.ExtraMount = append(j.ExtraMount, c.Value)
			}
		}
	}
	return j
}

// present reports a key with a non-null value, which is what srtctl's
// "is not None" tests see.
func (d *Doc) present(path string) bool {
	n := d.node(path)
	return n != nil && !(n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// presentInt is intPtr, except that a present non-integer value (a sweep
// placeholder) still counts as set: srtctl decides the mode by
// "prefill_nodes is not None", so the mode must not flip on a placeholder.
func (d *Doc) presentInt(path string) *int {
	if p := d.intPtr(path); p != nil {
		return p
	}
	if d.present(path) {
		zero := 0
		return &zero
	}
	return nil
}

func (d *Doc) phase(path string) *Phase {
	n := d.node(path)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	return &Phase{
		ISL:         d.intPtr(path + ".isl"),
		OSL:         d.intPtr(path + ".osl"),
		Concurrency: d.intPtr(path + ".concurrency"),
		StartStep:   d.intPtr(path + ".start_step"),
		StopStep:    d.intPtr(path + ".stop_step"),
	}
}

// flowText renders a scalar or a short sequence of scalars as one line.
func (d *Doc) flowText(path string) string {
	n := d.node(path)
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return ""
		}
		return n.Value
	case yaml.SequenceNode:
		var parts []string
		for _, c := range n.Content {
			if c = deref(c); c.Kind == yaml.ScalarNode {
				parts = append(parts, c.Value)
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return ""
}
