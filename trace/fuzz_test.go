package trace

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// fuzzSeeds are small traces that reach every branch of the scanner.
var fuzzSeeds = []string{
	`{"traceEvents":[{"ph":"X","cat":"kernel","name":"k","ts":1,"dur":2}]}`,
	`[{"ph":"X","cat":"gpu_memcpy","name":"Memcpy","ts":"1.5","dur":2},{"ph":"X","cat":"kernel","ts":0}]`,
	`{"a":{"b":[1,{"c":"\"}"}]},"traceEvents":[{"args":{"x":[[],{}]},"ph":"X","cat":"kernel","name":"a\u00e9\n\"b","ts":5,"dur":1e-3}],"z":null}`,
	`{"traceEvents":[{"ph":"X","ph":"B","cat":"kernel","ts":1,"dur":1},{"ph":"X","cat":"kernel","cat":"gpu_memset","ts":3,"dur":-1}]}`,
	`{"traceEvents":[{"ph":"X","cat":"kernel","name":"k","ts":1,"dur":2},{"ph":"X","cat":"kernel","name":"k","ts":3,"dur":2},{"ph":"X","cat":"kernel","name":"j","ts":2.5,"dur":0.5}]}`,
	`{"traceEvents":[1,"x",null,true,{"ph":"X","cat":"kernel","name":7,"ts":1}]}`,
	`{"traceEvents":[{"ph":"X","cat":"kernel","name":"\ud83d\ude00","ts":1e300,"dur":1e300}]}`,
	`{"traceEvents":[{"ph":"X","cat":"kernel","name":"k","ts":1,"dur":2}`,
	`{"traceEvents":{}}`,
	`[]`,
	``,
	`{"traceEvents":[{"ph":"X","cat":"kernel","name":"k","ts":"0x10","dur":"nan"}]}`,
}

// FuzzSummarize checks that no input panics or hangs the scanner, that the
// answer does not depend on how the input is split into reads or on the
// window size, and that for valid JSON it equals the slow reference.
func FuzzSummarize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if sum, _ := Summarize(bytes.NewReader(data)); sum == nil { // gzip detection included
			t.Fatal("no summary")
		}
		got, err := summarizeJSON(bytes.NewReader(data))
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) && !errors.Is(err, errNotTrace) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		if pe != nil && (pe.Offset < 0 || pe.Offset > int64(len(data))) {
			t.Fatalf("error offset %d outside the input of %d bytes", pe.Offset, len(data))
		}
		small, smallErr := summarizeJSONWindow(iotest.OneByteReader(bytes.NewReader(data)), 1)
		if d := diffSummaries(got, small); d != "" || errString(err) != errString(smallErr) {
			t.Fatalf("one-byte reads and a tiny window differ: %s; %v vs %v", d, err, smallErr)
		}
		if !json.Valid(data) || !utf8.Valid(data) {
			return
		}
		want, ok := referenceSummary(data)
		if !ok {
			if err == nil {
				t.Fatalf("accepted what the reference does not read as a trace")
			}
			return
		}
		if err != nil {
			t.Fatalf("valid trace rejected: %v", err)
		}
		if d := diffSummaries(got, want); d != "" {
			t.Fatalf("differs from the reference: %s", d)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
