package jobspec

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// keySchema is what srtctl's loader accepts below one key: a typed section
// (keys lists its fields; every other key is `Unknown field.`) or a
// free-form value (nil keys: flag maps, environments, lists, scalars).
type keySchema struct {
	keys map[string]*keySchema
	// byType picks the section's schema from its own `type:` (backend).
	byType func(typ string) *keySchema
}

// free is a value srtctl does not look into.
var free *keySchema

// sec builds a typed section from field names; a name listed in nested
// gets that schema instead of free.
func sec(fields string, nested map[string]*keySchema) *keySchema {
	s := &keySchema{keys: map[string]*keySchema{}}
	for _, f := range strings.Fields(fields) {
		s.keys[f] = free
	}
	for k, v := range nested {
		s.keys[k] = v
	}
	return s
}

// names lists the section's fields, sorted.
func (s *keySchema) names() []string {
	out := make([]string, 0, len(s.keys))
	for k := range s.keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The v1.0.68 schema (src/srtctl/core/schema.py and backends/*.py at
// c88ef731), field names only: srtctl rejects every other key of a typed
// section. Sections whose fields the reference does not list in full
// (mooncake stores, tachometer, identity.container) are left free, so
// they are never reported wrongly.
var (
	v1PhaseSchema = sec("start_step stop_step", nil)

	v1ProfilingFields = "type extra_nsys_args delay_secs duration_secs benchmark_duration_secs"

	v1ProfilingSchema = sec(v1ProfilingFields, map[string]*keySchema{
		PhasePrefill: v1PhaseSchema, PhaseDecode: v1PhaseSchema, PhaseAggregated: v1PhaseSchema,
	})

	v1ModeConfig = sec("prefill decode aggregated", nil)

	v1Backends = map[string]*keySchema{
		"sglang": sec("type gpu_type prefill_environment decode_environment aggregated_environment kv_events_config mooncake_kv_store",
			map[string]*keySchema{"sglang_config": v1ModeConfig}),
		"trtllm": sec("type prefill_environment decode_environment aggregated_environment publish_events_and_metrics sequential_node_start numa_memory_bind",
			map[string]*keySchema{"trtllm_config": v1ModeConfig}),
		"vllm": sec("type prefill_environment decode_environment aggregated_environment set_cuda_visible_devices connector mooncake_kv_store kv_events_config allow_prefill_decode_colocation allow_prefill_decode_colocation_across_nodes dp_launch_mode",
			map[string]*keySchema{"vllm_config": v1ModeConfig}),
		"mocker": sec("type engine_type speedup_ratio decode_speedup_ratio num_gpu_blocks_override max_num_seqs max_num_batched_tokens block_size data_parallel_size num_workers startup_time kv_transfer_bandwidth kv_cache_dtype enable_prefix_caching enable_chunked_prefill preemption_mode prefill_environment decode_environment aggregated_environment",
			map[string]*keySchema{"mocker_config": v1ModeConfig}),
	}

	v1BenchmarkFields = "type isl osl concurrencies req_rate client_placement client_dedicated_node colocate_with_frontend sweep num_examples max_tokens repeat num_threads max_context_length categories num_shots temperature top_p top_k num_requests concurrency prefix_ratios mooncake_workload ttft_threshold_ms itl_threshold_ms random_range_ratio num_prompts_mult num_warmup_mult dataset_name dataset_path trace_file custom_tokenizer use_chat_template reuse_http_connections command container_image env aiperf_package aiperf_args export_node_metrics slow_down_sleep_time slow_down_wait_time"

	v1Sections = map[string]*keySchema{
		"model":         sec("path container precision stage_dir", nil),
		"resources":     sec("gpu_type gpus_per_node prefill_nodes decode_nodes prefill_workers decode_workers agg_nodes agg_workers spread_workers het_jobs gpus_per_prefill gpus_per_decode gpus_per_agg", nil),
		"slurm":         sec("account partition time_limit", nil),
		"backend":       {byType: v1Backend},
		"frontend":      sec("type enable_multiple_frontends num_additional_frontends nginx_container nginx_raise_ulimit nginx_session_affinity nginx_session_affinity_header nginx_keepalive_timeout args env ctx_router gen_router server_config_extra orchestrator_placement dedicated_node", nil),
		"dynamo":        sec("install version hash top_of_tree wheel request_plane event_plane cargo_patches", nil),
		"benchmark":     sec(v1BenchmarkFields, nil),
		"profiling":     v1ProfilingSchema,
		"output":        sec("log_dir", nil),
		"health_check":  sec("max_attempts interval_seconds", nil),
		"infra":         sec("etcd_nats_dedicated_node nats_max_payload_mb", nil),
		"observability": sec("enabled enable_otel otel_endpoint scrape_metrics scrape_interval_seconds scrape_output build_dashboard tachometer", nil),
		"telemetry":     sec("enabled dcgm_exporter default_frequency storage_subdir required startup_timeout_seconds request_timeout_seconds collector_join_timeout_seconds", nil),
		"identity": sec("frameworks container", map[string]*keySchema{
			"model": sec("repo revision", nil),
		}),
		"reporting": sec("status ai_analysis", nil),
	}

	// v1Job is a whole v1 job (or the base of an override file).
	v1Job = sec("name environment container_mounts extra_mount srun_options sbatch_directives enable_config_dump setup_script", v1Sections)
)

// v1Backend is backend's schema for its type (sglang when absent); nil for
// a type srtctl does not know.
func v1Backend(typ string) *keySchema {
	if typ == "" {
		typ = "sglang"
	}
	return v1Backends[typ]
}

// unknownKey is a key srtctl does not accept, with the nearest one it does.
type unknownKey struct {
	path    string
	key     *yaml.Node
	suggest string // full dotted path of the nearest known key, "" when none is near
}

// unknownKeys walks a mapping against its schema and returns every key the
// schema does not have, in file order.
func unknownKeys(prefix string, m *yaml.Node, s *keySchema) []unknownKey {
	m = deref(m)
	if s == nil || m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	if s.byType != nil {
		_, t := mapGet(m, "type")
		typ := ""
		if t = deref(t); t != nil && t.Kind == yaml.ScalarNode {
			typ = t.Value
		}
		if s = s.byType(typ); s == nil {
			return nil // the type itself is reported
		}
	}
	var out []unknownKey
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if isMergeKey(k) {
			// `<<: *anchor` (or a list of them): PyYAML merges the
			// anchored mappings' keys in here, so they are checked here.
			v := deref(m.Content[i+1])
			if v != nil && v.Kind == yaml.SequenceNode {
				for _, c := range v.Content {
					out = append(out, unknownKeys(prefix, c, s)...)
				}
			} else {
				out = append(out, unknownKeys(prefix, v, s)...)
			}
			continue
		}
		path := joinPath(prefix, k.Value)
		sub, ok := s.keys[k.Value]
		if !ok {
			u := unknownKey{path: path, key: k}
			if near := nearest(k.Value, s.names()); near != "" {
				u.suggest = joinPath(prefix, near)
			}
			out = append(out, u)
			continue
		}
		out = append(out, unknownKeys(path, m.Content[i+1], sub)...)
	}
	return out
}

// knownIn reports whether a dotted path names a field of the schema (or
// lies below a free-form one).
func knownIn(s *keySchema, path string, backendType string) bool {
	parts := strings.Split(path, ".")
	for _, p := range parts {
		if s == nil {
			return true // inside a free-form value
		}
		if s.byType != nil {
			if s = s.byType(backendType); s == nil {
				return true
			}
		}
		sub, ok := s.keys[p]
		if !ok {
			return false
		}
		s = sub
	}
	return true
}

// nearestIn suggests the known path nearest to an unknown one: the last
// segment is compared with the fields of its section.
func nearestIn(s *keySchema, path string, backendType string) string {
	parts := strings.Split(path, ".")
	for i, p := range parts {
		if s == nil {
			return ""
		}
		if s.byType != nil {
			if s = s.byType(backendType); s == nil {
				return ""
			}
		}
		sub, ok := s.keys[p]
		if !ok {
			near := nearest(p, s.names())
			if near == "" {
				return ""
			}
			return strings.Join(append(append([]string{}, parts[:i]...), near), ".")
		}
		s = sub
	}
	return ""
}
