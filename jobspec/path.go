package jobspec

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// splitPath splits a dotted path ("profiling.decode.isl") into keys. A
// numeric segment indexes a sequence ("extra_mount.0").
func splitPath(path string) ([]string, error) {
	if path == "" {
		return nil, fmt.Errorf("empty key path")
	}
	parts := strings.Split(path, ".")
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("key path %q has an empty segment", path)
		}
	}
	return parts, nil
}

// mapGet returns the key and value nodes of key in mapping m. With
// duplicate keys the last wins, as in PyYAML.
func mapGet(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == key {
			k, v = m.Content[i], m.Content[i+1]
		}
	}
	return k, v
}

// deref follows an alias to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 10; i++ {
		n = n.Alias
	}
	return n
}

// lookup walks parts from root. It returns the key and value node of the
// last segment when present; otherwise found is false and lastKey is the
// key node of the deepest present ancestor (nil at top level), which is
// where a finding about the missing value points.
func lookup(root *yaml.Node, parts []string) (key, val, lastKey *yaml.Node, found bool) {
	cur := root
	for i, p := range parts {
		cur = deref(cur)
		if cur == nil {
			return nil, nil, lastKey, false
		}
		switch cur.Kind {
		case yaml.MappingNode:
			k, v := mapLookup(cur, p)
			if k == nil {
				return nil, nil, lastKey, false
			}
			if i == len(parts)-1 {
				return k, v, k, true
			}
			lastKey, cur = k, v
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(p)
			if err != nil || idx < 0 || idx >= len(cur.Content) {
				return nil, nil, lastKey, false
			}
			if i == len(parts)-1 {
				return nil, cur.Content[idx], lastKey, true
			}
			cur = cur.Content[idx]
		default:
			return nil, nil, lastKey, false
		}
	}
	return nil, nil, lastKey, false
}

// node returns the value node at path, nil when absent.
func (d *Doc) node(path string) *yaml.Node {
	parts, err := splitPath(path)
	if err != nil || d.root == nil {
		return nil
	}
	_, v, _, ok := lookup(d.root, parts)
	if !ok {
		return nil
	}
	return deref(v)
}

// Has reports whether path is present (even with a null value).
func (d *Doc) Has(path string) bool {
	parts, err := splitPath(path)
	if err != nil || d.root == nil {
		return false
	}
	_, _, _, ok := lookup(d.root, parts)
	return ok
}

// Get returns the scalar value at path as written (without quotes); ok is
// false when the path is absent or not a scalar.
func (d *Doc) Get(path string) (string, bool) {
	n := d.node(path)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// Position returns the 1-based line and column of the value at path, or of
// the deepest present parent key when it is absent (0, 0 for an empty file).
func (d *Doc) Position(path string) (line, col int) {
	parts, err := splitPath(path)
	if err != nil || d.root == nil {
		return 0, 0
	}
	k, v, last, ok := lookup(d.root, parts)
	switch {
	case ok && v != nil && !isEmptyNull(v) && !(k != nil && isBlockCollection(v)):
		return v.Line, v.Column
	case ok && k != nil:
		return k.Line, k.Column
	case last != nil:
		return last.Line, last.Column
	}
	return d.root.Line, d.root.Column
}

// isBlockCollection is a block mapping or sequence, whose own position is
// its first child's; findings about it point at its key instead.
func isBlockCollection(n *yaml.Node) bool {
	return (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle == 0
}

// isEmptyNull is a value that is not written at all ("key:" and nothing).
func isEmptyNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && n.Style == 0
}

// intNode reads n as srtctl (pydantic, lax) would read an int: an integer
// scalar, or a string holding one. Placeholders and others give ok=false.
func intNode(n *yaml.Node) (int, bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	switch n.Tag {
	case "!!int":
		var v int
		if err := n.Decode(&v); err != nil {
			return 0, false
		}
		return v, true
	case "!!str":
		v, err := strconv.Atoi(strings.TrimSpace(n.Value))
		return v, err == nil
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err == nil && f == float64(int(f)) {
			return int(f), true
		}
	}
	return 0, false
}

func (d *Doc) intPtr(path string) *int {
	n := d.node(path)
	if n == nil {
		return nil
	}
	if v, ok := intNode(n); ok {
		return &v
	}
	return nil
}

func (d *Doc) str(path string) string {
	n := d.node(path)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// DecodeAt decodes the value at path (a section or a scalar) into out.
func (d *Doc) DecodeAt(path string, out any) error {
	n := d.node(path)
	if n == nil {
		return fmt.Errorf("%s: not in %s", path, d.name)
	}
	return n.Decode(out)
}
