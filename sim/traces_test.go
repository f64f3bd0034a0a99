package sim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// chromeTrace is what the tests read of a torch trace: its events.
type chromeTrace struct {
	TraceEvents []json.RawMessage `json:"traceEvents"`
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
		b, src := traceSource(dir, phase)
		if string(b) != want || src == "" {
			t.Errorf("%s: got %q from %q, want %q", phase, b, src, want)
		}
	}
	// Nothing suitable: the real traces built into the binary (those of
	// ../shared/traces), the prefill one for prefill, the decode one else.
	for phase, want := range map[string]string{"prefill": "prefill", "decode": "decode", "aggregated": "decode"} {
		b, src := traceSource(t.TempDir(), phase)
		if !strings.Contains(src, "built in") || !strings.Contains(src, want) {
			t.Errorf("%s fallback: src %q", phase, src)
		}
		shared, err := os.ReadFile(filepath.Join(jobspectest.TracesDir(t), "1795954250-TP-0-"+want+".trace.json.gz"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, shared) {
			t.Errorf("%s: the built-in trace is not shared/traces' %s trace", phase, want)
		}
		if len(decodeTrace(t, b).TraceEvents) == 0 {
			t.Errorf("%s: no events", phase)
		}
	}
}
