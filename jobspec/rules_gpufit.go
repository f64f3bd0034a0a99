package jobspec

import (
	"fmt"
	"math/big"
	"strings"

	"go.yaml.in/yaml/v3"
)

// tpKeys are the spellings of the tensor-parallel size srtctl reads, in
// the order it tries them.
var tpKeys = []string{"tensor-parallel-size", "tensor_parallel_size", "tp-size", "tp_size"}

// gpuFit checks that each mode's workers fit its nodes, as srtctl does.
func (v *validator) gpuFit() {
	if !v.present("backend.sglang_config") {
		return
	}
	gpn := DefaultGPUsPerNode
	if x, ok := v.intAt("resources.gpus_per_node"); ok {
		gpn = x
	}
	if v.job.Resources.Disaggregated() {
		v.fitMode("prefill", "prefill", "prefill_nodes", "prefill_workers", gpn)
		v.fitMode("decode", "decode", "decode_nodes", "decode_workers", gpn)
		return
	}
	section := "aggregated"
	if !v.present("backend.sglang_config.aggregated") {
		section = "prefill" // aggregated jobs may use the prefill section
	}
	v.fitMode("aggregated", section, "agg_nodes", "agg_workers", gpn)
}

func (v *validator) fitMode(mode, section, nodesKey, workersKey string, gpn int) {
	base := "backend.sglang_config." + section
	cfg := v.d.node(base)
	if cfg == nil || cfg.Kind != yaml.MappingNode || len(cfg.Content) == 0 {
		return
	}
	nodes, okN := v.intAt("resources." + nodesKey)
	workers, okW := v.intAt("resources." + workersKey)
	if !okN || !okW || nodes == 0 || workers == 0 {
		return
	}
	tpPath, tpNode := firstTruthy(cfg, base, tpKeys)
	if tpNode == nil {
		return
	}
	tp, ok := intNode(tpNode)
	if !ok {
		return // a {placeholder}: srtctl skips the check too
	}
	Mode := strings.ToUpper(mode[:1]) + mode[1:]
	// Python's integers do not overflow: products of huge values are
	// computed exactly, so the message never shows a wrapped number.
	available, needed := mul(nodes, gpn), mul(tp, workers)
	if needed.Cmp(available) > 0 {
		v.add(Error, tpPath, fmt.Sprintf("%s resource mismatch:\n"+
			"  Workers: %d\n"+
			"  TP size: %d\n"+
			"  GPUs per worker: %d\n"+
			"  Total GPUs needed: %s\n"+
			"  Total GPUs available: %s (%d nodes × %d GPUs/node)\n"+
			"  → Need %s more GPUs!", Mode, workers, tp, tp, needed, available, nodes, gpn, new(big.Int).Sub(needed, available)))
		return
	}
	perWorker := floorDiv(nodes, workers)
	if perWorker == 0 {
		v.add(Error, tpPath, fmt.Sprintf("%s resource mismatch:\n"+
			"  Workers: %d\n"+
			"  Nodes: %d\n"+
			"  → Each worker needs at least 1 node, but %d nodes / %d workers = %d nodes/worker", Mode, workers, nodes, nodes, workers, perWorker))
		return
	}
	if fromNodes := mul(perWorker, gpn); big.NewInt(int64(tp)).Cmp(fromNodes) > 0 {
		v.add(Error, tpPath, fmt.Sprintf("%s resource mismatch:\n"+
			"  Workers: %d\n"+
			"  Nodes per worker: %d\n"+
			"  GPUs per worker (from TP): %d\n"+
			"  GPUs available per worker: %s (%d nodes × %d GPUs/node)\n"+
			"  → Each worker needs %s more GPUs!", Mode, workers, perWorker, tp, fromNodes, perWorker, gpn,
			new(big.Int).Sub(big.NewInt(int64(tp)), fromNodes)))
	}
}

func mul(a, b int) *big.Int {
	return new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b)))
}

// floorDiv is Python's //.
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// truthy is Python truthiness of a YAML scalar.
func truthy(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return len(n.Content) > 0
	}
	switch n.Tag {
	case "!!null":
		return false
	case "!!bool":
		var b bool
		return n.Decode(&b) == nil && b
	case "!!int":
		x, ok := intNode(n)
		return !ok || x != 0
	case "!!float":
		var f float64
		return n.Decode(&f) == nil && f != 0
	}
	return n.Value != ""
}
