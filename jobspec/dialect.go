package jobspec

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Dialect is the srtctl version a job file is written for.
type Dialect string

const (
	// DialectV2 is srtctl 2.x (from September 2026): a top-level
	// `schema: 2`, topology in roles:, the engine in engine:.
	DialectV2 Dialect = "v2"
	// DialectV1 is srtctl 1.0.x (February to August 2026): steps-only
	// profiling, traffic from the benchmark, topology in resources.
	DialectV1 Dialect = "v1"
	// DialectP3 is late December 2025: isl/osl/concurrency at the top of
	// profiling, phases holding only steps, aggregated allowed.
	DialectP3 Dialect = "p3"
	// DialectP1 is early December 2025 srtctl, the seed the tool began
	// with: isl/osl/concurrency per phase under profiling.prefill|decode.
	DialectP1 Dialect = "p1"
	// DialectUnknown is a file with nothing of a job in it (empty, or none
	// of the sections every srtctl has).
	DialectUnknown Dialect = "unknown"
)

// Dialects lists every dialect, newest first, as --dialect takes them and
// as `new` offers them.
var Dialects = []Dialect{DialectV2, DialectV1, DialectP3, DialectP1, DialectUnknown}

// ParseDialect reads a dialect name as given on the command line. The
// name this tool used before 1.0.x and 2.x were told apart, "current",
// still means v1.
func ParseDialect(s string) (Dialect, bool) {
	switch d := Dialect(strings.ToLower(strings.TrimSpace(s))); d {
	case DialectV2, DialectV1, DialectP3, DialectP1, DialectUnknown:
		return d, true
	case "current", "1.0", "1":
		return DialectV1, true
	case "2", "2.x":
		return DialectV2, true
	}
	return "", false
}

// Title names the srtctl a dialect is for, for people ("srtctl 1.0.x").
func (d Dialect) Title() string {
	switch d {
	case DialectV2:
		return "srtctl 2.x"
	case DialectV1:
		return "srtctl 1.0.x"
	case DialectP3:
		return "srtctl P3 (late December 2025)"
	case DialectP1:
		return "srtctl P1 (early December 2025)"
	}
	return "no known srtctl"
}

// Detection is what Detect decided and why.
type Detection struct {
	Dialect Dialect
	// Reason is a short phrase saying what gave the dialect away
	// ("profiling.isl at the top of profiling").
	Reason string
	// Assumed is true when the file could be P1 or v1 (it has neither
	// traffic keys nor anything only 1.0.x knows): Dialect is then the
	// cluster's srtctl, or v1 when no cluster is known.
	Assumed bool
}

// Detect decides the file's dialect. cluster is the dialect of the srtctl
// the job is for, "" when not known; it decides only for files that could
// be either P1 or v1.
func (d *Doc) Detect(cluster Dialect) Detection {
	det := d.detect()
	if det.Dialect != "" {
		return det
	}
	det.Assumed = true
	switch cluster {
	case DialectP1, DialectP3:
		det.Dialect = cluster
		det.Reason += "; it could be P1 or v1: assumed " + string(cluster) + ", the cluster's srtctl"
	case DialectV1:
		det.Dialect = DialectV1
		det.Reason += "; it could be P1 or v1: assumed v1, the cluster's srtctl"
	default:
		// A v2 cluster runs v1 files only after `srtctl migrate`; the file
		// itself is still v1.
		det.Dialect = DialectV1
		det.Reason += "; it could be P1 or v1: assumed v1 (no cluster srtctl known)"
	}
	return det
}

// Dialect is Detect without a cluster: files that could be P1 or v1 are v1.
func (d *Doc) Dialect() Dialect { return d.Detect("").Dialect }

// DialectReason is Detect's reason without a cluster, for the UI.
func (d *Doc) DialectReason() string { return d.Detect("").Reason }

var phaseTraffic = []string{"isl", "osl", "concurrency"}

