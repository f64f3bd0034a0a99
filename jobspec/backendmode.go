package jobspec

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConvertBackendMode rewrites the backend's per-mode sections after the
// resources moved between disaggregated and aggregated, so the file passes
// srtctl's sglang_config rules again without the user retyping the SGLang
// flags:
//
//   - to aggregated: sglang_config.decode becomes sglang_config.aggregated
//     (prefill when there is no decode), without its disaggregation_* flags,
//     and the prefill section is removed; decode_environment becomes
//     aggregated_environment the same way.
//   - to disaggregated: sglang_config.aggregated becomes decode and a copy
//     of it, comments included, becomes prefill, each with its
//     disaggregation_mode; aggregated_environment is copied the same way.
//
// A file that already has the new mode's sections only loses the old
// mode's. It returns each change with its reason; on error nothing changes.
func (d *Doc) ConvertBackendMode(toAggregated bool) ([]Change, error) {
	return d.applyAll(func(a *applier) {
		c := modeConverter{a}
		if toAggregated {
			c.toAggregated("backend.sglang_config", "prefill", "decode", "aggregated", true)
			c.toAggregated("backend", "prefill_environment", "decode_environment", "aggregated_environment", false)
		} else {
			c.toDisaggregated("backend.sglang_config", "prefill", "decode", "aggregated", true)
			c.toDisaggregated("backend", "prefill_environment", "decode_environment", "aggregated_environment", false)
		}
	})
}

// modeConverter is the applier with the key moves a mode switch needs.
type modeConverter struct{ *applier }

func (c *modeConverter) toAggregated(base, prefill, decode, agg string, flags bool) {
	at := func(k string) string { return base + "." + k }
	switch {
	case c.has(at(agg)):
	case c.has(at(decode)):
		c.rename(at(decode), agg, fmt.Sprintf("%s renamed to %s: an aggregated worker starts with the decode workers' settings", at(decode), agg))
		c.reword(at(agg), "decode", "aggregated")
	case c.has(at(prefill)):
		c.rename(at(prefill), agg, fmt.Sprintf("%s renamed to %s: an aggregated worker starts with the prefill workers' settings", at(prefill), agg))
		c.reword(at(agg), "prefill", "aggregated")
	default:
		return
	}
	for _, k := range []string{prefill, decode} {
		c.del(at(k), at(k)+" removed: an aggregated job has no "+strings.TrimSuffix(k, "_environment")+" workers")
	}
	if flags {
		for _, k := range c.keysOf(at(agg)) {
			if isDisaggregationFlag(k) {
				c.del(at(agg)+"."+k, at(agg)+"."+k+" removed: aggregated workers do not disaggregate")
			}
		}
	}
}

func (c *modeConverter) toDisaggregated(base, prefill, decode, agg string, flags bool) {
	at := func(k string) string { return base + "." + k }
	if c.has(at(prefill)) || c.has(at(decode)) {
		c.del(at(agg), at(agg)+" removed: a disaggregated job has no aggregated workers")
		return
	}
	if !c.has(at(agg)) {
		return
	}
	c.copyBefore(at(agg), prefill, fmt.Sprintf("%s added as a copy of %s: the prefill workers start with the aggregated workers' settings", at(prefill), at(agg)))
	c.rename(at(agg), decode, fmt.Sprintf("%s renamed to %s: the decode workers start with the aggregated workers' settings", at(agg), decode))
	// The comment above the aggregated section now sits above the copy.
	c.reword(at(prefill), "aggregated", "prefill")
	if !flags {
		return
	}
	for _, phase := range []string{prefill, decode} {
		key := "disaggregation_mode"
		if c.usesDashes(at(phase)) {
			key = "disaggregation-mode"
		}
		if c.mappingAt(at(phase)) != nil {
			c.set(at(phase)+"."+key, phase, fmt.Sprintf("%s.%s set to %s: SGLang must know which side of the disaggregation it serves", at(phase), key, phase))
		}
	}
}

