package jobspec

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Set sets the value at a dotted path (e.g. "profiling.decode.concurrency"),
// adding missing keys and sections in block style at their natural place
// (srtctl's key order, indented like their siblings). value may be an int,
// bool, string, float64, []string or []int; strings are written
// double-quoted. Only the bytes of the changed value move; the result is
// re-parsed and must read back as value, else Set fails and nothing changes.
func (d *Doc) Set(path string, value any) error {
	parts, err := splitPath(path)
	if err != nil {
		return err
	}
	want, err := normalize(value)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out, err := d.setBytes(parts, want)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return d.commit(out, func(nd *Doc) error {
		n := nd.node(path)
		if n == nil {
			return fmt.Errorf("%s: the edit did not produce the key (please report this file)", path)
		}
		var got any
		if err := n.Decode(&got); err != nil {
			return fmt.Errorf("%s: the edited value does not read back: %v", path, err)
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%s: the edited value reads back as %v, not %v (please report this file)", path, got, want)
		}
		return nil
	})
}

// commit accepts out as the new content if it parses and check passes.
func (d *Doc) commit(out []byte, check func(*Doc) error) error {
	nd := &Doc{name: d.name, src: out}
	if err := nd.reparse(); err != nil {
		return fmt.Errorf("the edit would break the file (%v); nothing changed", err)
	}
	if check != nil {
		if err := check(nd); err != nil {
			return err
		}
	}
	d.src, d.root, d.dnode = nd.src, nd.root, nd.dnode
	return nil
}

// normalize turns an accepted Go value into what yaml.v3 decodes it back as.
func normalize(v any) (any, error) {
	switch x := v.(type) {
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case int32:
		return int(x), nil
	case bool, string:
		return x, nil
	case float64:
		return x, nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case []int:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			if _, isList := n.([]any); isList {
				return nil, fmt.Errorf("nested lists are not supported")
			}
			out[i] = n
		}
		return out, nil
	case nil:
		return nil, fmt.Errorf("no value (use Delete to remove a key)")
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}

// scalarText renders a scalar the way the tool writes it: strings
// double-quoted (PyYAML would read yes, 2:00:00 or 0755 as other types).
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case int:
		return fmt.Sprintf("%d", x)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		s := fmt.Sprintf("%v", x)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return s
	}
	return fmt.Sprint(v)
}

// quote double-quotes s with escapes both yaml.v3 and PyYAML read.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff || (r >= 0x80 && r < 0xa0) || r == 0xfffd:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// keyText writes a mapping key plain when that is safe, else quoted.
func keyText(k string) string {
	if k == "" {
		return `""`
	}
	for i, r := range k {
		ok := r == '_' || r == '-' || r == '.' || r == '/' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok || (i == 0 && (r == '-' || r == '.')) {
			return quote(k)
		}
	}
	switch strings.ToLower(k) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~":
		return quote(k)
	}
	return k
}

