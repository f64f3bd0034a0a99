package jobspec

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// validator collects findings for one Doc.
type validator struct {
	d   *Doc
	job Job
	out []Finding
}

func (v *validator) add(sev Severity, path, msg string) {
	line, col := v.d.Position(path)
	v.out = append(v.out, Finding{Severity: sev, Path: path, Line: line, Col: col, Message: msg})
}

// precheck adds a finding for something srtctl does not check itself.
func (v *validator) precheck(sev Severity, path, msg string) {
	v.add(sev, path, msg)
	v.out[len(v.out)-1].Precheck = true
}

// sort puts findings in file order and drops repeats (a value read by
// two rules is reported once).
func (v *validator) sort() {
	seen := map[string]bool{}
	kept := v.out[:0]
	for _, f := range v.out {
		key := f.Path + "\x00" + f.Message
		if !seen[key] {
			seen[key] = true
			kept = append(kept, f)
		}
	}
	v.out = kept
	sort.SliceStable(v.out, func(i, j int) bool {
		a, b := v.out[i], v.out[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// placeholder reports a sweep value such as "{tp}" that srtctl fills in
// per generated job: checks on it wait for the generated files.
func (v *validator) placeholder(n *yaml.Node) bool {
	n = deref(n)
	return v.job.Sweep && n != nil && n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "{") && strings.Contains(n.Value, "}")
}

// present is a key with a non-null value.
func (v *validator) present(path string) bool { return v.d.present(path) }

// intAt reads an integer, reporting a value that is not one. ok is false
// when absent, not an integer, or a sweep placeholder.
func (v *validator) intAt(path string) (int, bool) {
	n := v.d.node(path)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return 0, false
	}
	if x, ok := intNode(n); ok {
		return x, true
	}
	if !v.placeholder(n) {
		v.add(Error, path, path+": Input should be a valid integer, unable to parse "+describe(n)+" as an integer")
	}
	return 0, false
}

func describe(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return "a " + kindName(n)
	}
	return fmt.Sprintf("%q", n.Value)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// strAt reads a string-typed scalar ("" when absent).
func (v *validator) strAt(path string) (string, *yaml.Node) {
	n := v.d.node(path)
	if n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		v.add(Error, path, path+": Input should be a valid string, got a "+kindName(n))
		return "", nil
	}
	return n.Value, n
}

// enum checks a string field against its allowed values, in pydantic's
// words.
func (v *validator) enum(path string, allowed []string) (string, bool) {
	s, n := v.strAt(path)
	if n == nil || v.placeholder(n) {
		return s, false
	}
	for _, a := range allowed {
		if s == a {
			return s, true
		}
	}
	v.add(Error, path, fmt.Sprintf("%s: Input should be %s (got %q)", path, oneOf(allowed), s))
	return s, false
}

func oneOf(allowed []string) string {
	q := make([]string, len(allowed))
	for i, a := range allowed {
		q[i] = "'" + a + "'"
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func (v *validator) required(path string) {
	if !v.present(path) {
		v.add(Error, path, path+": Field required")
	}
}

// section checks that path, when present, is a mapping.
func (v *validator) section(path string) bool {
	n := v.d.node(path)
	if n == nil {
		return false
	}
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			v.add(Error, path, path+": Input should be a valid dictionary (the section is empty)")
		} else {
			v.add(Error, path, path+": Input should be a valid dictionary, got "+describe(n))
		}
		return false
	}
	return true
}

// pyInt formats an optional int as Python prints it.
func pyInt(x int, ok bool) string {
	if !ok {
		return "None"
	}
	return fmt.Sprint(x)
}
