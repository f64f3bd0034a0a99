package wizard

import (
	"os"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// A P1 file that leaves srtctl's defaults out (no benchmark section, no
// worker counts) saves back byte for byte when nothing was changed.
func TestEditUnchangedP1KeepsDefaultsAbsent(t *testing.T) {
	src := strings.Replace(jobspectest.ValidP1Disagg, "  prefill_workers: 1\n  decode_workers: 1\n", "", 1)
	src = strings.Replace(src, "benchmark:\n  type: \"manual\"\n", "", 1)
	_, doc := tempFile(t, "p1.yaml", src)
	w := Edit(doc)
	if w.T != nil || w.ReadOnly {
		t.Fatalf("a P1 file did not open in the P1 form: T=%v read-only=%v", w.T, w.ReadOnly)
	}
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if res.Diff != "" {
		t.Fatalf("untouched edit has a diff:\n%s", res.Diff)
	}
}

// The 2x2 sa-bench file opens in the 1.0.x form, editable; an unchanged
// save is byte-identical and an edit changes exactly its lines.
func TestEditV1File(t *testing.T) {
	path, doc := tempFile(t, "v1.yaml", jobspectest.ValidV1Disagg2x2)
	w := EditFor(doc, "")
	if w.ReadOnly || w.T == nil || w.T.Dialect != jobspec.DialectV1 {
		t.Fatalf("opened read-only=%v T=%+v notice %q", w.ReadOnly, w.T, w.Notice)
	}
	if !strings.Contains(w.Notice, "could be a P1 or a 1.0.x file") {
		t.Errorf("the assumption is not said: %q", w.Notice)
	}
	if w.T.Workers != [3]string{"2", "2", "1"} || w.T.Start[1] != "10" || w.T.Benchmark != "sa-bench" || w.T.Concurrencies != "4x8" {
		t.Errorf("values read: %+v", *w.T)
	}
	res, err := w.Result()
	if err != nil || res.Diff != "" || len(res.Findings) != 0 {
		t.Fatalf("unchanged: err %v diff %q findings %v", err, res.Diff, res.Findings)
	}
	w.T.Profiling = "nsys"
	w.T.Stop[1] = "30"
	w.T.Workers[1] = "3"
	res, err = w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if rm, add := jobspec.ChangedLines(res.Diff); rm != 3 || add != 3 {
		t.Fatalf("diff changes %d/%d lines, want 3/3:\n%s", rm, add, res.Diff)
	}
	for _, want := range []string{"+  decode_workers: 3", `+  type: "nsys"`, "+    stop_step: 30"} {
		if !strings.Contains(res.Diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, res.Diff)
		}
	}
	if !res.CanSave() || len(res.Findings) != 0 {
		t.Fatalf("findings: %v", res.Findings)
	}
	if err := res.Save(path); err != nil {
		t.Fatal(err)
	}
	// While profiling, only benchmarks that send profiling traffic.
	if got := w.T.AllowedBenchmarks(); strings.Join(got, ",") != "sa-bench,sglang-bench,trace-replay" {
		t.Errorf("benchmarks while profiling: %v", got)
	}
	w.T.Profiling = "none"
	if got := w.T.AllowedBenchmarks(); got[0] != "manual" {
		t.Errorf("benchmarks without profiling: %v", got)
	}
}

// A 2.x file: the capture selectors are bounded by the roles.
func TestEditV2File(t *testing.T) {
	_, doc := tempFile(t, "v2.yaml", jobspectest.ValidV2Disagg)
	w := Edit(doc)
	if w.T == nil || w.T.Dialect != jobspec.DialectV2 || w.V.Mode != ModeDisaggregated {
		t.Fatalf("T=%+v mode %s", w.T, w.V.Mode)
	}
	res, err := w.Result()
	if err != nil || res.Diff != "" {
		t.Fatalf("unchanged: %v %q", err, res.Diff)
	}
	// prefill: 4 nodes, 2 workers -> 2 nodes (ranks) per worker.
	if err := w.selectorBound(0, true)("2"); err == nil || !strings.Contains(err.Error(), "2 ranks") {
		t.Errorf("rank 2 accepted: %v", err)
	}
	if err := w.selectorBound(0, false)("2"); err == nil {
		t.Error("worker index 2 of 2 workers accepted")
	}
	w.T.Rank[0] = "0"
	w.T.Scope[1] = "selected"
	res, err = w.Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-    worker_rank: 1", "+    worker_rank: 0", "+    capture_scope: \"selected\""} {
		if !strings.Contains(res.Diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, res.Diff)
		}
	}
	if !res.CanSave() {
		t.Errorf("findings %v", res.Findings)
	}
}

