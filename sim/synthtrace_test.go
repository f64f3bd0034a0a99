package sim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

type chromeTrace struct {
	TraceEvents []struct {
		Ph   string   `json:"ph"`
		Cat  string   `json:"cat"`
		Name string   `json:"name"`
		Ts   *float64 `json:"ts"`
		Dur  *float64 `json:"dur"`
	} `json:"traceEvents"`
}

func decodeTrace(t *testing.T, gz []byte) chromeTrace {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var tr chromeTrace
	if err := json.Unmarshal(raw, &tr); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return tr
}

func TestSynthTrace(t *testing.T) {
	for _, phase := range []string{"prefill", "decode", "aggregated"} {
		a := synthTrace(phase, 0)
		if !bytes.Equal(a, synthTrace(phase, 0)) {
			t.Fatalf("%s: not deterministic", phase)
		}
		if bytes.Equal(a, synthTrace(phase, 1)) {
			t.Errorf("%s: rank 1 identical to rank 0", phase)
		}
		tr := decodeTrace(t, a)
		cats := map[string]int{}
		x := 0
		for _, e := range tr.TraceEvents {
			if e.Ph == "X" {
				x++
				cats[e.Cat]++
				if e.Ts == nil || e.Dur == nil || *e.Dur <= 0 || e.Name == "" {
					t.Fatalf("%s: bad complete event %+v", phase, e)
				}
			}
		}
		if len(tr.TraceEvents) < 1500 || len(tr.TraceEvents) > 20000 {
			t.Errorf("%s: %d events, want a few thousand", phase, len(tr.TraceEvents))
		}
		for _, c := range []string{"kernel", "gpu_memcpy", "gpu_memset", "cpu_op", "cuda_runtime", "user_annotation"} {
			if cats[c] == 0 {
				t.Errorf("%s: no %s events (have %v)", phase, c, cats)
			}
		}
	}
}

func TestTraceSourcePicksRealTraces(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"1-TP-0-prefill.trace.json.gz":    "P",
		"1-TP-0-decode-big.trace.json.gz": "BIG",
		"1-TP-0-decode.trace.json.gz":     "D",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for phase, want := range map[string]string{"prefill": "P", "decode": "D", "aggregated": "D"} {
		b, src := traceSource(dir, phase, 0)
		if string(b) != want || src == "" {
			t.Errorf("%s: got %q from %q, want %q", phase, b, src, want)
		}
	}
	// Nothing suitable: synthesize.
	b, src := traceSource(t.TempDir(), "prefill", 0)
	if src != "" || len(decodeTrace(t, b).TraceEvents) == 0 {
		t.Errorf("fallback: src %q", src)
	}
}
