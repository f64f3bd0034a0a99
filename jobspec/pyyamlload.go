package jobspec

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// srtctl loads job files with PyYAML's safe_load, whose constructor
// refuses what yaml.v3 parses into a tree without complaint: a tag it has
// no constructor for (`!foo`, `!!python/object:...`, a %TAG prefix), a
// standard tag on the wrong kind of node (`!!str {a: 1}`), a `!!bool`,
// `!!int` or `!!float` whose value it cannot read, and a list or mapping
// used as a key ("found unhashable key"). Such a file passed validate and
// then failed in srtctl. The other way round, yaml.v3 refuses a %YAML 1.2
// directive that PyYAML loads (asYAML11).

// pyyamlSafeTags are the tags SafeConstructor builds, with the node kind
// each needs.
var pyyamlSafeTags = map[string]yaml.Kind{
	"!!null": yaml.ScalarNode, "!!bool": yaml.ScalarNode, "!!int": yaml.ScalarNode,
	"!!float": yaml.ScalarNode, "!!binary": yaml.ScalarNode, "!!timestamp": yaml.ScalarNode,
	"!!str": yaml.ScalarNode, "!!seq": yaml.SequenceNode, "!!omap": yaml.SequenceNode,
	"!!pairs": yaml.SequenceNode, "!!set": yaml.MappingNode, "!!map": yaml.MappingNode,
}

// pyyamlBoolValues are SafeConstructor.bool_values (looked up lowercased).
var pyyamlBoolValues = map[string]bool{"yes": true, "no": true, "true": true, "false": true, "on": true, "off": true}

// pyyamlLoadError is the first node of the tree under n that PyYAML's
// safe_load would refuse to construct, as a *SyntaxError; nil if none.
// Anchored nodes are checked where they are written.
func pyyamlLoadError(name string, n *yaml.Node) error {
	if n == nil || n.Kind == yaml.AliasNode {
		return nil
	}
	if n.Style&yaml.TaggedStyle != 0 && n.Tag != "!" && !(n.Kind == yaml.ScalarNode && isMergeKey(n)) {
		tag := n.ShortTag()
		kind, known := pyyamlSafeTags[tag]
		switch {
		case !known:
			return pyyamlRefusal(name, n, fmt.Sprintf("srtctl's YAML loader (PyYAML safe_load) has no constructor for the tag %s", strings.ToValidUTF8(tag, "?")), "remove the tag")
		case kind != n.Kind:
			return pyyamlRefusal(name, n, fmt.Sprintf("the tag %s needs a %s, not a %s", tag, kindName(&yaml.Node{Kind: kind}), kindName(n)), "remove the tag")
		case tag == "!!bool" && !pyyamlBoolValues[strings.ToLower(n.Value)]:
			return pyyamlRefusal(name, n, fmt.Sprintf("%q is not a boolean for srtctl's YAML loader (PyYAML)", n.Value), "write true or false")
		case tag == "!!int" && !pyyamlInt(n.Value):
			return pyyamlRefusal(name, n, fmt.Sprintf("%q is not an integer for srtctl's YAML loader (PyYAML)", n.Value), "write a whole number, or remove the tag")
		case tag == "!!float" && !pyyamlFloat(n.Value):
			return pyyamlRefusal(name, n, fmt.Sprintf("%q is not a number for srtctl's YAML loader (PyYAML)", n.Value), "write a number, or remove the tag")
		}
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := deref(n.Content[i]); k != nil && (k.Kind == yaml.MappingNode || k.Kind == yaml.SequenceNode) {
				return pyyamlRefusal(name, n.Content[i], "a "+kindName(k)+" used as a key is refused by srtctl's YAML loader (PyYAML: found unhashable key)", "use a plain key: name")
			}
		}
	}
	for _, c := range n.Content {
		if err := pyyamlLoadError(name, c); err != nil {
			return err
		}
	}
	return nil
}