func isDisaggregationFlag(k string) bool {
	return strings.HasPrefix(k, "disaggregation_") || strings.HasPrefix(k, "disaggregation-")
}

func (c *modeConverter) has(path string) bool { return c.err == nil && c.d.Has(path) }

// mappingAt is the mapping at path, nil when there is none (or after an
// error, when nothing more is done).
func (c *modeConverter) mappingAt(path string) *yaml.Node {
	if n := c.d.node(path); c.err == nil && n != nil && n.Kind == yaml.MappingNode {
		return n
	}
	return nil
}

// keysOf lists the keys of the mapping at path (nil when it is not one).
func (c *modeConverter) keysOf(path string) []string {
	n := c.mappingAt(path)
	if n == nil {
		return nil
	}
	var keys []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		keys = append(keys, n.Content[i].Value)
	}
	return keys
}

// usesDashes says the section spells SGLang flags the command-line way
// (tp-size), so a flag added to it should too.
func (c *modeConverter) usesDashes(path string) bool {
	dash, under := 0, 0
	for _, k := range c.keysOf(path) {
		dash += strings.Count(k, "-")
		under += strings.Count(k, "_")
	}
	return dash > under
}

func (c *modeConverter) rename(path, newKey, reason string) {
	if c.err != nil {
		return
	}
	if c.err = c.d.RenameKey(path, newKey); c.err == nil {
		c.changes = append(c.changes, Change{Path: path, Old: lastPart(path), New: newKey, Reason: reason})
	}
}

func (c *modeConverter) copyBefore(path, newKey, reason string) {
	if c.err != nil {
		return
	}
	if c.err = c.d.CopyEntry(path, newKey); c.err == nil {
		parent := strings.TrimSuffix(path, "."+lastPart(path))
		c.changes = append(c.changes, Change{Path: parent + "." + newKey, New: "(copy of " + lastPart(path) + ")", Reason: reason})
	}
}

// reword renames a mode in the comment lines right above the entry at
// path ("# Decode-specific environment variables" above what became
// aggregated_environment), keeping the word's capitalisation. The comment
// is the user's text: only the mode's word changes.
func (c *modeConverter) reword(path, from, to string) {
	if c.err != nil {
		return
	}
	k, _, _, err := c.d.blockKey(path)
	if err != nil {
		return // not a plain block key: the rename said it, the comment stays
	}
	src := c.d.src
	end := lineStart(src, k.Line)
	start := end
	for start > 0 {
		prev := bytes.LastIndexByte(src[:start-1], '\n') + 1
		if !strings.HasPrefix(strings.TrimLeft(string(src[prev:start]), " \t"), "#") {
			break
		}
		start = prev
	}
	if start == end {
		return
	}
	r := strings.NewReplacer(from, to, strings.ToUpper(from[:1])+from[1:], strings.ToUpper(to[:1])+to[1:], strings.ToUpper(from), strings.ToUpper(to))
	text := r.Replace(string(src[start:end]))
	if text == string(src[start:end]) {
		return
	}
	c.err = c.d.commit(splice(src, start, end, text), func(nd *Doc) error {
		if !nd.Has(path) {
			return fmt.Errorf("%s: rewording its comment lost it (please report this file)", path)
		}
		return nil
	})
}

func lastPart(path string) string { return path[strings.LastIndex(path, ".")+1:] }

// RenameKey gives the entry at path a new key, in place: its value, its
// comments and its position do not move. The new key must not exist.
func (d *Doc) RenameKey(path, newKey string) error {
	k, _, parentPath, err := d.blockKey(path)
	if err != nil {
		return err
	}
	if d.Has(joinPath(parentPath, newKey)) {
		return fmt.Errorf("%s: cannot rename to %s, which exists", path, newKey)
	}
	off := nodeOffset(d.src, k)
	end, err := keyTokenEnd(d.src, k)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out := splice(d.src, off, end, keyText(newKey))
	return d.commit(out, func(nd *Doc) error {
		if nd.Has(path) || !nd.Has(joinPath(parentPath, newKey)) {
			return fmt.Errorf("%s: the rename did not take (please report this file)", path)
		}
		return nil
	})
}

