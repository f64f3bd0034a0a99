package jobspec

import "strings"

// keyOrder is srtctl's usual key order per section, used to place a new key
// among its siblings and to lay out a new file.
var keyOrder = map[string][]string{
	"":                      {"name", "sweep", "model", "resources", "slurm", "benchmark", "profiling", "backend", "enable_config_dump", "extra_mount"},
	"model":                 {"path", "container", "precision"},
	"resources":             {"gpu_type", "prefill_nodes", "decode_nodes", "prefill_workers", "decode_workers", "agg_nodes", "agg_workers", "gpus_per_node"},
	"slurm":                 {"account", "partition", "time_limit"},
	"benchmark":             {"type", "isl", "osl", "concurrencies", "req_rate"},
	"profiling":             {"type", "isl", "osl", "concurrency", "prefill", "decode", "aggregated"},
	"profiling.prefill":     phaseKeys,
	"profiling.decode":      phaseKeys,
	"profiling.aggregated":  phaseKeys,
	"backend":               {"type", "gpu_type", "prefill_environment", "decode_environment", "aggregated_environment", "sglang_config", "enable_multiple_frontends", "num_additional_frontends"},
	"backend.sglang_config": {"prefill", "decode", "aggregated"},
}

var phaseKeys = []string{"isl", "osl", "concurrency", "start_step", "stop_step"}

// rank is key's place in its section's order, -1 when unknown.
func rank(parent []string, key string) int {
	for i, k := range keyOrder[strings.Join(parent, ".")] {
		if k == key {
			return i
		}
	}
	return -1
}