func flowText(v any) string {
	if l, ok := v.([]any); ok {
		parts := make([]string, len(l))
		for i, e := range l {
			parts[i] = scalarText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return scalarText(v)
}

// blockEntry renders key: value (and any sections leading to it) in block
// style at indent, with step spaces per level.
func blockEntry(keys []string, v any, indent, step int) string {
	pad := strings.Repeat(" ", indent)
	if len(keys) > 1 {
		return pad + keyText(keys[0]) + ":\n" + blockEntry(keys[1:], v, indent+step, step)
	}
	if l, ok := v.([]any); ok {
		var b strings.Builder
		b.WriteString(pad + keyText(keys[0]) + ":")
		if len(l) == 0 {
			b.WriteString(" []\n")
			return b.String()
		}
		b.WriteString("\n")
		for _, e := range l {
			b.WriteString(pad + strings.Repeat(" ", step) + "- " + scalarText(e) + "\n")
		}
		return b.String()
	}
	return pad + keyText(keys[0]) + ": " + scalarText(v) + "\n"
}

func splice(src []byte, start, end int, text string) []byte {
	out := make([]byte, 0, len(src)-(end-start)+len(text))
	out = append(out, src[:start]...)
	out = append(out, text...)
	return append(out, src[end:]...)
}

// indentStep guesses the file's indentation step from its first nested
// block mapping; 2 for a new file.
func (d *Doc) indentStep() int {
	if d.root == nil {
		return 2
	}
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		k, v := d.root.Content[i], d.root.Content[i+1]
		if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 {
			if s := v.Content[0].Column - k.Column; s > 0 && s <= 8 {
				return s
			}
		}
	}
	return 2
}

func (d *Doc) setBytes(parts []string, v any) ([]byte, error) {
	src := d.src
	step := d.indentStep()
	if d.root == nil {
		if d.dnode != nil && len(d.dnode.Content) > 0 && !isEmptyNull(d.dnode.Content[0]) {
			return nil, fmt.Errorf("the file holds only a null value; replace it with keys by hand")
		}
		out := append([]byte(nil), src...)
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		return append(out, blockEntry(parts, v, 0, step)...), nil
	}
	cur := d.root
	for i, p := range parts {
		if cur.Kind == yaml.AliasNode {
			return nil, fmt.Errorf("%s is an alias (*%s); edit the anchored value instead", strings.Join(parts[:i], "."), cur.Value)
		}
		switch cur.Kind {
		case yaml.SequenceNode:
			idx, ok := seqIndex(p, len(cur.Content))
			if !ok {
				return nil, fmt.Errorf("%s is a list; %q is not an index in it", strings.Join(parts[:i], "."), p)
			}
			el := cur.Content[idx]
			if i == len(parts)-1 {
				return d.replaceValue(nil, el, v, cur.Style&yaml.FlowStyle != 0)
			}
			cur = el
			continue
		case yaml.MappingNode:
		default:
			return nil, fmt.Errorf("%s is a value, not a section", strings.Join(parts[:i], "."))
		}
		k, val := mapGet(cur, p)
		if k == nil {
			return d.insert(cur, parts[:i], parts[i:], v, step)
		}
		if i == len(parts)-1 {
			return d.replaceValue(k, val, v, cur.Style&yaml.FlowStyle != 0)
		}
		if val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
			return d.fillNull(k, val, parts[i+1:], v, step)
		}
		cur = val
	}
	return src, nil
}

func seqIndex(p string, n int) (int, bool) {
	idx := 0
	if p == "" || len(p) > 6 {
		return 0, false
	}
	for _, c := range p {
		if c < '0' || c > '9' {
			return 0, false
		}
		idx = idx*10 + int(c-'0')
	}
	return idx, idx < n
}

