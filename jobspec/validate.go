package jobspec

import (
	"fmt"
	"strings"
)

// Validate checks the file with the rules of its detected dialect (a file
// that could be P1 or v1 is checked as v1). Findings are in file order.
func (d *Doc) Validate() []Finding { return d.ValidateAs(d.Dialect()) }

// ValidateAs checks the file with the rules of the given dialect, as
// --dialect asks: each dialect's own srtctl rules with its messages, the
// traps its srtctl loads and the job then fails on, unknown keys with the
// nearest known one, and in every dialect the values srtctl's YAML loader
// reads differently.
func (d *Doc) ValidateAs(dia Dialect) []Finding {
	v := &validator{d: d, job: d.Job()}
	switch dia {
	case DialectV2:
		v.v2()
	case DialectV1:
		v.v1()
	case DialectP3:
		v.common()
		v.p3()
		v.profilingTypos(DialectP3)
	case DialectP1:
		v.common()
		v.p1()
		v.profilingTypos(DialectP1)
	default:
		v.unknownNotice()
	}
	v.pyyamlReadings()
	v.sort()
	return v.out
}

// unknownNotice: a file with nothing of a job in it gets only the
// dialect-independent checks.
func (v *validator) unknownNotice() {
	v.out = append(v.out, Finding{Severity: Notice, Line: 1, Col: 1,
		Message: "no srtctl dialect recognised (none of name, model, resources, profiling, ...): only YAML readings checked; use --dialect v2, v1, p3 or p1"})
}

// SrtctlVerdict is what the given dialect's srtctl prints when it refuses
// the file at load time, "" when it loads it. prefixed says whether srtctl
// puts "Invalid config in <path>: " before it (2.x's schema gate does
// not). Field errors come as one dict, as marshmallow reports them (in
// file order; srtctl's own order is random per process).
func (d *Doc) SrtctlVerdict(dia Dialect) (msg string, prefixed bool) {
	fs := d.ValidateAs(dia)
	for _, f := range fs {
		if f.gate && f.Severity == Error || f.gate && dia == DialectV2 {
			return f.Message, false
		}
	}
	var fields []Finding
	for _, f := range fs {
		if f.srtctl != "" {
			fields = append(fields, f)
		}
	}
	if len(fields) > 0 {
		return marshmallowDict(fields), true
	}
	for _, f := range fs {
		if f.Severity == Error && !f.Precheck {
			return f.Message, true
		}
	}
	return "", false
}

// marshmallowDict renders field errors as marshmallow's nested dict:
// {'profiling': {'prefill': {'isl': ['Unknown field.']}}}.
func marshmallowDict(fs []Finding) string {
	type node struct {
		keys []string
		kids map[string]*node
		msgs []string
	}
	root := &node{kids: map[string]*node{}}
	for _, f := range fs {
		cur := root
		for _, p := range strings.Split(f.Path, ".") {
			next, ok := cur.kids[p]
			if !ok {
				next = &node{kids: map[string]*node{}}
				cur.kids[p] = next
				cur.keys = append(cur.keys, p)
			}
			cur = next
		}
		cur.msgs = append(cur.msgs, f.srtctl)
	}
	var render func(n *node) string
	render = func(n *node) string {
		if len(n.keys) == 0 {
			q := make([]string, len(n.msgs))
			for i, m := range n.msgs {
				q[i] = pyRepr(m)
			}
			return "[" + strings.Join(q, ", ") + "]"
		}
		parts := make([]string, len(n.keys))
		for i, k := range n.keys {
			parts[i] = fmt.Sprintf("%s: %s", pyRepr(k), render(n.kids[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return render(root)
}
