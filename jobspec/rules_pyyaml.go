package jobspec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// srtctl loads job files with PyYAML, which resolves plain (unquoted)
// scalars by YAML 1.1; this package reads them by YAML 1.2 (yaml.v3). Most
// values read the same; these do not, and a file that means one thing here
// and another to srtctl is worth a warning: `time_limit: 2:00:00` is the
// integer 7200 to PyYAML, `name: yes` the boolean true, `1e3` the text
// "1e3". The patterns are PyYAML's own resolvers (yaml/resolver.py).
var (
	pyBoolRe  = regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)
	pyIntRe   = regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)
	pyFloatRe = regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)
	pyNullRe  = regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)
)

// readsPyyamlBools are the boolean keys this tool reads as PyYAML does
// (yes/no/on/off included), so they need no warning.
var readsPyyamlBools = map[string]bool{"enable_config_dump": true}

// pyyamlKind is the type PyYAML gives a plain scalar: bool, int, float,
// null or str.
func pyyamlKind(s string) string {
	switch {
	case pyBoolRe.MatchString(s):
		return "bool"
	case pyIntRe.MatchString(s):
		return "int"
	case pyFloatRe.MatchString(s):
		return "float"
	case pyNullRe.MatchString(s):
		return "null"
	}
	return "str"
}

// yamlKind is the type yaml.v3 gave the node.
func yamlKind(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!bool":
		return "bool"
	case "!!int":
		return "int"
	case "!!float":
		return "float"
	case "!!null":
		return "null"
	}
	return "str"
}

// maxPyyamlWarnings bounds the warnings of one file about values PyYAML
// reads differently: a generated file can hold 100,000 such values, and
// the same warning for each is no help (and costs memory and time).
const maxPyyamlWarnings = 100

// pyyamlReadings warns about every plain value PyYAML reads as another
// type than this tool does, the first maxPyyamlWarnings of them one by
// one, then one more warning that counts the rest.
func (v *validator) pyyamlReadings() {
	warned, more := 0, 0
	var firstMore *yaml.Node
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], joinPath(path, n.Content[i].Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, joinPath(path, strconv.Itoa(i)))
			}
		case yaml.ScalarNode:
			if n.Style != 0 || n.Tag != "" && !strings.HasPrefix(n.Tag, "!!") || v.placeholder(n) {
				return
			}
			py, ours := pyyamlKind(n.Value), yamlKind(n)
			if py == ours || py == "bool" && readsPyyamlBools[path] {
				return
			}
			if warned == maxPyyamlWarnings {
				if more++; firstMore == nil {
					firstMore = n
				}
				return
			}
			warned++
			v.out = append(v.out, Finding{Severity: Warning, Path: path, Line: n.Line, Col: n.Column,
				Message: pyyamlMessage(path, n.Value, py)})
		}
	}
	if v.d.root != nil {
		walk(v.d.root, "")
	}
	if more > 0 {
		v.out = append(v.out, Finding{Severity: Warning, Line: firstMore.Line, Col: firstMore.Column,
			Message: fmt.Sprintf("%d more values from here on are read differently by srtctl's YAML loader (PyYAML, YAML 1.1), as the %d above are; only the first %d are listed", more, maxPyyamlWarnings, maxPyyamlWarnings)})
	}
}

func pyyamlMessage(path, s, py string) string {
	reads := map[string]string{"bool": "the boolean " + pyBoolValue(s), "int": "the integer " + pyIntValue(s),
		"float": "a number", "null": "null (no value)", "str": fmt.Sprintf("the text %q", s)}[py]
	fix := fmt.Sprintf("quote it (%q) if you mean the text", s)
	if py == "str" {
		fix = "write it in a form both read as a number (for example 1000 or 1.0e+3)"
	}
	return fmt.Sprintf("%s: srtctl's YAML loader (PyYAML, YAML 1.1) reads %s as %s, not as this tool does; %s", path, s, reads, fix)
}

// pyyamlBool reads a boolean as srtctl does: true/false, and unquoted
// yes/no/on/off too.
func pyyamlBool(n *yaml.Node) (b, ok bool) {
	if !isPyyamlBool(n) {
		return false, false
	}
	return pyBoolValue(n.Value) == "true", true
}

func isPyyamlBool(n *yaml.Node) bool {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false
	}
	if n.Style == 0 {
		return pyBoolRe.MatchString(n.Value)
	}
	return n.ShortTag() == "!!bool" // an explicit !!bool tag on a quoted value
}

func pyBoolValue(s string) string {
	switch strings.ToLower(s) {
	case "yes", "true", "on":
		return "true"
	}
	return "false"
}

// pyIntValue is the value of a PyYAML int, worked out for the forms that
// surprise (sexagesimal 2:00:00, octal 0755, underscores).
func pyIntValue(s string) string {
	t := strings.ReplaceAll(s, "_", "")
	sign := int64(1)
	if strings.HasPrefix(t, "-") {
		sign, t = -1, t[1:]
	} else {
		t = strings.TrimPrefix(t, "+")
	}
	var n int64
	var err error
	switch {
	case strings.Contains(t, ":"):
		for _, part := range strings.Split(t, ":") {
			d, perr := strconv.ParseInt(part, 10, 64)
			if perr != nil {
				return s
			}
			n = n*60 + d
		}
	case strings.HasPrefix(t, "0b"):
		n, err = strconv.ParseInt(t[2:], 2, 64)
	case strings.HasPrefix(t, "0x"):
		n, err = strconv.ParseInt(t[2:], 16, 64)
	case len(t) > 1 && t[0] == '0':
		n, err = strconv.ParseInt(t[1:], 8, 64)
	default:
		n, err = strconv.ParseInt(t, 10, 64)
	}
	if err != nil {
		return s
	}
	return strconv.FormatInt(sign*n, 10)
}