// replaceValue rewrites the value of an existing key (k may be nil for a
// sequence element).
func (d *Doc) replaceValue(k, val *yaml.Node, v any, inFlow bool) ([]byte, error) {
	src := d.src
	if val.Kind == yaml.MappingNode {
		return nil, fmt.Errorf("is a section (line %d); set the keys inside it", val.Line)
	}
	if isEmptyNull(val) && k != nil {
		// "key:" with nothing after it: write the value after the colon.
		colon := colonAfterKey(src, k)
		if colon < 0 {
			return nil, fmt.Errorf("cannot find the ':' after the key at line %d", k.Line)
		}
		if l, ok := v.([]any); ok && len(l) > 0 && !inFlow {
			// a new block list under the key, items indented one step
			var b strings.Builder
			pad := strings.Repeat(" ", k.Column-1+d.indentStep())
			for _, e := range l {
				b.WriteString("\n" + pad + "- " + scalarText(e))
			}
			return splice(src, colon+1, colon+1, b.String()), nil
		}
		return splice(src, colon+1, colon+1, " "+flowText(v)), nil
	}
	start := nodeOffset(src, val)
	if val.Anchor != "" && start < len(src) && src[start] == '&' {
		// keep the anchor, replace what follows it
		i := start
		for i < len(src) && src[i] != ' ' && src[i] != '\t' && src[i] != '\n' {
			i++
		}
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		start = i
	}
	if val.Kind == yaml.SequenceNode {
		if val.Style&yaml.FlowStyle != 0 {
			end, ok := flowEnd(src, start)
			if !ok {
				return nil, fmt.Errorf("cannot find the end of the list at line %d", val.Line)
			}
			return splice(src, start, end, flowText(v)), nil
		}
		if k == nil {
			return nil, fmt.Errorf("nested lists are not supported")
		}
		// block list: rewrite its item lines at the same indentation
		itemStart := lineStart(src, val.Line)
		ind := val.Column - 1
		end := entryEnd(src, nodeOffset(src, k), k.Column-1, true)
		var b strings.Builder
		if l, ok := v.([]any); ok {
			if len(l) == 0 {
				return splice(src, colonAfterKey(src, k)+1, end, " []\n"), nil
			}
			for _, e := range l {
				b.WriteString(strings.Repeat(" ", ind) + "- " + scalarText(e) + "\n")
			}
		} else {
			return splice(src, colonAfterKey(src, k)+1, end, " "+scalarText(v)+"\n"), nil
		}
		return splice(src, itemStart, end, b.String()), nil
	}
	if val.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		if k == nil {
			return nil, fmt.Errorf("a block scalar in a list is not supported")
		}
		end := entryEnd(src, nodeOffset(src, k), k.Column-1, false)
		return splice(src, start, end, flowText(v)+"\n"), nil
	}
	end := scalarEnd(src, start, val.Style, inFlow)
	if val.Kind == yaml.ScalarNode && val.Style == 0 && k != nil && !inFlow {
		// a plain scalar folded over several lines: take the whole entry
		if raw := strings.TrimSpace(string(src[start:end])); raw != val.Value && val.Tag == "!!str" {
			eend := entryEnd(src, nodeOffset(src, k), k.Column-1, false)
			return splice(src, start, eend, flowText(v)+"\n"), nil
		}
	}
	return splice(src, start, end, flowText(v)), nil
}

// colonAfterKey is the offset of the ':' that ends key k.
func colonAfterKey(src []byte, k *yaml.Node) int {
	start := nodeOffset(src, k)
	var i int
	if start < len(src) && (src[start] == '"' || src[start] == '\'') {
		i = scalarEnd(src, start, k.Style, true)
	} else {
		// a plain key ends at the first ':' followed by a blank or the end
		i = start
		for i < len(src) && src[i] != '\n' {
			if src[i] == ':' && (i+1 == len(src) || src[i+1] == ' ' || src[i+1] == '\t' || src[i+1] == '\n' || src[i+1] == '\r') {
				return i
			}
			i++
		}
		return -1
	}
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i < len(src) && src[i] == ':' {
		return i
	}
	return -1
}

// flowEnd finds the offset just past the ']' or '}' closing the flow
// collection that opens at start.
func flowEnd(src []byte, start int) (int, bool) {
	depth := 0
	for i := start; i < len(src); i++ {
		switch src[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"', '\'':
			i = scalarEnd(src, i, 0, true) - 1
		case '#':
			if i > start && (src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n') {
				i = lineEnd(src, i) - 1
			}
		}
	}
	return 0, false
}

