package jobspec

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The file: 120 KB of `name: [[[[...]]]]`, 60,000 levels. It took
// 5.5 GB before the gate; now it is refused at the bracket that goes one
// level too deep, with what to do (BenchmarkYAMLGate measures the cost).
func TestDeepNestingIsRefusedWithItsPosition(t *testing.T) {
	deep := "name: " + strings.Repeat("[", 60000) + strings.Repeat("]", 60000) + "\n"
	if len(deep) < 120_000 {
		t.Fatalf("the test file is %d bytes", len(deep))
	}
	_, err := Parse("deep.yaml", []byte(deep))
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("got %v (%T), want a *SyntaxError", err, err)
	}
	// "name: " is 6 columns; the top mapping is one level, so the 64th
	// bracket (column 70) is level 65.
	if se.Line != 1 || se.Col != 6+MaxYAMLDepth || !strings.Contains(se.Error(), "deep.yaml:1:70: nesting deeper than 64 levels") {
		t.Errorf("got %q", se.Error())
	}
	for name, src := range map[string]string{
		"dashes":    strings.Repeat("- ", 100) + "x\n",
		"maps":      "a: " + strings.Repeat("{a: ", 100) + "1" + strings.Repeat("}", 100) + "\n",
		"unclosed":  "name: " + strings.Repeat("[", 60000),
		"indent":    deepIndent(100),
		"in-string": "a: '" + strings.Repeat("[", 10) + "'\nb: " + strings.Repeat("[", 100) + "\n",
	} {
		_, err := Parse(name+".yaml", []byte(src))
		if !errors.As(err, &se) || !strings.Contains(se.Reason, "nesting deeper than") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func deepIndent(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%sk:\n", strings.Repeat(" ", i))
	}
	return b.String()
}

// Nesting up to the limit, and brackets inside quotes, comments and block
// scalars (which nest nothing), still parse.
func TestGateAcceptsWhatIsNotDeep(t *testing.T) {
	for name, src := range map[string]string{
		"flow-at-limit": "name: " + strings.Repeat("[", MaxYAMLDepth-1) + strings.Repeat("]", MaxYAMLDepth-1) + "\n",
		"indent-60":     deepIndent(60) + strings.Repeat(" ", 60) + "v: 1\n",
		"quoted":        "a: \"" + strings.Repeat("[", 200) + "\"\nb: '" + strings.Repeat("{", 200) + "'\n",
		"comment":       "a: 1 # " + strings.Repeat("[", 200) + "\n",
		"block":         "a: |\n  " + strings.Repeat("[", 200) + "\n  \tx\nb: 1\n",
		"plain":         "a: x" + strings.Repeat("[", 200) + "\n",
		"multi-line":    "a: \"x\n  " + strings.Repeat("[", 200) + "\"\n",
	} {
		if _, err := Parse(name+".yaml", []byte(src)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Aliases are expanded by any decoder (and by merge keys): a small file
// whose aliases expand without end, or deeper than the limit, is refused.
func TestAliasExpansionIsBounded(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	_, err := Parse("bomb.yaml", []byte(bomb.String()))
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "expand to more than") || se.Line < 2 {
		t.Errorf("alias bomb: %v", err)
	}
	// 40 levels, used 40 levels down: 80 once expanded.
	deep := "a: &d " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\nb: " + strings.Repeat("[", 40) + "*d" + strings.Repeat("]", 40) + "\n"
	if _, err := Parse("aliasdeep.yaml", []byte(deep)); !errors.As(err, &se) || !strings.Contains(se.Reason, "with the alias *d expanded") || se.Line != 2 {
		t.Errorf("deep alias: %v", err)
	}
	// The same through DecodeYAML, the gate of the other YAML readers.
	if _, err := DecodeYAML("bomb.yaml", []byte(bomb.String())); !errors.As(err, &se) {
		t.Errorf("DecodeYAML let the bomb through: %v", err)
	}
}

// TestTooManyValuesWithoutAliases: a long flat list is refused for its
// size, not blamed on aliases it does not have.
func TestTooManyValuesWithoutAliases(t *testing.T) {
	src := "name: x\nlist: [" + strings.Repeat("1,", maxExpandedNodes) + "1]\n"
	_, err := Parse("flat.yaml", []byte(src))
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, fmt.Sprintf("more than %d values", maxExpandedNodes)) || strings.Contains(se.Reason, "alias") || se.Line != 2 {
		t.Fatalf("flat list: %v", err)
	}
}

func TestDecodeYAMLGatesAndLocates(t *testing.T) {
	doc, err := DecodeYAML("c.yaml", []byte("default: x\nclusters: []\n"))
	if err != nil || doc.Kind != yaml.DocumentNode || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf("%v %+v", err, doc)
	}
	var se *SyntaxError
	if _, err := DecodeYAML("c.yaml", []byte("a: "+strings.Repeat("[", 60000))); !errors.As(err, &se) || se.Col != 3+MaxYAMLDepth {
		t.Errorf("deep: %v", err)
	}
	if _, err := DecodeYAML("c.yaml", []byte("a: 'x\n")); !errors.As(err, &se) || se.Line != 1 {
		t.Errorf("broken: %v", err)
	}
	if _, err := DecodeYAML("c.yaml", make([]byte, MaxYAMLSize+1)); err == nil || !strings.Contains(err.Error(), "bytes is more than") {
		t.Errorf("too large: %v", err)
	}
}