// `new` for each of today's dialects writes a file of that dialect that
// its rules accept.
func TestNewJobForToday(t *testing.T) {
	for _, dia := range []jobspec.Dialect{jobspec.DialectV1, jobspec.DialectV2} {
		for _, mode := range []string{ModeDisaggregated, ModeAggregated} {
			w := NewJobFor(dia)
			w.V.Name, w.V.ModelPath, w.V.Container = "j", "/m", "/c"
			w.V.Mode = mode
			res, err := w.Result()
			if err != nil {
				t.Fatalf("%s %s: %v", dia, mode, err)
			}
			d, err := jobspec.Parse("new.yaml", res.Doc.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if det := d.Detect(""); det.Dialect != dia {
				t.Errorf("%s %s: new file reads as %+v:\n%s", dia, mode, det, res.Doc.Bytes())
			}
			if len(res.Findings) != 0 {
				t.Errorf("%s %s: %v\n%s", dia, mode, res.Findings, res.Doc.Bytes())
			}
		}
	}
}

// A P1 file for a 1.0.x cluster opens converted; the review's diff shows
// the conversion and the result validates clean as 1.0.x.
func TestEditP1ForV1ClusterConverts(t *testing.T) {
	data, err := os.ReadFile("testdata/p1/enable-profiling.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, doc := tempFile(t, "p1.yaml", string(data))
	w := EditFor(doc, jobspec.DialectV1)
	if w.Convert != ConvertToV1 || w.T == nil || !strings.Contains(w.Notice, "converts it to 1.0.x") {
		t.Fatalf("convert %q T %v notice %q", w.Convert, w.T, w.Notice)
	}
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-    isl: 1024", "+  type: \"sglang-bench\""} {
		if !strings.Contains(res.Diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, res.Diff)
		}
	}
	if len(res.Findings) != 0 {
		t.Errorf("converted file: %v", res.Findings)
	}
	// The same file without a cluster stays P1.
	if w := Edit(doc); w.T != nil || w.Convert != "" {
		t.Errorf("without a cluster: T %v convert %q", w.T, w.Convert)
	}
}

// A 1.0.x file for a 2.x cluster opens migrated.
func TestEditV1ForV2ClusterMigrates(t *testing.T) {
	_, doc := tempFile(t, "v1.yaml", jobspectest.ValidV1Agg)
	w := EditFor(doc, jobspec.DialectV2)
	if w.Convert != ConvertToV2 || w.T.Dialect != jobspec.DialectV2 {
		t.Fatalf("convert %q T %+v", w.Convert, w.T)
	}
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Diff, "+schema: 2") || len(res.Findings) != 0 {
		t.Errorf("diff:\n%s\nfindings %v", res.Diff, res.Findings)
	}
}

// 2.x's capture scope is asked only for nsys, and the worker and rank only
// under capture_scope: selected (srtctl ignores them otherwise, with a
// warning): the form never offers a choice that does nothing.
func TestV2SelectorsAskedOnlyWhenTheyApply(t *testing.T) {
	_, doc := tempFile(t, "v2.yaml", jobspectest.ValidV2Disagg) // nsys; prefill selected, decode all
	w := Edit(doc)
	shown := func() []string {
		var keys []string
		for _, s := range w.Steps(false) {
			if strings.HasPrefix(s.Key, "capture-") || strings.HasPrefix(s.Key, "select-") {
				if s.Hidden == nil || !s.Hidden() {
					keys = append(keys, s.Key)
				}
			}
		}
		return keys
	}
	for _, c := range []struct {
		profiler, decodeScope string
		want                  string
	}{
		{"nsys", "", "capture-prefill select-prefill capture-decode"},
		{"nsys", "selected", "capture-prefill select-prefill capture-decode select-decode"},
		{"torch", "selected", ""},
		{"nsys-time", "selected", ""},
	} {
		w.T.Profiling, w.T.Scope[1] = c.profiler, c.decodeScope
		if got := strings.Join(shown(), " "); got != c.want {
			t.Errorf("%s, decode scope %q: steps %q, want %q", c.profiler, c.decodeScope, got, c.want)
		}
	}
	w.T.Profiling = "nsys"
	var info string
	for _, s := range w.Steps(false) {
		if s.Key == "capture-decode" {
			info = s.Info()
		}
	}
	if !strings.Contains(info, "This phase has 1 worker of 1 rank.") {
		t.Errorf("decode's capture note: %q", info)
	}
}
