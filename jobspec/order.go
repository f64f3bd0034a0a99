package jobspec

import "strings"

// keyOrder is srtctl's usual key order per section, used to place a new key
// among its siblings and to lay out a new file.
var keyOrder = map[string][]string{
	"":                      {"schema", "name", "sweep", "model", "resources", "engine", "roles", "slurm", "benchmark", "profiling", "backend", "enable_config_dump", "extra_mount"},
	"model":                 {"path", "container", "precision"},
	"resources":             {"gpu_type", "prefill_nodes", "decode_nodes", "prefill_workers", "decode_workers", "agg_nodes", "agg_workers", "gpus_per_node"},
	"slurm":                 {"account", "partition", "time_limit"},
	"benchmark":             {"type", "isl", "osl", "concurrencies", "req_rate", "trace_file"},
	"profiling":             {"type", "isl", "osl", "concurrency", "delay_secs", "duration_secs", "extra_nsys_args", "prefill", "decode", "aggregated"},
	"roles":                 {"prefill", "decode", "agg"},
	"roles.prefill":         roleKeys,
	"roles.decode":          roleKeys,
	"roles.agg":             roleKeys,
	"profiling.prefill":     phaseOrder,
	"profiling.decode":      phaseOrder,
	"profiling.aggregated":  phaseOrder,
	"backend":               {"type", "gpu_type", "prefill_environment", "decode_environment", "aggregated_environment", "sglang_config", "enable_multiple_frontends", "num_additional_frontends"},
	"backend.sglang_config": {"prefill", "decode", "aggregated"},
}

var phaseKeys = []string{"isl", "osl", "concurrency", "start_step", "stop_step"}

// phaseOrder adds 2.x's capture selectors after the steps.
var phaseOrder = append(append([]string{}, phaseKeys...), "capture_scope", "worker_index", "worker_rank")

var roleKeys = []string{"nodes", "workers", "gpus"}

// rank is key's place in its section's order, -1 when unknown.
func rank(parent []string, key string) int {
	for i, k := range keyOrder[strings.Join(parent, ".")] {
		if k == key {
			return i
		}
	}
	return -1
}
