package jobspec

import "go.yaml.in/yaml/v3"

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
