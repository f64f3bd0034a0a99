package jobspec

import "go.yaml.in/yaml/v3"

// Parallelism is what a worker of one mode asks SGLang for, read from
// backend.sglang_config.<section>. A size is 0 when the file leaves it out
// (SGLang's default is 1) or holds a {placeholder}.
type Parallelism struct {
	// Section is the sglang_config section read ("" when the file has none).
	Section string
	TP, DP  int
	// TPPath is the key the tensor-parallel size was read from, for
	// messages ("" when absent).
	TPPath string
}

// dpKeys are the spellings of the data-parallel size, as for tpKeys.
var dpKeys = []string{"data-parallel-size", "data_parallel_size", "dp-size", "dp_size"}

// ParallelismOf reads the parallelism of one worker mode ("prefill",
// "decode" or "aggregated"); an aggregated job without an aggregated
// section is read from prefill, as srtctl does.
func (d *Doc) ParallelismOf(mode string) Parallelism {
	section := mode
	if mode == PhaseAggregated && d.node("backend.sglang_config.aggregated") == nil {
		section = PhasePrefill
	}
	base := "backend.sglang_config." + section
	cfg := deref(d.node(base))
	if cfg == nil || cfg.Kind != yaml.MappingNode {
		return Parallelism{}
	}
	p := Parallelism{Section: section}
	if path, n := firstTruthy(cfg, base, tpKeys); n != nil {
		p.TPPath = path
		p.TP, _ = intNode(n)
	}
	if _, n := firstTruthy(cfg, base, dpKeys); n != nil {
		p.DP, _ = intNode(n)
	}
	return p
}

// firstTruthy is srtctl's `a or b or ...` over the spellings of one flag:
// the first key whose value is truthy (merge keys applied, as PyYAML
// does), with its path.
func firstTruthy(cfg *yaml.Node, base string, keys []string) (string, *yaml.Node) {
	for _, k := range keys {
		_, n := mapLookup(cfg, k)
		if n = deref(n); n != nil && truthy(n) {
			return base + "." + k, n
		}
	}
	return "", nil
}