// v1OnlyTop are top-level keys P1 and P3 never had.
var v1OnlyTop = []string{"dynamo", "frontend", "base", "identity", "health_check", "observability", "telemetry", "infra", "output", "reporting", "setup_script", "container_mounts", "srun_options", "sbatch_directives", "environment"}

// v1OnlyProfiling are profiling keys P1 and P3 never had.
var v1OnlyProfiling = []string{"extra_nsys_args", "delay_secs", "duration_secs", "benchmark_duration_secs"}

// jobTop are the sections every dialect's job has; a file with none of
// them is not recognisably a job.
var jobTop = []string{"name", "model", "resources", "backend", "benchmark", "profiling", "slurm", "schema", "engine", "roles", "base", "sweep"}

// detect gives the dialect the file proves, or "" with a reason when it
// could be P1 or v1. The order is the reference's order of evidence:
// schema, then the profiling block, then keys only 1.0.x has.
func (d *Doc) detect() Detection {
	if d.root == nil {
		return Detection{Dialect: DialectUnknown, Reason: "empty file"}
	}
	if k, _ := mapGet(d.root, "schema"); k != nil {
		return Detection{Dialect: DialectV2, Reason: "top-level schema:"}
	}
	prof := d.node("profiling")
	if prof != nil && prof.Kind == yaml.MappingNode {
		for _, k := range phaseTraffic {
			if d.Has("profiling." + k) {
				return Detection{Dialect: DialectP3, Reason: "profiling." + k + " at the top of profiling"}
			}
		}
		for _, ph := range []string{PhasePrefill, PhaseDecode, PhaseAggregated} {
			for _, k := range phaseTraffic {
				if d.Has("profiling." + ph + "." + k) {
					return Detection{Dialect: DialectP1, Reason: "profiling." + ph + "." + k}
				}
			}
		}
		for _, k := range v1OnlyProfiling {
			if d.Has("profiling." + k) {
				return Detection{Dialect: DialectV1, Reason: "profiling." + k}
			}
		}
		if t := d.str("profiling.type"); t == "nsys-time" {
			return Detection{Dialect: DialectV1, Reason: "profiling.type nsys-time"}
		}
	}
	if why := d.v1Keys(); why != "" {
		return Detection{Dialect: DialectV1, Reason: why}
	}
	if prof != nil && prof.Kind == yaml.MappingNode && d.Has("profiling.aggregated") && !d.stepsOnly() {
		return Detection{Dialect: DialectP3, Reason: "profiling.aggregated"}
	}
	known := false
	for _, k := range jobTop {
		if kk, _ := mapGet(d.root, k); kk != nil {
			known = true
			break
		}
	}
	if !known {
		return Detection{Dialect: DialectUnknown, Reason: "none of a job's sections (name, model, resources, ...)"}
	}
	if d.stepsOnly() {
		return Detection{Reason: stepsOnlyReason}
	}
	return Detection{Reason: "no profiling traffic keys"}
}

// stepsOnlyReason: profiling phases with steps and no traffic.
const stepsOnlyReason = "a steps-only profiling section"

// stepsOnly: some phase has a step and none has traffic (checked before).
func (d *Doc) stepsOnly() bool {
	for _, ph := range []string{PhasePrefill, PhaseDecode, PhaseAggregated} {
		if d.Has("profiling."+ph+".start_step") || d.Has("profiling."+ph+".stop_step") {
			return true
		}
	}
	return false
}

// v1Keys names a key only 1.0.x (or later) has, "" when there is none.
func (d *Doc) v1Keys() string {
	if d.root == nil {
		return ""
	}
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		k := d.root.Content[i].Value
		for _, c := range v1OnlyTop {
			if k == c {
				return "top-level " + k + ":"
			}
		}
		if strings.HasPrefix(k, "override_") || strings.HasPrefix(k, "zip_override_") {
			return "top-level " + k + ":"
		}
	}
	if t := d.str("backend.type"); t != "" && t != "sglang" {
		return "backend.type " + t
	}
	return ""
}
