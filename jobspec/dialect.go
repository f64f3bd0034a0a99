package jobspec

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Dialect is the srtctl version a job file is written for.
type Dialect string

const (
	// DialectP1 is early December 2025 srtctl, the version the tool targets:
	// isl/osl/concurrency per phase under profiling.prefill|decode.
	DialectP1 Dialect = "p1"
	// DialectP3 is late December 2025: isl/osl/concurrency at the top of
	// profiling, phases holding only steps, aggregated allowed.
	DialectP3 Dialect = "p3"
	// DialectCurrent is 2026 srtctl: steps-only profiling, traffic from the
	// benchmark, and keys P1 never had (dynamo, frontend, base, ...).
	DialectCurrent Dialect = "current"
	// DialectUnknown is a file nothing dialect-specific is in; P1 rules apply.
	DialectUnknown Dialect = "unknown"
)

// Dialects lists the dialects a user may force with --dialect.
var Dialects = []Dialect{DialectP1, DialectP3, DialectCurrent}

// ParseDialect reads a dialect name as given on the command line.
func ParseDialect(s string) (Dialect, bool) {
	switch Dialect(strings.ToLower(strings.TrimSpace(s))) {
	case DialectP1:
		return DialectP1, true
	case DialectP3:
		return DialectP3, true
	case DialectCurrent:
		return DialectCurrent, true
	case DialectUnknown:
		return DialectUnknown, true
	}
	return "", false
}

// Dialect says which srtctl version the file is written for. The shape of
// the profiling section decides first (it is what the dialects disagree
// on); otherwise keys only current srtctl knows make it current.
func (d *Doc) Dialect() Dialect {
	dia, _ := d.dialectWhy()
	return dia
}

// DialectReason is a short phrase saying what gave the dialect away, for
// the UI ("profiling.isl at the top of profiling").
func (d *Doc) DialectReason() string {
	_, why := d.dialectWhy()
	return why
}

var phaseTraffic = []string{"isl", "osl", "concurrency"}

// currentOnlyTop are top-level keys only current srtctl has.
var currentOnlyTop = []string{"dynamo", "frontend", "base", "identity", "health_check"}

// currentOnlyProfiling are profiling keys only current srtctl has.
var currentOnlyProfiling = []string{"extra_nsys_args", "delay_secs", "duration_secs"}

// stepsOnlyReason: profiling phases with steps and no traffic.
const stepsOnlyReason = "a steps-only profiling section"

func (d *Doc) dialectWhy() (Dialect, string) {
	if d.root == nil {
		return DialectUnknown, "empty file"
	}
	prof := d.node("profiling")
	if prof != nil && prof.Kind == yaml.MappingNode {
		for _, k := range phaseTraffic {
			if d.Has("profiling." + k) {
				return DialectP3, "profiling." + k + " at the top of profiling"
			}
		}
		for _, ph := range []string{PhasePrefill, PhaseDecode} {
			for _, k := range phaseTraffic {
				if d.Has("profiling." + ph + "." + k) {
					return DialectP1, "profiling." + ph + "." + k
				}
			}
		}
		for _, k := range currentOnlyProfiling {
			if d.Has("profiling." + k) {
				return DialectCurrent, "profiling." + k
			}
		}
		if t := d.str("profiling.type"); t == "nsys-time" {
			return DialectCurrent, "profiling.type nsys-time"
		}
		for _, ph := range []string{PhasePrefill, PhaseDecode, PhaseAggregated} {
			if d.Has("profiling."+ph+".start_step") || d.Has("profiling."+ph+".stop_step") {
				return DialectCurrent, stepsOnlyReason
			}
		}
		if d.Has("profiling.aggregated") {
			return DialectP3, "profiling.aggregated"
		}
	}
	if why := d.currentKeys(); why != "" {
		return DialectCurrent, why
	}
	return DialectUnknown, "nothing dialect-specific"
}

// currentKeys names a key only current srtctl has, "" when there is none.
func (d *Doc) currentKeys() string {
	if d.root == nil {
		return ""
	}
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		k := d.root.Content[i].Value
		for _, c := range currentOnlyTop {
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
