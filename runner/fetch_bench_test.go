package runner

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkFetch copies one file of random bytes (256 MiB, or
// $SRTCTL_BENCH_FETCH_MIB) from the test cluster through Fetch: the
// master connection and its SFTP session, as the monitor's d does.
// $SRTCTL_BENCH_FETCH_DIR names a cluster directory holding the file
// (scripts/bench-fetch.sh passes the one it also copies with plain sftp).
func BenchmarkFetch(b *testing.B) {
	tc := needCluster(b)
	cl := tc.cluster(b, 40)
	remote := os.Getenv("SRTCTL_BENCH_FETCH_DIR")
	if remote == "" {
		mib := 256
		if v, err := strconv.Atoi(os.Getenv("SRTCTL_BENCH_FETCH_MIB")); err == nil && v > 0 {
			mib = v
		}
		remote = filepath.Join(cl.SrtctlRoot, "bench")
		os.MkdirAll(remote, 0o755)
		f, err := os.Create(filepath.Join(remote, "data"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyN(f, rand.Reader, int64(mib)<<20); err != nil {
			b.Fatal(err)
		}
		f.Close()
		os.Chown(remote, tc.UID, tc.GID)
		os.Chown(filepath.Join(remote, "data"), tc.UID, tc.GID)
	}
	info, err := os.Stat(filepath.Join(remote, "data"))
	if err != nil {
		b.Fatal(err)
	}
	conn := connect(b, cl, ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	local := b.TempDir()
	b.SetBytes(info.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		os.RemoveAll(filepath.Join(local, "out"))
		b.StartTimer()
		if _, err := conn.Fetch(ctx, remote, filepath.Join(local, "out"), nil); err != nil {
			b.Fatal(err)
		}
	}
}
