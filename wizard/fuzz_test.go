package wizard

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// Whatever a job file holds, opening it in the form and producing the
// review must not panic, and a result the form would save parses back and
// passes the rules.
func FuzzEditResult(f *testing.F) {
	for _, rel := range []string{"p1/examples/enable-profiling.yaml", "p1/examples/example.yaml"} {
		if data, err := os.ReadFile(filepath.Join(jobspectest.CorpusDir(f), rel)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(jobspectest.BrokenP1))
	f.Add([]byte(jobspectest.ValidV1Disagg2x2))
	f.Add([]byte(jobspectest.ValidV2Disagg))
	f.Add([]byte("resources: {agg_nodes: 1, agg_workers: 3}\nprofiling: {type: nsys, decode: {isl: 1, osl: 1, concurrency: 1}}\n"))
	f.Add([]byte("resources: {gpu_type: h100, prefill_nodes: 9223372036854775807, decode_nodes: 10, prefill_workers: 5, decode_workers: 0}\n" +
		"backend: {sglang_config: {prefill: {tp-size: 8, dp-size: 3}, decode: {tp-size: -4}}}\nprofiling: {type: torch, decode: {start_step: 60, stop_step: 40}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := jobspec.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		w := Edit(doc)
		if w.ReadOnly {
			return
		}
		// The problems page and its proposals read the same file.
		_ = w.problemsText()
		res, err := w.Result()
		if err != nil || !res.CanSave() {
			return
		}
		back, err := jobspec.Parse("fuzz.yaml", res.Doc.Bytes())
		if err != nil {
			t.Fatalf("a savable result does not parse: %v\n%s", err, res.Doc.Bytes())
		}
		dia := jobspec.DialectP1
		if w.T != nil {
			dia = w.T.Dialect
		}
		if fs := back.ValidateAs(dia); jobspec.HasErrors(fs) {
			t.Fatalf("a savable result breaks a rule on re-read: %v", fs)
		}
	})
}

func TestValidators(t *testing.T) {
	pos := positiveInt("{nodes}", MaxNodes)
	for s, ok := range map[string]bool{"1": true, "12": true, "0": false, "-1": false, "1.5": false, " 2": false, "": false, "{nodes}": true, "{x}": false, "10000": true, "10001": false, "99999999999999999999999": false} {
		if (pos(s) == nil) != ok {
			t.Errorf("positiveInt(%q) ok=%v", s, !ok)
		}
	}
	// A number the file had is no exception: only a placeholder is.
	if positiveInt("0", 9)("0") == nil || positiveInt("-3", 9)("-3") == nil || nonNegativeInt("-1", 9)("-1") == nil {
		t.Error("a file's own out-of-range number was accepted")
	}
	nn := nonNegativeInt("", MaxSteps)
	if nn("0") != nil || nn("-1") == nil || nn("1000001") == nil {
		t.Error("nonNegativeInt")
	}
	p := &PhaseFields{StartStep: "10"}
	stop := stopAfterStart(p, "")
	if stop("10") == nil || stop("9") == nil || stop("11") != nil {
		t.Error("stopAfterStart")
	}
	for s, ok := range map[string]bool{
		"": true, "02:00:00": true, "120:30:00": true, "30": true, "30:15": true, "2-12": true, "2-12:30": true,
		"1-00:00:00": true, "UNLIMITED": true, "infinite": true,
		"2h": false, "1-": false, "-1": false, ":30": false, "1:2:3:4": false, "1-2-3": false, "99999999999999999999": false, "1.5": false} {
		if (timeLimit(s) == nil) != ok {
			t.Errorf("timeLimit(%q) ok=%v", s, !ok)
		}
	}
	v := NewValues()
	v.ProfilingType = "torch"
	w := workerCount(&v, "2")
	if w("2") == nil || w("1") != nil {
		t.Error("a worker count other than 1 passes while profiling, even the file's own")
	}
	v.ProfilingType = "none"
	if w("2") != nil {
		t.Error("profiling off refuses 2 workers")
	}
	if oneOf("benchmark type", v.AllowedBenchmarkTypes)("sa-bench") != nil {
		t.Error("sa-bench refused with profiling off")
	}
	v.ProfilingType = "nsys"
	if oneOf("benchmark type", v.AllowedBenchmarkTypes)("sa-bench") == nil {
		t.Error("sa-bench injected while profiling passes")
	}
	for in, want := range map[[2]string]string{{"0", "50"}: "", {"0", "10"}: "⚠ 10 steps", {"0", "150"}: "⚠ 150 steps", {"5", "5"}: "⚠ the stop step"} {
		got := WindowWarning(PhaseFields{StartStep: in[0], StopStep: in[1]})
		if (want == "") != (got == "") || (want != "" && len(got) < len(want)) || (want != "" && got[:len(want)] != want) {
			t.Errorf("WindowWarning(%v) = %q, want prefix %q", in, got, want)
		}
	}
}
