package jobspec

import (
	"os"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

func mustParse(t testing.TB, src string) *Doc {
	t.Helper()
	d, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func diffLines(t *testing.T, a, b []byte) (removed, added []string) {
	t.Helper()
	for _, l := range strings.Split(UnifiedDiff("a", "b", a, b), "\n") {
		switch {
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "-"):
			removed = append(removed, l[1:])
		case strings.HasPrefix(l, "+"):
			added = append(added, l[1:])
		}
	}
	return
}

func commentLines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			out = append(out, strings.TrimSpace(l[i:]))
		}
	}
	return out
}

// The acceptance: on srtctl's profiling example, two edits change
// exactly two lines; adding prefill.start_step adds one line indented like
// its siblings, with the comments intact.
func TestSetAcceptanceOnEnableProfiling(t *testing.T) {
	path := jobspectest.P1ExamplePath(t)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, string(orig))
	if err := d.Set("profiling.type", "nsys"); err != nil {
		t.Fatal(err)
	}
	if err := d.Set("profiling.decode.concurrency", 128); err != nil {
		t.Fatal(err)
	}
	rem, add := diffLines(t, orig, d.Bytes())
	if len(rem) != 2 || len(add) != 2 {
		t.Fatalf("want 2 changed lines, got -%v +%v", rem, add)
	}
	if add[0] != `  type: "nsys"  # Options: "none", "torch", "nsys"` || add[1] != "    concurrency: 128" {
		t.Errorf("unexpected lines: %q", add)
	}
	if got := d.Job(); got.Profiling.Type != "nsys" || *got.Profiling.Decode.Concurrency != 128 || *got.Profiling.Prefill.Concurrency != 1 {
		t.Errorf("typed view after edit: %+v", got.Profiling)
	}

	step1 := append([]byte(nil), d.Bytes()...)
	if err := d.Set("profiling.prefill.start_step", 10); err != nil {
		t.Fatal(err)
	}
	rem, add = diffLines(t, step1, d.Bytes())
	if len(rem) != 0 || len(add) != 1 || add[0] != "    start_step: 10" {
		t.Fatalf("want one added line '    start_step: 10', got -%q +%q", rem, add)
	}
	// placed right after its sibling concurrency, inside prefill
	if !strings.Contains(string(d.Bytes()), "    concurrency: 1\n    start_step: 10\n  decode:\n") {
		t.Errorf("start_step not placed after prefill's concurrency:\n%s", d.Bytes())
	}
	if a, b := commentLines(orig), commentLines(d.Bytes()); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("comments changed")
	}
	if fs := d.Validate(); HasErrors(fs) {
		t.Errorf("edited file has errors: %v", fs)
	}
}

func TestSetWritesTypedValues(t *testing.T) {
	d := mustParse(t, "name: x\nresources:\n  gpu_type: gb200\n")
	steps := []struct {
		path string
		val  any
		line string
	}{
		{"name", "yes", `name: "yes"`},
		{"slurm.time_limit", "2:00:00", `  time_limit: "2:00:00"`},
		{"resources.gpus_per_node", 8, "  gpus_per_node: 8"},
		{"enable_config_dump", false, "enable_config_dump: false"},
		{"model.path", `a "quoted" \ path`, `  path: "a \"quoted\" \\ path"`},
	}
	for _, s := range steps {
		if err := d.Set(s.path, s.val); err != nil {
			t.Fatalf("Set(%s): %v", s.path, err)
		}
		if !strings.Contains(string(d.Bytes())+"\n", s.line+"\n") {
			t.Errorf("Set(%s, %v): want line %q in\n%s", s.path, s.val, s.line, d.Bytes())
		}
	}
	if got, _ := d.Get("model.path"); got != `a "quoted" \ path` {
		t.Errorf("round trip of a quoted string: %q", got)
	}
}

