package jobspec

import (
	"errors"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// decode merges prefill's anchored settings (`<<: *phase`) and overrides
// one: PyYAML (srtctl) reads decode.isl as 1024, so there is no "not set"
// error, and the written concurrency wins over the merged one.
func TestMergeKeysAreReadAsPyYAMLMergesThem(t *testing.T) {
	src := strings.Replace(jobspectest.ValidP1Disagg, `  prefill:
    isl: 1024
    osl: 128
    concurrency: 24
    start_step: 0
    stop_step: 50
  decode:
    isl: 1024
    osl: 128
    concurrency: 256
    start_step: 0
    stop_step: 50`, `  prefill: &phase
    isl: 1024
    osl: 128
    concurrency: 24
    start_step: 0
    stop_step: 50
  decode:
    <<: *phase
    concurrency: 256`, 1)
	if src == jobspectest.ValidP1Disagg {
		t.Fatal("the profiling section of ValidP1Disagg changed; update this test")
	}
	d, err := Parse("merge.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if fs := d.Validate(); len(fs) != 0 {
		t.Errorf("findings on a file PyYAML reads as valid: %v", fs)
	}
	dec := d.Job().Profiling.Decode
	if dec.ISL == nil || *dec.ISL != 1024 || dec.Concurrency == nil || *dec.Concurrency != 256 {
		t.Errorf("decode read as %+v", dec)
	}
	// Setting a merged key writes an override in decode, not in the anchor.
	if err := d.Set("profiling.decode.isl", 2048); err != nil {
		t.Fatal(err)
	}
	if v, _ := d.Get("profiling.prefill.isl"); v != "1024" {
		t.Errorf("the anchor changed: prefill.isl = %s", v)
	}
	if v, _ := d.Get("profiling.decode.isl"); v != "2048" {
		t.Errorf("decode.isl = %s", v)
	}
	// Deleting a key only merged in would change the anchor: refused.
	if err := d.Delete("profiling.decode.osl"); err == nil || !strings.Contains(err.Error(), "comes from a merge key") {
		t.Errorf("delete of a merged key: %v", err)
	}
}

// The precedence of PyYAML 6.0.3's flatten_mapping, as it printed it:
// written keys win, a later `<<` over an earlier one, the first of a
// `<<` list over the next, and a merged mapping's own merges apply.
func TestMergeKeyPrecedenceIsPyYAMLs(t *testing.T) {
	d, err := Parse("m.yaml", []byte(`a: &a {x: a, y: a, z: a}
b: &b {x: b, y: b, w: b}
c: &c {<<: *b, v: c}
l:
  <<: [*a, *b]
m:
  <<: *a
  <<: *c
  z: m
"q":
  "<<": *a
`))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"l.x": "a", "l.y": "a", "l.w": "b", "l.z": "a",
		"m.x": "b", "m.y": "b", "m.z": "m", "m.w": "b", "m.v": "c",
	} {
		if got, ok := d.Get(path); !ok || got != want {
			t.Errorf("%s = %q (%v), PyYAML reads %q", path, got, ok, want)
		}
	}
	if d.Has("q.x") {
		t.Error(`a quoted "<<" key merged`)
	}
}

// TestMergeKeysPyYAMLRefusesAreRefused: PyYAML's flatten_mapping refuses a
// merge key whose value is not a mapping or a list of mappings; validate
// passed such files (srtctl then failed to load them). The verdicts below
// are PyYAML 6.0.3's (yaml.safe_load), checked by hand.
func TestMergeKeysPyYAMLRefusesAreRefused(t *testing.T) {
	base := jobspectest.ValidP1Disagg
	if !strings.Contains(base, "\nresources:\n") {
		t.Fatal("ValidP1Disagg has no resources section; update this test")
	}
	with := func(before, merge string) string {
		return strings.Replace(base, "\nresources:\n", "\n"+before+"resources:\n  <<: "+merge+"\n", 1)
	}
	refused := map[string]struct {
		src       string
		line, col int
	}{
		"alias to a list":           {with("x-l: &l [1, 2]\n", "*l"), 0, 7},
		"alias to a scalar":         {with("x-l: &l 3\n", "*l"), 0, 7},
		"empty value":               {with("", "null"), 0, 7},
		"list of scalars":           {with("", "[1, 2]"), 0, 8},
		"list with a scalar":        {with("x-m: &m {a: 1}\n", "[*m, 3]"), 0, 12},
		"list holding a list":       {with("x-m: &m {a: 1}\n", "[[*m]]"), 0, 8},
		"alias to a list of values": {with("x-l: &l [1]\n", "[*l]"), 0, 8},
	}
	for name, c := range refused {
		_, err := Parse("m.yaml", []byte(c.src))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, "merge key <<") || !strings.Contains(se.Reason, "PyYAML") {
			t.Errorf("%s: %v, want the merge key refused as PyYAML refuses it", name, err)
			continue
		}
		// The << line is the one after "resources:".
		want := strings.Count(c.src[:strings.Index(c.src, "  <<: ")], "\n") + 1
		if se.Line != want || se.Col != c.col {
			t.Errorf("%s: at %d:%d, want %d:%d", name, se.Line, se.Col, want, c.col)
		}
	}
	accepted := map[string]string{
		"empty mapping":      with("", "{}"),
		"empty list":         with("", "[]"),
		"list of mappings":   with("x-m: &m {a: 1}\n", "[*m, {b: 2}]"),
		"quoted << is a key": strings.Replace(base, "\nresources:\n", "\nx: {\"<<\": 3}\nresources:\n", 1),
	}
	for name, src := range accepted {
		if _, err := Parse("m.yaml", []byte(src)); err != nil {
			t.Errorf("%s: %v, PyYAML loads it", name, err)
		}
	}
}
