package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// gpusPerNodeByType is how many GPUs a node of each type has in srtctl's
// recipes (gb200/gb300 trays have 4, an h100 node 8). srtctl's own default
// when gpus_per_node is absent stays 4 whatever the type, so a new job
// writes the number.
var gpusPerNodeByType = map[string]int{"gb200": 4, "gb300": 4, "h100": 8}

// GPUsPerNodeFor is the usual GPUs per node of a GPU type.
func GPUsPerNodeFor(gpuType string) int {
	if n, ok := gpusPerNodeByType[gpuType]; ok {
		return n
	}
	return jobspec.DefaultGPUsPerNode
}

// usualCounts lists the GPU types' usual counts, e.g. "4 for gb200, ...".
func usualCounts() string {
	var parts []string
	for _, t := range jobspec.GPUTypes {
		parts = append(parts, fmt.Sprintf("%d for %s", GPUsPerNodeFor(t), t))
	}
	return strings.Join(parts, ", ")
}

// Bounds beyond which a number is a typo, not a cluster or a workload: the
// form refuses them, so no product of two answers can overflow either.
const (
	MaxNodes       = 10_000
	MaxGPUsPerNode = 64
	MaxTokens      = 10_000_000 // isl, osl
	MaxConcurrency = 1_000_000
	MaxSteps       = 1_000_000
)

// EffectiveGPUsPerNode is the GPUs per node the answers mean: the number
// typed, or for a new job left empty, the GPU type's usual count.
func (v *Values) EffectiveGPUsPerNode() string {
	if strings.TrimSpace(v.GPUsPerNode) == "" {
		return itoa(GPUsPerNodeFor(v.GPUType))
	}
	return v.GPUsPerNode
}

// role is one kind of worker: its resources keys and the sglang_config
// section its flags live in.
type role struct {
	name, nodesKey, workersKey, section string
}

var (
	rolePrefill = role{"prefill", "prefill_nodes", "prefill_workers", jobspec.PhasePrefill}
	roleDecode  = role{"decode", "decode_nodes", "decode_workers", jobspec.PhaseDecode}
	roleAgg     = role{"aggregated", "agg_nodes", "agg_workers", jobspec.PhaseAggregated}
)

// roles are the worker kinds of a job in one mode.
func roles(disaggregated bool) []role {
	if disaggregated {
		return []role{rolePrefill, roleDecode}
	}
	return []role{roleAgg}
}

// nodesPerWorker is how many nodes srtctl gives each worker (nodes //
// workers), at least one.
func nodesPerWorker(nodes, workers int) int {
	if workers < 1 {
		return nodes
	}
	return max(nodes/workers, 1)
}

// singleWorkerNodes is the node count that keeps each worker's share when
// profiling runs one worker instead of workers: 10 nodes for 5 workers
// become 2. ok is false when nothing changes or a value is not a number.
func singleWorkerNodes(nodes, workers string) (string, bool) {
	n, err1 := strconv.Atoi(nodes)
	w, err2 := strconv.Atoi(workers)
	if err1 != nil || err2 != nil || w <= 1 || n < 1 {
		return "", false
	}
	per := nodesPerWorker(n, w)
	return itoa(per), per != n
}

// FitCheck is what one kind of worker gets and whether its parallelism
// uses it: the review shows one per worker kind.
type FitCheck struct {
	Role string
	// Text says the arithmetic; Problem is "" when the worker's GPUs and
	// its tp x dp agree, else what is wrong and the fix.
	Text, Problem string
}

// FitChecks reads a job's resources and each worker's parallelism and
// says, per kind of worker, how many GPUs it has and how many its
// tensor-parallel size uses. Values that are not numbers (sweep
// placeholders) are left out.
func FitChecks(doc *jobspec.Doc) []FitCheck {
	r := doc.Job().Resources
	gpn := r.GPUsPerNodeOrDefault()
	var out []FitCheck
	for _, ro := range roles(r.Disaggregated()) {
		nodes, okN := intAt(doc, "resources."+ro.nodesKey, 0)
		workers, okW := intAt(doc, "resources."+ro.workersKey, 1)
		// Numbers beyond the form's bounds are not a real cluster: no
		// arithmetic on them (and none can overflow below).
		if !okN || !okW || nodes < 1 || workers < 1 || gpn < 1 || nodes > MaxNodes || workers > MaxNodes || gpn > MaxGPUsPerNode {
			continue
		}
		per := nodesPerWorker(nodes, workers)
		gpus := per * gpn
		c := FitCheck{Role: ro.name}
		c.Text = fmt.Sprintf("%s: %d worker(s) × %d node(s) × %d GPUs = %d GPUs per worker", ro.name, workers, per, gpn, gpus)
		p := doc.ParallelismOf(ro.section)
		tp := p.TP
		if p.TPPath == "" {
			tp = 1
		}
		if tp > MaxNodes*MaxGPUsPerNode || p.DP > MaxNodes*MaxGPUsPerNode || tp < 0 {
			c.Text += fmt.Sprintf("; tp-size %d is not a real size", tp)
			out = append(out, c)
			continue
		}
		var problems []string
		switch {
		case p.TPPath != "" && p.TP == 0:
			c.Text += "; tp-size is a placeholder"
		case tp > gpus:
			need := workers * ceilDiv(tp, gpn)
			problems = append(problems, fmt.Sprintf("tp-size %d needs %d GPUs per worker: set %s nodes to %d", tp, tp, ro.name, need))
		case tp < gpus:
			what := fmt.Sprintf("tp-size %d", tp)
			if p.TPPath == "" {
				what = "no tp-size (SGLang runs tp 1)"
			}
			fix := fmt.Sprintf("set tp-size to %d", gpus)
			if tp%gpn == 0 {
				fix += fmt.Sprintf(", or %s nodes to %d", ro.name, workers*tp/gpn)
			}
			problems = append(problems, fmt.Sprintf("%s uses %d of the %d GPUs: %s", what, tp, gpus, fix))
		default:
			c.Text += fmt.Sprintf(", all used by tp-size %d", tp)
		}
		if p.DP > 1 && tp >= 1 && tp%p.DP != 0 {
			problems = append(problems, fmt.Sprintf("dp-size %d does not divide tp-size %d: SGLang refuses it", p.DP, tp))
		}
		if idle := nodes - per*workers; idle > 0 {
			problems = append(problems, fmt.Sprintf("%d of the %d nodes stay idle (%d workers get %d each)", idle, nodes, workers, per))
		}
		c.Problem = strings.Join(problems, "; ")
		out = append(out, c)
	}
	return out
}

// ceilDiv is a/b rounded up, for a >= 0, b > 0 (no a+b-1 to overflow).
func ceilDiv(a, b int) int {
	q := a / b
	if a%b != 0 {
		q++
	}
	return q
}

// intAt is the integer at path, or def when the key is absent; ok is false
// for a value that is not a whole number.
func intAt(doc *jobspec.Doc, path string, def int) (int, bool) {
	s, ok := doc.Get(path)
	if !ok {
		return def, def > 0
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
