package trace

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadBoundariesDoNotMatter: the same trace read in one go, one byte at
// a time, or through a tiny window that must grow for every long name gives
// the same summary.
func TestReadBoundariesDoNotMatter(t *testing.T) {
	data := gunzipFile(t, sharedTrace(t, "1795954250-TP-0-prefill.trace.json.gz"))
	whole, err := summarizeJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if whole.GPUEvents != 984 || len(whole.Kernels) == 0 {
		t.Fatalf("prefill trace: %d GPU events, %d kernels; want 984 and some", whole.GPUEvents, len(whole.Kernels))
	}
	readers := map[string]io.Reader{
		"one byte":      iotest.OneByteReader(bytes.NewReader(data)),
		"half":          iotest.HalfReader(bytes.NewReader(data)),
		"data+eof":      iotest.DataErrReader(bytes.NewReader(data)),
		"1-byte window": bytes.NewReader(data),
	}
	for name, r := range readers {
		size := windowSize
		if name == "1-byte window" {
			size = 1
		}
		got, err := summarizeJSONWindow(r, size)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d := diffSummaries(got, whole); d != "" {
			t.Fatalf("%s: %s", name, d)
		}
	}
}

// TestTruncatedTrace: cut anywhere, a trace gives what was read before the
// cut and says "truncated at byte N" with N no further than the cut.
func TestTruncatedTrace(t *testing.T) {
	data := gunzipFile(t, sharedTrace(t, "1795954250-TP-0-prefill.trace.json.gz"))
	whole, _ := summarizeJSON(bytes.NewReader(data))
	prev := -1
	for _, frac := range []float64{0, 0.001, 0.1, 0.5, 0.75, 0.9, 0.999} {
		cut := int(float64(len(data)) * frac)
		sum, err := summarizeJSON(bytes.NewReader(data[:cut]))
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("cut at %d: error %v, want a *ParseError", cut, err)
		}
		if pe.Offset > int64(cut) || !strings.Contains(err.Error(), "truncated at byte") {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if cut > 0 && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d: %v does not wrap io.ErrUnexpectedEOF", cut, err)
		}
		if sum.Incomplete != err || sum.GPUEvents < prev || sum.GPUEvents > whole.GPUEvents {
			t.Fatalf("cut at %d: %d GPU events after %d before, of %d", cut, sum.GPUEvents, prev, whole.GPUEvents)
		}
		prev = sum.GPUEvents
	}
	if prev == 0 {
		t.Fatal("a trace cut at 99.9% shows no GPU events")
	}
}

// TestTruncatedGzip: a gzip file cut short (a copy still being written)
// gives the events before the cut and the reason (GPU events come last in
// torch traces, hence a late cut).
func TestTruncatedGzip(t *testing.T) {
	gz, err := os.ReadFile(sharedTrace(t, "1795954250-TP-0-decode.trace.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Summarize(bytes.NewReader(gz[:len(gz)*95/100]))
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want a ParseError wrapping io.ErrUnexpectedEOF", err)
	}
	if sum.GPUEvents == 0 || sum.GPUEvents >= 6200 || sum.BytesRead != pe.Offset {
		t.Fatalf("%d GPU events (want some of 6200), %d bytes read, error at %d", sum.GPUEvents, sum.BytesRead, pe.Offset)
	}
}

// TestCorruptTraces: structural damage is reported at its line and column.
func TestCorruptTraces(t *testing.T) {
	cases := []struct{ in, where, reason string }{
		{"{\"traceEvents\": [\n  {\"ph\": \"X\"},\n  {\"ph\": \"X\" \"cat\": 1}\n]}", "3:14:", "expected ',' or '}'"},
		{`{"traceEvents": [{"args": {"a": [1, 2}}]}`, "1:38:", "closes the value"},
		{`{"traceEvents": []} trailing`, "1:21:", "after the end"},
		{`{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "a\q", "ts": 1}]}`, "1:", "invalid escape"},
		{`nonsense`, "1:1:", "starts with"},
		{"\n\n", "3:1:", "empty input"},
	}
	for _, c := range cases {
		_, err := summarizeJSON(strings.NewReader(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.where) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%q: got %v, want %s... %s", c.in, err, c.where, c.reason)
		}
	}
	if _, err := summarizeJSON(strings.NewReader(`{"other": []}`)); !errors.Is(err, errNotTrace) {
		t.Errorf("an object without traceEvents: %v", err)
	}
}

// TestSummarizeFileNamesTheFile: errors start with path:line:col.
func TestSummarizeFileNamesTheFile(t *testing.T) {
	path := t.TempDir() + "/prefill/123-TP-3.trace.json"
	os.MkdirAll(t.TempDir(), 0o755)
	if err := os.MkdirAll(path[:strings.LastIndexByte(path, '/')], 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"traceEvents": [{"ph": "X", "cat": "kernel", "name": "k", "ts": 1, "dur": 2},`), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := SummarizeFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":1:") || !strings.Contains(err.Error(), "truncated at byte 78") {
		t.Fatalf("got %v", err)
	}
	if sum.GPUEvents != 1 || sum.Phase != "prefill" || sum.Rank != "TP-3" {
		t.Fatalf("got %d events, phase %q, rank %q", sum.GPUEvents, sum.Phase, sum.Rank)
	}
	var b bytes.Buffer
	WriteJSON(&b, []*FileSummary{sum}, 20)
	if !strings.Contains(b.String(), `"truncated_at": 78`) {
		t.Fatalf("JSON does not say where it stopped:\n%s", b.String())
	}
}

// TestAllocationIsBounded: the decode trace is 28 MB of JSON; summarising
// it allocates a small, fixed amount (windows and chunks), not the trace.
func TestAllocationIsBounded(t *testing.T) {
	path := sharedTrace(t, "1795954250-TP-0-decode.trace.json.gz")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := SummarizeFile(path); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 12<<20 {
		t.Fatalf("allocated %d bytes to summarise 28 MB of JSON; want under 12 MB", n)
	}
}

// For a .gz trace the position is in the JSON inside, and the message says
// so (a reader would otherwise look for that byte in the .gz file).
func TestTruncatedGzipSaysWhichBytes(t *testing.T) {
	err := (&ParseError{Path: "x/1-TP-0-decode.trace.json.gz", Offset: 1528428, Line: 1, Col: 1528429, Reason: "unexpected end"}).Error()
	if !strings.Contains(err, "truncated at byte 1528428 of the decompressed JSON") {
		t.Fatalf("%s", err)
	}
	if err := (&ParseError{Path: "x.json", Offset: 3, Line: 1, Col: 4, Reason: "r"}).Error(); strings.Contains(err, "decompressed") {
		t.Fatalf("plain JSON: %s", err)
	}
}
