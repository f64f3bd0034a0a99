package tail

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// go test -run '^$' -bench . ./tail/ — what a capped poll costs per MiB
// (safetext's benchmarks give the cost per line).

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
