package jobspec

import (
	"os"
	"strings"
	"testing"
)

// A P1 file converts to 1.0.x with its traffic in the benchmark and its
// steps kept, and the result validates clean (no finding at all).
func TestConvertP1ToV1ValidatesClean(t *testing.T) {
	for _, f := range []string{"testdata/corpus/p1/examples/enable-profiling.yaml", "testdata/corpus/p3/examples/enable-profiling.yaml", "testdata/corpus/current/examples/enable-profiling.yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := mustParse(t, string(data))
		from := d.Dialect()
		changes, err := d.ConvertToV1(from)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(changes) == 0 {
			t.Errorf("%s: no change", f)
		}
		if det := d.Detect(""); det.Dialect != DialectV1 {
			t.Errorf("%s: converted file reads as %+v", f, det)
		}
		if fs := d.ValidateAs(DialectV1); len(fs) != 0 {
			t.Errorf("%s: converted file has findings: %v", f, fs)
		}
		if got := d.str("benchmark.type"); got != "sglang-bench" || d.intPtr("benchmark.isl") == nil {
			t.Errorf("%s: benchmark %q isl %v", f, got, d.intPtr("benchmark.isl"))
		}
		// Only the traffic moved: every other line of the file is still there.
		for _, line := range strings.Split(string(data), "\n") {
			l := strings.TrimSpace(line)
			if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "isl:") || strings.HasPrefix(l, "osl:") || strings.HasPrefix(l, "concurrency:") || strings.HasPrefix(l, "type: \"manual\"") {
				continue
			}
			if !strings.Contains(string(d.Bytes()), line) {
				t.Errorf("%s: line %q lost", f, line)
			}
		}
	}
	// P1 profiles an aggregated job with profiling.decode.
	d := mustParse(t, aggBase)
	if _, err := d.ConvertToV1(DialectP1); err != nil {
		t.Fatal(err)
	}
	if d.Has("profiling.decode") || d.str("benchmark.concurrencies") != "" && d.Has("profiling.decode") {
		t.Errorf("aggregated: profiling.decode kept:\n%s", d.Bytes())
	}
	if fs := d.ValidateAs(DialectV1); HasErrors(fs) {
		t.Errorf("aggregated: %v\n%s", fs, d.Bytes())
	}
}

// MigrateToV2 turns 1.0.x files into 2.x files that pass 2.x's gate and
// rules, keeping their comments.
func TestMigrateToV2(t *testing.T) {
	for _, f := range []string{
		"testdata/corpus/current/recipes/qwen3.5/fp8/disagg/mooncake/profile/1p1d-tp4-profile.yaml",
		"testdata/corpus/current/recipes/qwen3.5/fp8/agg/profile/agg-tp4-profile.yaml",
		"testdata/corpus/current/recipes/gb200-fp8/1k1k/max-tpt.yaml",
	} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := MigrateToV2(mustParse(t, string(data)))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		header := strings.HasPrefix(string(data), "#")
		if header != strings.HasPrefix(string(out), "#") || !strings.Contains("\n"+string(out), "\nschema: 2\n") {
			t.Errorf("%s: header comment or schema: 2 missing:\n%.300s", f, out)
		}
		d := mustParse(t, string(out))
		if det := d.Detect(""); det.Dialect != DialectV2 {
			t.Errorf("%s: migrated file reads as %+v", f, det)
		}
		for _, fd := range d.ValidateAs(DialectV2) {
			t.Errorf("%s: migrated: %s", f, fd)
		}
	}
	v2 := mustParse(t, v2Base)
	if _, err := MigrateToV2(v2); err == nil {
		t.Error("a 2.x file migrated again")
	}
}
