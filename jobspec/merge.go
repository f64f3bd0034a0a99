package jobspec

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// mapLookup is mapGet as srtctl reads the mapping: PyYAML applies merge
// keys (`<<: *anchor`, `<<: [*a, *b]`), so a key not written in m but in
// a merged mapping is set. As in PyYAML's flatten_mapping, keys written in
// m win, a later `<<` wins over an earlier one, the first mapping of a
// `<<` list wins over the next, and merged mappings apply their own
// merges. The key node returned is where the value is written (in the
// anchored mapping for a merged one).
func mapLookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	return mapLookupDepth(m, key, 0)
}

func mapLookupDepth(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	if k, v = mapGet(m, key); k != nil || m == nil || depth > MaxYAMLDepth {
		return k, v
	}
	for i := len(m.Content) - 2; i >= 0; i -= 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		src := deref(m.Content[i+1])
		if src == nil {
			continue
		}
		var from []*yaml.Node
		switch src.Kind {
		case yaml.MappingNode:
			from = []*yaml.Node{src}
		case yaml.SequenceNode:
			from = src.Content
		}
		for _, f := range from {
			if f = deref(f); f != nil && f.Kind == yaml.MappingNode {
				if k, v = mapLookupDepth(f, key, depth+1); k != nil {
					return k, v
				}
			}
		}
	}
	return nil, nil
}

// isMergeKey is a plain `<<` key (a quoted "<<" is an ordinary key).
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge"
}

// mergedFrom reports a key that path's parent mapping only has through a
// merge key, for edits that must not change the anchored mapping (every
// user of the anchor would change).
func mergedFrom(parent *yaml.Node, key string) (*yaml.Node, bool) {
	if dk, _ := mapGet(parent, key); dk != nil {
		return nil, false
	}
	k, _ := mapLookup(parent, key)
	return k, k != nil
}

// mergeError refuses a merge key PyYAML (srtctl's loader) refuses: its
// value must be a mapping or a list of mappings, directly or through
// aliases ("expected a mapping or list of mappings for merging"). yaml.v3
// keeps such a file as a tree and mapLookup would skip the bad merge,
// so without this check validate passed a file srtctl cannot load.
// Anchored nodes are checked where they are written, not at each alias.
func mergeError(name string, n *yaml.Node) error {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !isMergeKey(n.Content[i]) {
				continue
			}
			v := n.Content[i+1]
			switch dv := deref(v); {
			case dv != nil && dv.Kind == yaml.MappingNode:
			case dv != nil && dv.Kind == yaml.SequenceNode:
				for _, e := range dv.Content {
					if de := deref(e); de == nil || de.Kind != yaml.MappingNode {
						at := e
						if v.Kind == yaml.AliasNode {
							at = v // the list is elsewhere: point at its use here
						}
						return mergeSyntaxError(name, at, "a list given to the merge key << may hold only mappings (&anchor of key: value lines), not "+nodeKindName(de))
					}
				}
			default:
				return mergeSyntaxError(name, v, "the merge key << takes a mapping or a list of mappings, not "+nodeKindName(dv))
			}
		}
	}
	for _, c := range n.Content {
		if err := mergeError(name, c); err != nil {
			return err
		}
	}
	return nil
}

func mergeSyntaxError(name string, at *yaml.Node, why string) error {
	return &SyntaxError{File: name, Line: max(at.Line, 1), Col: max(at.Column, 1),
		Reason: why + "; srtctl's YAML loader (PyYAML) refuses the file"}
}

func nodeKindName(n *yaml.Node) string {
	switch {
	case n == nil:
		return "an undefined alias"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		return "an empty value"
	case n.Kind == yaml.ScalarNode:
		return "the value " + strconv.Quote(n.Value)
	}
	return "this"
}
