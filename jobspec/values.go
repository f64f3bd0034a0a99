package jobspec

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// fieldKind is the type srtctl gives a key.
type fieldKind int

const (
	kindUnknown fieldKind = iota
	kindInt
	kindString
	kindBool
	kindStringList
)

// fieldKinds types the keys srtctl P1 knows; profiling phases and
// environment maps are matched by pattern in kindOf.
var fieldKinds = map[string]fieldKind{
	"name": kindString, "model.path": kindString, "model.container": kindString, "model.precision": kindString,
	"resources.gpu_type": kindString, "resources.gpus_per_node": kindInt,
	"resources.prefill_nodes": kindInt, "resources.decode_nodes": kindInt,
	"resources.prefill_workers": kindInt, "resources.decode_workers": kindInt,
	"resources.agg_nodes": kindInt, "resources.agg_workers": kindInt,
	"slurm.account": kindString, "slurm.partition": kindString, "slurm.time_limit": kindString,
	"benchmark.type": kindString, "benchmark.isl": kindInt, "benchmark.osl": kindInt, "benchmark.req_rate": kindString,
	"profiling.type": kindString, "profiling.isl": kindInt, "profiling.osl": kindInt, "profiling.concurrency": kindInt,
	"backend.type": kindString, "backend.gpu_type": kindString,
	"backend.enable_multiple_frontends": kindBool, "backend.num_additional_frontends": kindInt,
	"enable_config_dump": kindBool, "extra_mount": kindStringList,
	// 1.0.x and 2.x
	"profiling.delay_secs": kindInt, "profiling.duration_secs": kindInt, "profiling.benchmark_duration_secs": kindInt,
	"profiling.extra_nsys_args": kindStringList, "profiling.nsys_trace": kindString, "profiling.capture_range_end": kindString,
	"profiling.nsys_library_paths": kindStringList, "frontend.type": kindString,
}

func kindOf(path string) fieldKind {
	if k, ok := fieldKinds[path]; ok {
		return k
	}
	parts := strings.Split(path, ".")
	if len(parts) == 3 && parts[0] == "profiling" && (parts[1] == PhasePrefill || parts[1] == PhaseDecode || parts[1] == PhaseAggregated) {
		for _, k := range phaseKeys {
			if parts[2] == k {
				return kindInt
			}
		}
		switch parts[2] {
		case "worker_index", "worker_rank":
			return kindInt
		case "capture_scope":
			return kindString
		}
	}
	if len(parts) == 3 && parts[0] == "backend" && strings.HasSuffix(parts[1], "_environment") {
		return kindString // environment values are strings for srtctl
	}
	return kindUnknown
}

// ParseValue turns text from a command line (KEY=VALUE) into the value Set
// should write, typed by the field: ints stay ints, known string fields
// stay strings even when they look like numbers ("1800"), booleans are
// true/false. A value in double quotes is always a string. For keys srtctl
// does not type (SGLang flags), the type of the value already in the file
// wins, else the text is read as YAML would read it.
func (d *Doc) ParseValue(path, text string) (any, error) {
	if len(text) >= 2 && text[0] == '"' && text[len(text)-1] == '"' {
		s, err := strconv.Unquote(text)
		if err != nil {
			return nil, fmt.Errorf("%s: bad quoted string %s: %v", path, text, err)
		}
		return s, nil
	}
	switch kindOf(path) {
	case kindInt:
		n, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			return nil, fmt.Errorf("%s takes a whole number, not %q", path, text)
		}
		return n, nil
	case kindString:
		return text, nil
	case kindBool:
		b, ok := parseBool(text)
		if !ok {
			return nil, fmt.Errorf("%s takes true or false, not %q", path, text)
		}
		return b, nil
	case kindStringList:
		if strings.TrimSpace(text) == "" {
			return []string{}, nil
		}
		items := strings.Split(text, ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
		return items, nil
	}
	if path == "benchmark.concurrencies" {
		if strings.Contains(text, "x") || !strings.HasPrefix(text, "[") {
			if n, err := strconv.Atoi(text); err == nil {
				return []int{n}, nil
			}
			return text, nil // "1x4x8"
		}
		return parseIntList(path, text)
	}
	if n := d.node(path); n != nil && n.Kind == yaml.ScalarNode {
		switch n.Tag {
		case "!!str":
			return text, nil
		case "!!int":
			if x, err := strconv.Atoi(text); err == nil {
				return x, nil
			}
		case "!!bool":
			if b, ok := parseBool(text); ok {
				return b, nil
			}
		}
	}
	return inferValue(text), nil
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func parseIntList(path, text string) (any, error) {
	inner := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(text), "["), "]"))
	if inner == "" {
		return []int{}, nil
	}
	var out []int
	for _, f := range strings.Split(inner, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a whole number", path, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// inferValue reads untyped text as YAML 1.2 would for the plain scalars the
// tool writes: integers, floats, true/false; anything else is a string.
func inferValue(text string) any {
	if n, err := strconv.Atoi(text); err == nil {
		return n
	}
	if b, ok := parseBool(text); ok {
		return b
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && strings.ContainsAny(text, ".eE") && !strings.ContainsAny(text, "xXnN_") {
		return f
	}
	return text
}
