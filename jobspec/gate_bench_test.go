package jobspec

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// gateShapes are the worst inputs under MaxYAMLSize for each way YAML can
// make a parser work: deep nesting of each kind, many small values, alias
// bombs, and broken files (the error path runs the second parser).
func gateShapes() map[string][]byte {
	rep := func(s string, n int) string { return strings.Repeat(s, n) }
	fill := func(unit string, head, tail string) []byte {
		n := (MaxYAMLSize - len(head) - len(tail)) / len(unit)
		return []byte(head + rep(unit, n) + tail)
	}
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	var blockDeep strings.Builder
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&blockDeep, "%sk:\n", rep(" ", i))
	}
	return map[string][]byte{
		"deep-flow-120KB":     []byte("name: " + rep("[", 60000) + rep("]", 60000) + "\n"),
		"deep-flow-unclosed":  []byte("name: " + rep("[", 60000) + "\n"),
		"deep-dashes":         []byte(rep("- ", 60000) + "x\n"),
		"deep-indent":         []byte(blockDeep.String()),
		"deep-maps":           []byte("a: " + rep("{a: ", 30000) + "1" + rep("}", 30000) + "\n"),
		"flat-flow-list":      fill("1,", "name: [", "1]\n"),
		"flat-flow-list-bad":  fill("1,", "name: [", "1\n"),
		"flat-block-list":     fill("- 1\n", "name:\n", ""),
		"flat-mapping":        fill("k: v\n", "", ""),
		"small-broken-64KB":   []byte("name: [" + rep("1,", 32000) + "\n"),
		"quoted-scalars":      fill("'a',", "name: [", "'a']\n"),
		"alias-bomb":          []byte(bomb.String()),
		"misleading-quote":    []byte("k: \"a\"'\nname: " + rep("[", 60000) + "\n"),
		"many-anchors":        fill("- &a x\n- *a\n", "l:\n", ""),
		"many-aliases-merged": fill("  - <<: *b\n", "b: &b {x: 1}\nl:\n", ""),
	}
}

// BenchmarkYAMLGate parses each worst shape the way every reader does
// (Parse: the gate, yaml.v3, the error locator on failure). The goal is
// < 1 s and < 100 MB allocated per input (B/op); see docs/architecture.md.
func BenchmarkYAMLGate(b *testing.B) {
	for name, src := range gateShapes() {
		b.Run(name, func(b *testing.B) {
			if len(src) > MaxYAMLSize {
				b.Fatalf("%d bytes: the shape is above the limit", len(src))
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				_, err := Parse(name+".yaml", bytes.Clone(src))
				_ = err
			}
		})
	}
}
