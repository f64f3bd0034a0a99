package jobspec

import "fmt"

// The profiling keys P1 and P3 read; other dialects' keys are named with
// the dialect they belong to.
var (
	p1ProfilingSchema = sec("type", map[string]*keySchema{
		PhasePrefill: sec("isl osl concurrency start_step stop_step", nil),
		PhaseDecode:  sec("isl osl concurrency start_step stop_step", nil),
	})
	p3ProfilingSchema = sec("type isl osl concurrency", map[string]*keySchema{
		PhasePrefill: sec("start_step stop_step", nil), PhaseDecode: sec("start_step stop_step", nil), PhaseAggregated: sec("start_step stop_step", nil),
	})
)

// profilingSchemaOf is the profiling section each dialect reads.
func profilingSchemaOf(dia Dialect) *keySchema {
	switch dia {
	case DialectP1:
		return p1ProfilingSchema
	case DialectP3:
		return p3ProfilingSchema
	case DialectV1:
		return v1ProfilingSchema
	case DialectV2:
		return v2ProfilingSchema
	}
	return nil
}

// profilingTypos warns about profiling keys P1/P3 do not read (P1's
// pydantic model drops them silently): the nearest known key, or the
// dialect the key belongs to. P1's own warnings about P3 keys stay.
func (v *validator) profilingTypos(dia Dialect) {
	for _, u := range unknownKeys("profiling", v.d.node("profiling"), profilingSchemaOf(dia)) {
		if dia == DialectP1 && (u.path == "profiling.isl" || u.path == "profiling.osl" || u.path == "profiling.concurrency" || u.path == "profiling.aggregated") {
			continue // p1() says what P1 does with the P3 layout
		}
		msg := fmt.Sprintf("%s is not a key srtctl %s reads; it is ignored", u.path, dia)
		if owner := ForeignDialect(dia, u.path); owner != "" {
			msg += fmt.Sprintf(" (it belongs to %s files)", owner.Title())
		} else {
			msg += didYouMean(u.suggest)
		}
		v.out = append(v.out, Finding{Severity: Warning, Path: u.path, Line: u.key.Line, Col: u.key.Column, Message: msg})
	}
}

// ForeignDialect names the dialect a key belongs to when the file's own
// dialect does not have it and another does ("" when dia has it, or no
// dialect does). set refuses such keys unless forced.
func ForeignDialect(dia Dialect, path string) Dialect {
	own := dialectSchema(dia)
	if own == nil || knownIn(own, path, "") {
		return ""
	}
	for _, other := range []Dialect{DialectV2, DialectV1, DialectP3, DialectP1} {
		if other != dia && knownIn(dialectSchema(other), path, "") {
			return other
		}
	}
	return ""
}

// dialectSchema is the part of a dialect's keys this package can vouch
// for: whole jobs for v1 and v2, the profiling section for P1 and P3.
func dialectSchema(dia Dialect) *keySchema {
	switch dia {
	case DialectV1:
		return v1Job
	case DialectV2:
		return v2Job
	case DialectP1, DialectP3:
		return sec(p13Top, map[string]*keySchema{"profiling": profilingSchemaOf(dia)})
	}
	return nil
}

// p13Top are the top-level keys P1 and P3 jobs have (the seed's model).
const p13Top = "name model resources slurm benchmark backend enable_config_dump extra_mount sweep"

// UnknownKey says why path is not a key of the file's dialect: the
// dialect it belongs to, or the nearest known key; "" when it is known
// (or the dialect's keys are not all known, as below free-form sections).
// refuse is true when writing it would be wrong: a key of another
// dialect, or any unknown key where srtctl rejects unknown keys (1.0.x and
// 2.x: `Unknown field.`); P1 and P3 ignore an unknown key, so there it is
// only worth saying.
func (d *Doc) UnknownKey(dia Dialect, path string) (msg string, refuse bool) {
	s := dialectSchema(dia)
	if s == nil {
		return "", false
	}
	bt := d.str("backend.type")
	if knownIn(s, path, bt) {
		return "", false
	}
	if owner := ForeignDialect(dia, path); owner != "" {
		return fmt.Sprintf("%s belongs to %s files; this file is %s", path, owner.Title(), dia.Title()), true
	}
	msg = fmt.Sprintf("%s is not a key of %s", path, dia.Title())
	if near := nearestIn(s, path, bt); near != "" {
		msg += " (did you mean " + near + "?)"
	}
	return msg, dia == DialectV1 || dia == DialectV2
}
