package jobspec

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// srtctl loads job files with PyYAML's safe_load, whose constructor
// refuses what yaml.v3 parses into a tree without complaint: a tag it has
// no constructor for (`!foo`, `!!python/object:...`, a %TAG prefix), a
// standard tag on the wrong kind of node (`!!str {a: 1}`), a `!!bool`
// that is no boolean, and a list or mapping used as a key ("found
// unhashable key"). Such a file passed validate and then failed in srtctl.

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