// fillNull turns "key:" (or "key: ~") into a section holding rest.
func (d *Doc) fillNull(k, val *yaml.Node, rest []string, v any, step int) ([]byte, error) {
	src := d.src
	keyOff := nodeOffset(src, k)
	ind := k.Column - 1
	if lineStart(src, k.Line)+ind != keyOff {
		return nil, fmt.Errorf("the key at line %d does not start its line; edit it by hand", k.Line)
	}
	at := lineAfter(src, lineEnd(src, keyOff))
	block := blockEntry(rest, v, ind+step, step)
	prefix := ""
	if at == len(src) && (len(src) == 0 || src[len(src)-1] != '\n') {
		prefix = "\n"
	}
	out := splice(src, at, at, prefix+block)
	if !isEmptyNull(val) {
		start := nodeOffset(src, val)
		end := scalarEnd(src, start, val.Style, false)
		// remove " ~" including the space before it
		for start > 0 && (src[start-1] == ' ' || src[start-1] == '\t') {
			start--
		}
		out = splice(out, start, end, "")
	}
	return out, nil
}

// insert adds rest (missing keys, then the value) to mapping m at parent.
func (d *Doc) insert(m *yaml.Node, parent, rest []string, v any, step int) ([]byte, error) {
	src := d.src
	if m.Style&yaml.FlowStyle != 0 {
		start := nodeOffset(src, m)
		end, ok := flowEnd(src, start)
		if !ok || end < 2 {
			return nil, fmt.Errorf("cannot find the end of the {...} at line %d", m.Line)
		}
		closing := end - 1
		i := closing
		for i > start+1 && (src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n') {
			i--
		}
		text := flowEntry(rest, v)
		if len(m.Content) > 0 {
			text = ", " + text
		}
		return splice(src, i, i, text), nil
	}
	if len(m.Content) == 0 {
		return nil, fmt.Errorf("cannot add to an empty section at line %d", m.Line)
	}
	ind := m.Content[0].Column - 1
	key := rest[0]
	r := rank(parent, key)
	var after *yaml.Node // the sibling to insert after
	for i := 0; i+1 < len(m.Content); i += 2 {
		kr := rank(parent, m.Content[i].Value)
		if r < 0 || (kr >= 0 && kr < r) {
			after = m.Content[i]
		}
	}
	block := blockEntry(rest, v, ind, step)
	var at int
	if after != nil {
		_, aval := mapGet(m, after.Value)
		at = entryEnd(src, nodeOffset(src, after), after.Column-1, aval != nil && aval.Kind == yaml.SequenceNode)
	} else {
		// before the first sibling, above the comment lines attached to it
		first := m.Content[0]
		if lineStart(src, first.Line)+ind != nodeOffset(src, first) {
			return nil, fmt.Errorf("the section at line %d does not start its line; edit it by hand", first.Line)
		}
		at = lineStart(src, first.Line)
		for at > 0 {
			prev := prevLineStart(src, at)
			pl := trimSpace(src[prev:lineEnd(src, prev)])
			if len(pl) == 0 || pl[0] != '#' || indentOf(src, prev) != ind {
				break
			}
			if len(parent) == 0 && prev == 0 {
				break // the file's opening comment stays first
			}
			at = prev
		}
	}
	if at == len(src) && len(src) > 0 && src[len(src)-1] != '\n' {
		block = "\n" + block
	}
	if len(parent) == 0 && d.topLevelGaps() {
		// top-level sections are separated by one blank line
		if at > 0 && !blankLineBefore(src, at) {
			block = "\n" + block
		}
		if at < len(src) && len(trimSpace(src[at:lineEnd(src, at)])) != 0 {
			block += "\n"
		}
	}
	return splice(src, at, at, block), nil
}

// blankLineBefore reports whether the line before offset at (a line start)
// is blank.
func blankLineBefore(src []byte, at int) bool {
	if at < 1 {
		return true
	}
	p := at - 1 // the '\n' ending the previous line
	ps := p
	for ps > 0 && src[ps-1] != '\n' {
		ps--
	}
	return len(trimSpace(src[ps:p])) == 0
}