// CopyEntry inserts, right before the entry at path, a byte copy of it
// (comments inside it included) under newKey. The new key must not exist.
func (d *Doc) CopyEntry(path, newKey string) error {
	k, parent, parentPath, err := d.blockKey(path)
	if err != nil {
		return err
	}
	newPath := joinPath(parentPath, newKey)
	if d.Has(newPath) {
		return fmt.Errorf("%s: cannot copy to %s, which exists", path, newKey)
	}
	src := d.src
	keyOff := nodeOffset(src, k)
	_, v := mapGet(parent, k.Value)
	start := lineStart(src, k.Line)
	end := entryEnd(src, keyOff, k.Column-1, v != nil && v.Kind == yaml.SequenceNode)
	entry := string(src[start:end])
	if !strings.HasSuffix(entry, "\n") {
		entry += "\n"
	}
	keyEnd, err := keyTokenEnd(src, k)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	entry = entry[:keyOff-start] + keyText(newKey) + entry[keyEnd-start:]
	out := splice(src, start, start, entry)
	return d.commit(out, func(nd *Doc) error {
		a, b := nd.node(path), nd.node(newPath)
		if a == nil || b == nil {
			return fmt.Errorf("%s: the copy did not take (please report this file)", path)
		}
		var va, vb any
		if a.Decode(&va) != nil || b.Decode(&vb) != nil || fmt.Sprint(va) != fmt.Sprint(vb) {
			return fmt.Errorf("%s: the copy reads back differently (please report this file)", path)
		}
		return nil
	})
}

// blockKey finds the key node of a block-style mapping entry that starts
// its line (the only kind the byte edits here handle) and its parent
// mapping, refusing paths that go through an alias: editing the anchor
// would change every place that uses it.
func (d *Doc) blockKey(path string) (k, parent *yaml.Node, parentPath string, err error) {
	parts, err := splitPath(path)
	if err != nil {
		return nil, nil, "", err
	}
	parent = d.root
	for i, p := range parts[:len(parts)-1] {
		_, parent = mapGet(parent, p)
		if parent != nil && parent.Kind == yaml.AliasNode {
			return nil, nil, "", fmt.Errorf("%s is an alias (*%s); edit the anchored value instead", strings.Join(parts[:i+1], "."), parent.Value)
		}
	}
	k, _ = mapGet(parent, parts[len(parts)-1])
	if k == nil {
		return nil, nil, "", fmt.Errorf("%s: no such key", path)
	}
	if parent.Style&yaml.FlowStyle != 0 {
		return nil, nil, "", fmt.Errorf("%s: the key is inside a {...} mapping; edit it by hand", path)
	}
	if lineStart(d.src, k.Line)+k.Column-1 != nodeOffset(d.src, k) {
		return nil, nil, "", fmt.Errorf("%s: the key does not start its line; edit it by hand", path)
	}
	return k, parent, strings.Join(parts[:len(parts)-1], "."), nil
}

// keyTokenEnd is the offset just past key k's own text (before any blank
// and the ':').
func keyTokenEnd(src []byte, k *yaml.Node) (int, error) {
	start := nodeOffset(src, k)
	if start < len(src) && (src[start] == '"' || src[start] == '\'') {
		return scalarEnd(src, start, k.Style, true), nil
	}
	colon := colonAfterKey(src, k)
	if colon < 0 {
		return 0, fmt.Errorf("the key at line %d is not a simple key; edit it by hand", k.Line)
	}
	for colon > start && (src[colon-1] == ' ' || src[colon-1] == '\t') {
		colon--
	}
	return colon, nil
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}