func TestSetEdgeCases(t *testing.T) {
	cases := []struct {
		name, src, path string
		val             any
		want            string
	}{
		{"empty value after colon", "a:\nb: 1\n", "a", 5, "a: 5\nb: 1\n"},
		{"null parent becomes section", "profiling:\nname: x\n", "profiling.type", "torch", "profiling:\n  type: \"torch\"\nname: x\n"},
		{"explicit null parent", "profiling: ~  # none yet\nname: x\n", "profiling.type", "torch", "profiling:  # none yet\n  type: \"torch\"\nname: x\n"},
		{"flow mapping", "benchmark: {type: sa-bench}\n", "benchmark.isl", 1024, "benchmark: {type: sa-bench, isl: 1024}\n"},
		{"empty flow mapping", "benchmark: {}\n", "benchmark.type", "manual", "benchmark: {type: \"manual\"}\n"},
		{"anchor kept", "a: &x 1\nb: *x\n", "a", 2, "a: &x 2\nb: *x\n"},
		{"single quoted", "a: 'it''s'  # c\n", "a", "b", "a: \"b\"  # c\n"},
		{"no final newline", "a:\n  b: 1", "a.c", 2, "a:\n  b: 1\n  c: 2\n"},
		{"four-space indent", "a:\n    b: 1\nc: 2\n", "a.d.e", 3, "a:\n    b: 1\n    d:\n        e: 3\nc: 2\n"},
		{"list in block", "extra_mount:\n  - \"/a:/a\"\nname: x\n", "extra_mount", []string{"/b:/b", "/c:/c"}, "extra_mount:\n  - \"/b:/b\"\n  - \"/c:/c\"\nname: x\n"},
		{"list item", "l:\n  - 1\n  - 2\n", "l.1", 3, "l:\n  - 1\n  - 3\n"},
		{"block scalar", "a: |\n  one\n  two\nb: 1\n", "a", "x", "a: \"x\"\nb: 1\n"},
		{"first key goes first", "# head\n\nmodel:\n  path: p\n", "name", "n", "# head\n\nname: \"n\"\n\nmodel:\n  path: p\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustParse(t, c.src)
			if err := d.Set(c.path, c.val); err != nil {
				t.Fatal(err)
			}
			if got := string(d.Bytes()); got != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestSetRefusals(t *testing.T) {
	d := mustParse(t, "a: 1\nb:\n  c: 2\nl: [1, 2]\n")
	before := string(d.Bytes())
	for _, c := range []struct {
		path string
		val  any
	}{
		{"a.x", 1},        // through a scalar
		{"b", 1},          // a section
		{"", 1},           // empty path
		{"a..b", 1},       // empty segment
		{"a", nil},        // no value
		{"a", struct{}{}}, // unsupported type
		{"l.x", 1},        // not an index
	} {
		if err := d.Set(c.path, c.val); err == nil {
			t.Errorf("Set(%q, %v) succeeded", c.path, c.val)
		}
	}
	if string(d.Bytes()) != before {
		t.Errorf("a refused edit changed the file")
	}
}

func TestDelete(t *testing.T) {
	src := "backend:\n  # env for prefill\n  prefill_environment:\n    A: \"1\"\n\n  decode_environment:\n    B: \"2\"\nprofiling:\n  isl: 1\nname: x\n"
	d := mustParse(t, src)
	if err := d.Delete("backend.prefill_environment"); err != nil {
		t.Fatal(err)
	}
	want := "backend:\n  decode_environment:\n    B: \"2\"\nprofiling:\n  isl: 1\nname: x\n"
	if got := string(d.Bytes()); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// deleting the only key removes the section, which srtctl would reject empty
	if err := d.Delete("profiling.isl"); err != nil {
		t.Fatal(err)
	}
	if d.Has("profiling") {
		t.Errorf("empty profiling section left behind:\n%s", d.Bytes())
	}
	if err := d.Delete("no.such.key"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
}

// A new file built with Set and ApplyProfiling is tidy: srtctl's key order,
// block style, one blank line between sections, strings double-quoted.
func TestNewFileLayout(t *testing.T) {
	d := New()
	for _, kv := range []struct {
		k string
		v any
	}{
		{"resources.gpu_type", "gb200"},
		{"name", "prof-1"},
		{"model.precision", "fp8"},
		{"model.path", "dsr1"},
		{"model.container", "sglang-0.5.5"},
		{"resources.prefill_nodes", 1},
		{"resources.decode_nodes", 1},
		{"resources.prefill_workers", 1},
		{"resources.decode_workers", 1},
		{"resources.gpus_per_node", 4},
		{"slurm.time_limit", "01:00:00"},
	} {
		if err := d.Set(kv.k, kv.v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.ApplyProfiling(ProfilingIntent{Type: "torch", Prefill: DefaultPrefillPhase, Decode: DefaultDecodePhase}); err != nil {
		t.Fatal(err)
	}
	want := `name: "prof-1"

model:
  path: "dsr1"
  container: "sglang-0.5.5"
  precision: "fp8"

resources:
  gpu_type: "gb200"
  prefill_nodes: 1
  decode_nodes: 1
  prefill_workers: 1
  decode_workers: 1
  gpus_per_node: 4

slurm:
  time_limit: "01:00:00"

benchmark:
  type: "manual"

profiling:
  type: "torch"
  prefill:
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
    stop_step: 50
`
	if got := string(d.Bytes()); got != want {
		t.Errorf("new file:\n%s\nwant:\n%s\n%s", got, want, UnifiedDiff("want", "got", []byte(want), []byte(got)))
	}
	if fs := d.Validate(); len(fs) != 0 {
		t.Errorf("new file findings: %v", fs)
	}
	if d.Dialect() != DialectP1 {
		t.Errorf("new file dialect %s", d.Dialect())
	}
}