// topLevelGaps reports whether the file separates top-level sections with
// blank lines (true for srtctl's examples and for a new file).
func (d *Doc) topLevelGaps() bool {
	if d.root == nil || len(d.root.Content) < 4 {
		return true
	}
	// The keys come in line order: one walk down the file finds the line
	// above each (lineStart per key would walk from the top every time).
	off, line := 0, 1
	for i := 2; i+1 < len(d.root.Content); i += 2 {
		k := d.root.Content[i]
		if k.Line < 2 {
			continue
		}
		if k.Line-1 < line {
			off, line = 0, 1
		}
		for ; line < k.Line-1 && off < len(d.src); line++ {
			off = lineAfter(d.src, lineEnd(d.src, off))
		}
		if len(trimSpace(d.src[off:lineEnd(d.src, off)])) == 0 {
			return true
		}
	}
	return false
}

func flowEntry(keys []string, v any) string {
	if len(keys) > 1 {
		return keyText(keys[0]) + ": {" + flowEntry(keys[1:], v) + "}"
	}
	return keyText(keys[0]) + ": " + flowText(v)
}

// Delete removes the key at path and its value (the lines they occupy,
// with the comment lines right above it). A section left empty is removed
// too, since srtctl rejects an empty section. A missing key is not an
// error.
func (d *Doc) Delete(path string) error {
	parts, err := splitPath(path)
	if err != nil {
		return err
	}
	for {
		if d.root == nil {
			return nil
		}
		k, _, _, ok := lookup(d.root, parts)
		if !ok {
			return nil
		}
		if k == nil {
			return fmt.Errorf("%s: deleting list items is not supported", path)
		}
		parent := d.root
		if len(parts) > 1 {
			parent = d.node(strings.Join(parts[:len(parts)-1], "."))
		}
		if mk, ok := mergedFrom(parent, parts[len(parts)-1]); ok {
			return fmt.Errorf("%s comes from a merge key (<<:) of the mapping at line %d; deleting it here would change every user of that anchor: set it here to override it, or edit the anchored mapping", path, mk.Line)
		}
		if parent == nil || parent.Kind != yaml.MappingNode || parent.Style&yaml.FlowStyle != 0 {
			return fmt.Errorf("%s: the key is inside a {...} mapping; edit it by hand", path)
		}
		if len(parent.Content) == 2 && len(parts) > 1 {
			parts = parts[:len(parts)-1] // the section would be empty: remove it
			continue
		}
		out, err := d.deleteBytes(k, parent)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return d.commit(out, func(nd *Doc) error {
			if nd.Has(strings.Join(parts, ".")) {
				return fmt.Errorf("%s: still present after the edit (duplicate key?)", path)
			}
			return nil
		})
	}
}

func (d *Doc) deleteBytes(k, parent *yaml.Node) ([]byte, error) {
	src := d.src
	keyOff := nodeOffset(src, k)
	ind := k.Column - 1
	if lineStart(src, k.Line)+ind != keyOff {
		return nil, fmt.Errorf("the key at line %d does not start its line; edit it by hand", k.Line)
	}
	_, v := mapGet(parent, k.Value)
	end := entryEnd(src, keyOff, ind, v != nil && v.Kind == yaml.SequenceNode)
	start := lineStart(src, k.Line)
	for start > 0 {
		prev := prevLineStart(src, start)
		pl := trimSpace(src[prev:lineEnd(src, prev)])
		if len(pl) == 0 || pl[0] != '#' || indentOf(src, prev) != ind {
			break
		}
		start = prev
	}
	// Swallow one blank line after the entry when the entry sat right under
	// its parent's key or after a blank line, so no double gap is left.
	if end < len(src) && len(trimSpace(src[end:lineEnd(src, end)])) == 0 && end < lineEnd(src, end)+1 {
		prevBlank := start == 0
		if start > 0 {
			p := prevLineStart(src, start)
			pl := trimSpace(src[p:lineEnd(src, p)])
			prevBlank = len(pl) == 0 || (len(pl) > 0 && pl[len(pl)-1] == ':' && indentOf(src, p) < ind)
		}
		if prevBlank {
			end = lineAfter(src, lineEnd(src, end))
		}
	}
	return splice(src, start, end, ""), nil
}