// Each case was run through PyYAML 6.0.3 (yaml.safe_load), what srtctl
// loads job files with: a tab is refused outside quotes, comments and
// block scalars, at PyYAML's own line and column; yaml.v3 accepts most.
func TestTabsAreRefusedWherePyYAMLRefusesThem(t *testing.T) {
	for _, c := range []struct {
		src       string
		line, col int // 0: PyYAML loads it
	}{
		{"key:\tvalue\n", 1, 5},
		{"key: value\t# c\n", 1, 11},
		{"key: [1,\t2]\n", 1, 9},
		{"- \ta\n", 1, 3},
		{"key: value\t\n", 1, 11},
		{"a: 1\t\nb: 2\n", 1, 5},
		{"k: {a: 1,\tb: 2}\n", 1, 10},
		{"k: v\n\t\n", 2, 1},
		{"key: |\n  a\n \tb\n", 3, 2},
		{"key: |\n  a\n\t\n", 3, 1},
		{"a: b\nc: |\n  x\n\t# c\n", 4, 1},
		{"k: \"a\"\t\n", 1, 7},
		{"key: |\t# c\n  x\n", 1, 7},
		{"key: 'a\tb'\n", 0, 0},
		{"key: |\n  a\tb\n", 0, 0},
		{"key: \"a\n\tb\"\n", 0, 0},
		{"key: 'a\n\tb'\n", 0, 0},
		{"#\tc\nk: v\n", 0, 0},
		{"k: v # c\tx\n", 0, 0},
		{"k: |\n  a\n  \tb\n", 0, 0},
	} {
		_, err := Parse("t.yaml", []byte(c.src))
		var se *SyntaxError
		switch {
		case c.line == 0 && err != nil:
			t.Errorf("%q: PyYAML loads it, got %v", c.src, err)
		case c.line != 0 && (!errors.As(err, &se) || se.Line != c.line || se.Col != c.col || !strings.Contains(se.Reason, "tab")):
			t.Errorf("%q: want a tab error at %d:%d, got %v", c.src, c.line, c.col, err)
		}
	}
}

// The second parser (asked where a syntax error is) grows with the square
// of the nesting: it is never given more than maxLocateNesting levels,
// however the gate's scan is misled by a broken file.
func TestErrorLocatorIsBoundedWhateverTheScanSays(t *testing.T) {
	for name, src := range map[string]string{
		"quote":  "k: \"a\"'\nname: " + strings.Repeat("[", 30000) + "\n",
		"header": "a: >x\n  " + strings.Repeat("[", 30000) + "\n",
	} {
		if locatable([]byte(src)) {
			t.Errorf("%s: handed to goccy", name)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Parse(name+".yaml", []byte(src))
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Errorf("%s: parsed", name)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("%s: %d MB allocated", name, alloc>>20)
		}
	}
	if !locatable([]byte(base)) {
		t.Error("a job file is not located")
	}
}

// FuzzYAMLGate: the gate never panics, and whatever it lets through
// parses into a tree no deeper than the limit.
func FuzzYAMLGate(f *testing.F) {
	for _, s := range []string{base, "a: [[1], {b: [c]}]\n", "- - - x\n", "a: |\n  [[\n", "a: 'x\n [[' \n", "k:\tv\n", "a: &x [1]\nb: [*x, *x]\n", "? [a]\n: {b: c}\n", "a: \"\\\"[\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc := scanYAML(data)
		if sc.deepLine < 0 || sc.tabLine < 0 || sc.deepLine > 0 && sc.deepCol < 1 {
			t.Fatalf("bad position %+v", sc)
		}
		d, err := Parse("f.yaml", data)
		if err != nil || d.Root() == nil {
			return
		}
		var depth func(n *yaml.Node) int
		depth = func(n *yaml.Node) int {
			m := 0
			for _, c := range n.Content {
				m = max(m, depth(c))
			}
			return m + 1
		}
		if got := depth(d.Root()); got > MaxYAMLDepth+1 {
			t.Fatalf("a tree %d deep passed the gate", got)
		}
	})
}