func pyyamlRefusal(name string, at *yaml.Node, why, fix string) error {
	return &SyntaxError{File: name, Line: max(at.Line, 1), Col: max(at.Column, 1), Reason: why + " (" + fix + ")"}
}

// pyyamlInt reports whether SafeConstructor.construct_yaml_int reads s:
// underscores dropped, one sign, then 0, 0b.., 0x.., 0.. (octal),
// a:b:c (base 60) or a decimal, each through Python's int().
func pyyamlInt(s string) bool {
	v := strings.ReplaceAll(s, "_", "")
	if v != "" && (v[0] == '-' || v[0] == '+') {
		v = v[1:]
	}
	switch {
	case v == "":
		return false
	case v == "0":
		return true
	case strings.HasPrefix(v, "0b"):
		return pythonInt(v[2:], 2)
	case strings.HasPrefix(v, "0x"):
		return pythonInt(v[2:], 16)
	case v[0] == '0':
		return pythonInt(v, 8)
	case strings.Contains(v, ":"):
		for _, part := range strings.Split(v, ":") {
			if !pythonInt(part, 10) {
				return false
			}
		}
		return true
	}
	return pythonInt(v, 10)
}

// pythonInt is int(s, base) not raising: blanks around, one sign, the
// base's own prefix (0o for 8, 0x for 16, 0b for 2), at least one digit.
func pythonInt(s string, base int) bool {
	s = strings.Trim(s, " \t\n\r\f\v")
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if prefix := map[int]string{2: "0b", 8: "0o", 16: "0x"}[base]; prefix != "" && len(s) > 2 && strings.EqualFold(s[:2], prefix) {
		s = s[2:]
	}
	if s == "" {
		return false
	}
	for _, r := range strings.ToLower(s) {
		d := -1
		switch {
		case r >= '0' && r <= '9':
			d = int(r - '0')
		case r >= 'a' && r <= 'z':
			d = int(r-'a') + 10
		}
		if d < 0 || d >= base {
			return false
		}
	}
	return true
}

// pyyamlFloatRe is what Python's float() reads, after construct_yaml_float
// dropped underscores, lowercased and took one sign.
var pyyamlFloatRe = regexp.MustCompile(`^[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?|inf|infinity|nan)$`)

// pyyamlFloat reports whether SafeConstructor.construct_yaml_float reads s.
func pyyamlFloat(s string) bool {
	v := strings.ToLower(strings.ReplaceAll(s, "_", ""))
	if v != "" && (v[0] == '-' || v[0] == '+') {
		v = v[1:]
	}
	switch {
	case v == "":
		return false
	case v == ".inf" || v == ".nan":
		return true
	case strings.Contains(v, ":"):
		for _, part := range strings.Split(v, ":") {
			if !pyyamlFloatRe.MatchString(strings.Trim(part, " \t\n\r\f\v")) {
				return false
			}
		}
		return true
	}
	return pyyamlFloatRe.MatchString(strings.Trim(v, " \t\n\r\f\v"))
}

// yamlDirectiveRe is a %YAML 1.x directive line whose minor version is not
// 1: PyYAML loads such a file (with a warning), yaml.v3 refuses it
// ("found incompatible YAML document").
var yamlDirectiveRe = regexp.MustCompile(`(?m)^%YAML[ \t]+1\.([02-9]|[0-9]{2,})[ \t]*(?:#.*)?\r?$`)

// asYAML11 is src with such directives read as %YAML 1.1 (what both
// parsers take, and how PyYAML reads the file anyway), padded with blanks
// so that every byte after them keeps its offset: the tree still points
// into src.
func asYAML11(src []byte) []byte {
	locs := yamlDirectiveRe.FindAllSubmatchIndex(src, -1)
	if locs == nil {
		return src
	}
	out := bytes.Clone(src)
	for _, l := range locs {
		start, end := l[2]-2, l[3] // "1." and the minor version
		copy(out[start:end], append([]byte("1.1"), bytes.Repeat([]byte(" "), end-start-3)...))
	}
	return out
}
