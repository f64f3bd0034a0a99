package jobspec_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

func mustParse(t *testing.T, name string, data []byte) *jobspec.Doc {
	t.Helper()
	d, err := jobspec.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func section(t *testing.T, d *jobspec.Doc, path string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := d.DecodeAt(path, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func TestConvertBackendModeToAggregated(t *testing.T) {
	d := mustParse(t, "p1.yaml", jobspectest.P1Example(t))
	decodeFlags := section(t, d, "backend.sglang_config.decode")
	decodeEnv := section(t, d, "backend.decode_environment")
	for _, k := range []string{"prefill_nodes", "decode_nodes", "prefill_workers", "decode_workers"} {
		if err := d.Delete("resources." + k); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range map[string]int{"agg_nodes": 1, "agg_workers": 1} {
		if err := d.Set("resources."+k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Delete("profiling.prefill"); err != nil {
		t.Fatal(err)
	}
	if !jobspec.HasErrors(d.Validate()) {
		t.Fatal("precondition: srtctl should reject decode sections with aggregated resources")
	}
	before := string(d.Bytes())

	changes, err := d.ConvertBackendMode(true)
	if err != nil {
		t.Fatal(err)
	}
	if fs := d.Validate(); jobspec.HasErrors(fs) {
		t.Fatalf("converted file still breaks the rules: %v\n%s", fs, d.Bytes())
	}
	agg := section(t, d, "backend.sglang_config.aggregated")
	delete(decodeFlags, "disaggregation_mode")
	if !reflect.DeepEqual(agg, decodeFlags) {
		t.Errorf("aggregated flags are not decode's minus disaggregation_mode:\n got %v\nwant %v", agg, decodeFlags)
	}
	if env := section(t, d, "backend.aggregated_environment"); !reflect.DeepEqual(env, decodeEnv) {
		t.Errorf("aggregated_environment = %v, want decode_environment %v", env, decodeEnv)
	}
	for _, gone := range []string{"backend.sglang_config.prefill", "backend.sglang_config.decode", "backend.prefill_environment", "backend.decode_environment"} {
		if d.Has(gone) {
			t.Errorf("%s is still there", gone)
		}
	}
	// The decode section's comments travel with it (a rename, not a
	// rewrite); the prefill section's copy of them goes with prefill; the
	// one above disaggregation_mode goes with that flag.
	if n := strings.Count(string(d.Bytes()), "      # Radix cache disabled\n"); n != 1 {
		t.Errorf("the comment inside the renamed section appears %d times, want 1", n)
	}
	if strings.Contains(string(d.Bytes()), "# Decode-specific mode") {
		t.Error("the comment above the removed disaggregation_mode stayed behind")
	}
	diff := jobspec.UnifiedDiff("a", "b", []byte(before), d.Bytes())
	if !strings.Contains(diff, "-    decode:\n+    aggregated:\n") {
		t.Errorf("the decode key was not renamed in place:\n%s", diff)
	}
	var reasons []string
	for _, c := range changes {
		reasons = append(reasons, c.Reason)
	}
	for _, want := range []string{"renamed to aggregated", "disaggregation_mode removed", "sglang_config.prefill removed"} {
		if !strings.Contains(strings.Join(reasons, "\n"), want) {
			t.Errorf("no change says %q: %v", want, reasons)
		}
	}
}

func TestConvertBackendModeToDisaggregated(t *testing.T) {
	src := filepath.Join(jobspectest.CorpusDir(t), "current/recipes/qwen3-32b/agg-kv-sglang.yaml")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	d := mustParse(t, "agg.yaml", data)
	aggFlags := section(t, d, "backend.sglang_config.aggregated")
	if err := d.Delete("resources.agg_nodes"); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]int{"prefill_nodes": 1, "decode_nodes": 1, "prefill_workers": 1, "decode_workers": 1} {
		if err := d.Set("resources."+k, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.ConvertBackendMode(false); err != nil {
		t.Fatal(err)
	}
	if fs := d.Validate(); jobspec.HasErrors(fs) {
		t.Fatalf("converted file still breaks the rules: %v\n%s", fs, d.Bytes())
	}
	for _, phase := range []string{"prefill", "decode"} {
		got := section(t, d, "backend.sglang_config."+phase)
		// The section spells flags with dashes, so the added one does too.
		if got["disaggregation-mode"] != phase {
			t.Errorf("%s: disaggregation-mode = %v, want %s", phase, got["disaggregation-mode"], phase)
		}
		delete(got, "disaggregation-mode")
		if !reflect.DeepEqual(got, aggFlags) {
			t.Errorf("%s flags are not the aggregated ones:\n got %v\nwant %v", phase, got, aggFlags)
		}
	}
	if d.Has("backend.sglang_config.aggregated") {
		t.Error("the aggregated section is still there")
	}
	if n := strings.Count(string(d.Bytes()), "# Rope scaling for extended context"); n != 2 {
		t.Errorf("the comment inside the copied section appears %d times, want 2 (one per phase)", n)
	}
}

func TestConvertBackendModeKeepsTheNewModesSections(t *testing.T) {
	d := mustParse(t, "both.yaml", []byte(`backend:
  type: sglang
  sglang_config:
    aggregated:
      tp-size: 4
    decode:
      tp-size: 8
`))
	if _, err := d.ConvertBackendMode(true); err != nil {
		t.Fatal(err)
	}
	want := "backend:\n  type: sglang\n  sglang_config:\n    aggregated:\n      tp-size: 4\n"
	if string(d.Bytes()) != want {
		t.Fatalf("got\n%s\nwant\n%s", d.Bytes(), want)
	}
}

func TestConvertBackendModeRefusesAliasesAndChangesNothing(t *testing.T) {
	src := `common: &flags
  tp-size: 4
backend:
  type: sglang
  sglang_config: *flags
`
	d := mustParse(t, "alias.yaml", []byte(src))
	if _, err := d.ConvertBackendMode(true); err != nil {
		t.Fatalf("a file without per-mode sections needs no change, got %v", err)
	}
	src2 := `backend:
  type: sglang
  sglang_config:
    decode: &d
      tp-size: 4
    prefill: *d
extra: *d
`
	d2 := mustParse(t, "alias2.yaml", []byte(src2))
	if err := d2.CopyEntry("extra.tp-size", "x"); err == nil || !strings.Contains(err.Error(), "alias") {
		t.Fatalf("copy through an alias: err = %v, want a refusal naming the alias", err)
	}
	if string(d2.Bytes()) != src2 {
		t.Fatal("a refused edit changed the file")
	}
}

// A comment naming the old mode above a renamed section names the new one
// ("# Decode-specific environment variables" is not left above
// aggregated_environment), and going back names each side again.
func TestConvertBackendModeRewordsComments(t *testing.T) {
	src := `name: t
backend:
  # Prefill-specific environment variables
  prefill_environment:
    A: "1"

  # Decode-specific environment variables
  decode_environment:
    B: "2"
`
	d, err := jobspec.Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ConvertBackendMode(true); err != nil {
		t.Fatal(err)
	}
	got := string(d.Bytes())
	if strings.Contains(got, "Decode-specific") || !strings.Contains(got, "# Aggregated-specific environment variables\n  aggregated_environment:") {
		t.Fatalf("to aggregated:\n%s", got)
	}
	if _, err := d.ConvertBackendMode(false); err != nil {
		t.Fatal(err)
	}
	got = string(d.Bytes())
	if !strings.Contains(got, "# Prefill-specific environment variables\n  prefill_environment:") || strings.Contains(got, "Aggregated") {
		t.Fatalf("back to disaggregated:\n%s", got)
	}
}
