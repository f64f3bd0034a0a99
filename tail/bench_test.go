package tail

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// go test -run '^$' -bench . ./tail/ — what a pane costs per line, and a
// capped poll per MiB.

func BenchmarkSanitizePlainLine(b *testing.B) {
	line := "Server not ready yet (status: 503), waiting... 2025-12-03 10:15:42 load average: 0.52, 0.58"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		Sanitize(line)
	}
}

func BenchmarkSanitizeColouredUnicodeLine(b *testing.B) {
	line := "\x1b[32m✓\x1b[0m Successful requests: 64 — 日本語 \x1b]0;title\x07 tail\r\n"
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		Sanitize(line)
	}
}

func BenchmarkFollowerPoll1MiB(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f.out")
	var sb strings.Builder
	for i := 0; sb.Len() < 1<<20; i++ {
		fmt.Fprintf(&sb, "line %d of the load generator's output, about eighty bytes long......\n", i)
	}
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		f := NewFollower(p)
		f.MaxRead = 2 << 20
		if _, err := f.Poll(OSFS{}); err != nil {
			b.Fatal(err)
		}
	}
}
