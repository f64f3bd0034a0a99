package safetext

import "testing"

// go test -run '^$' -bench . ./safetext/ — what a pane costs per line.

func BenchmarkLinePlain(b *testing.B) {
	line := "Server not ready yet (status: 503), waiting... 2025-12-03 10:15:42 load average: 0.52, 0.58"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		Line(line)
	}
}

func BenchmarkLineColouredUnicode(b *testing.B) {
	line := "\x1b[32m✓\x1b[0m Successful requests: 64 — 日本語 \x1b]0;title\x07 tail\r\n"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		Line(line)
	}
}
