package sim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// todayPlan is what a 1.0.x or 2.x job will do, decided by the stand-in's
// apply and carried in the batch script like jobPlan.
type todayPlan struct {
	Name      string `json:"name"`
	Release   string `json:"release"` // ReleaseV1 or ReleaseV2
	Model     string `json:"model"`
	Container string `json:"container"`
	Backend   string `json:"backend"`
	Frontend  string `json:"frontend"`
	// Profiling is profiling.type as written ("none" when absent).
	Profiling string `json:"profiling"`
	// Modes are the job's worker modes in srtctl's order: prefill and
	// decode, or agg.
	Modes []todayMode `json:"modes"`
	// Benchmark is benchmark.type ("manual" when absent).
	Benchmark     string  `json:"benchmark"`
	ISL           *int    `json:"isl,omitempty"`
	OSL           *int    `json:"osl,omitempty"`
	Concurrencies []int   `json:"concurrencies,omitempty"`
	GPUsPerNode   int     `json:"gpus_per_node"`
	Traces        string  `json:"traces,omitempty"`
	Pace          float64 `json:"pace"`
}

// todayMode is one worker mode: its workers, their size and the step
// window profiling asks of them.
type todayMode struct {
	Name           string `json:"name"` // prefill, decode, agg
	Workers        int    `json:"workers"`
	NodesPerWorker int    `json:"nodes_per_worker"`
	TP             int    `json:"tp"`
	// Profiled: the profiling block has this mode's phase.
	Profiled  bool `json:"profiled"`
	StartStep *int `json:"start_step,omitempty"`
	StopStep  *int `json:"stop_step,omitempty"`
}

func (p todayPlan) encode() string {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return string(b)
}

func decodeTodayPlan(s string) (todayPlan, error) {
	var p todayPlan
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return p, fmt.Errorf("bad --plan: %w", err)
	}
	if p.Pace <= 0 {
		p.Pace = 1
	}
	for i := range p.Modes {
		m := &p.Modes[i]
		m.Workers = min(max(m.Workers, 0), maxTodayWorkers)
		m.NodesPerWorker = min(max(m.NodesPerWorker, 1), 4)
		m.TP = min(max(m.TP, 1), maxTraceRanks)
	}
	return p, nil
}

// maxTodayWorkers bounds the simulated workers of a mode: each is a log
// file growing for the whole job.
const maxTodayWorkers = 8

// nodes is how many nodes the job asks for.
func (p todayPlan) nodes() int {
	n := 0
	for _, m := range p.Modes {
		n += m.Workers * m.NodesPerWorker
	}
	return max(n, 1)
}

// buildTodayPlan reads a 1.0.x file (resources.*_workers, backend:) or a
// 2.x one (roles:, engine:) into a plan. Counts absent from the file take
// srtctl's defaults.
func buildTodayPlan(doc *jobspec.Doc, cfg clusterConfig) (todayPlan, error) {
	get := func(path string) string {
		v, _ := doc.Get(path)
		return strings.Trim(strings.TrimSpace(v), `"'`)
	}
	num := func(path string, def int) int {
		if n, err := strconv.Atoi(get(path)); err == nil {
			return n
		}
		return def
	}
	opt := func(path string) *int {
		if n, err := strconv.Atoi(get(path)); err == nil {
			return &n
		}
		return nil
	}
	p := todayPlan{
		Name: get("name"), Release: cfg.Release, Model: orDefault(get("model.path"), "/model"),
		Container: get("model.container"), Profiling: orDefault(get("profiling.type"), "none"),
		Benchmark: orDefault(get("benchmark.type"), "manual"), Frontend: orDefault(get("frontend.type"), "dynamo"),
		ISL: opt("benchmark.isl"), OSL: opt("benchmark.osl"), Concurrencies: concurrencyList(doc),
		GPUsPerNode: max(num("resources.gpus_per_node", 4), 1), Traces: cfg.Traces, Pace: cfg.Pace,
	}
	if p.Name == "" {
		return p, fmt.Errorf("name is required")
	}
	gpn := p.GPUsPerNode
	phaseKey := map[string]string{"prefill": "prefill", "decode": "decode", "agg": "aggregated"}
	addMode := func(name string, workers, nodes, gpus int) {
		workers = max(workers, 1)
		npw := max(nodes/workers, 1)
		tp := gpus
		if tp <= 0 {
			tp = max(nodes*gpn/workers, 1)
		}
		m := todayMode{Name: name, Workers: workers, NodesPerWorker: npw, TP: tp}
		ph := "profiling." + phaseKey[name]
		m.Profiled = doc.Has(ph)
		m.StartStep, m.StopStep = opt(ph+".start_step"), opt(ph+".stop_step")
		p.Modes = append(p.Modes, m)
	}
	if cfg.Release == ReleaseV2 {
		p.Backend = orDefault(get("engine.type"), orDefault(get("engine"), "sglang"))
		if doc.Has("roles.agg") {
			addMode("agg", num("roles.agg.workers", 1), num("roles.agg.nodes", 1), num("roles.agg.gpus", 0))
		} else {
			addMode("prefill", num("roles.prefill.workers", 1), num("roles.prefill.nodes", 1), num("roles.prefill.gpus", 0))
			decodeNodes := num("roles.decode.nodes", 1) // "colocate" shares the prefill nodes
			addMode("decode", num("roles.decode.workers", 1), decodeNodes, num("roles.decode.gpus", 0))
		}
	} else {
		p.Backend = orDefault(get("backend.type"), "sglang")
		if doc.Has("resources.prefill_nodes") || doc.Has("resources.decode_nodes") {
			addMode("prefill", num("resources.prefill_workers", 1), num("resources.prefill_nodes", 1), num("resources.gpus_per_prefill", 0))
			addMode("decode", num("resources.decode_workers", 1), num("resources.decode_nodes", 1), num("resources.gpus_per_decode", 0))
		} else {
			addMode("agg", num("resources.agg_workers", 1), num("resources.agg_nodes", 1), num("resources.gpus_per_agg", 0))
		}
	}
	if len(p.Concurrencies) == 0 && p.Benchmark == "sa-bench" {
		return p, fmt.Errorf("benchmark.concurrencies is required for sa-bench")
	}
	return p, nil
}

// concurrencyList reads benchmark.concurrencies: a list, one number, or
// "4x8x16".
func concurrencyList(doc *jobspec.Doc) []int {
	var list []any
	if doc.DecodeAt("benchmark.concurrencies", &list) == nil {
		var parts []string
		for _, v := range list {
			parts = append(parts, fmt.Sprint(v))
		}
		return concurrencies(strings.Join(parts, ","))
	}
	v, _ := doc.Get("benchmark.concurrencies")
	return concurrencies(v)
}

func concurrencies(s string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == 'x' || r == ' ' }) {
		if n, err := strconv.Atoi(strings.Trim(f, `"'`)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}
