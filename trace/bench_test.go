package trace

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"testing"
)

// BenchmarkSummarize measures the whole path on the largest shared trace
// (gzip included), and the JSON scan alone on its decompressed bytes.
func BenchmarkSummarize(b *testing.B) {
	// The 230 MB trace is only in ../shared; the decode trace stands in.
	name := "1795954250-TP-0-decode-big.trace.json.gz"
	if sharedTracesDir() == "" {
		name = "1795954250-TP-0-decode.trace.json.gz"
	}
	path := sharedTrace(b, name)
	gz, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("gzip", func(b *testing.B) {
		b.SetBytes(int64(len(gz)))
		for b.Loop() {
			if _, err := Summarize(bytes.NewReader(gz)); err != nil {
				b.Fatal(err)
			}
		}
	})
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		b.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			if _, err := Summarize(bytes.NewReader(plain)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gunzip-only", func(b *testing.B) {
		b.SetBytes(int64(len(gz)))
		for b.Loop() {
			zr, _ := gzip.NewReader(bytes.NewReader(gz))
			if _, err := io.Copy(io.Discard, zr); err != nil {
				b.Fatal(err)
			}
		}
	})
}
