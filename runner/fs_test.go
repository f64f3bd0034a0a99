package runner

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Open refuses what is not a regular file, on the local cluster and over
// SFTP through the test sshd, at once: a FIFO (also behind a symbolic
// link), a device and a directory. A FIFO would block the reader (and over
// SFTP the whole session) until someone writes to it; /dev/zero never ends.
func TestOpenRefusesWhatIsNotARegularFile(t *testing.T) {
	tc := needCluster(t)
	cl := tc.cluster(t, 40)
	dir := filepath.Join(cl.SrtctlRoot, "logs", "8_x")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "profile_prefill.out")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Release any reader a failing Open left blocked.
		if f, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			f.Close()
		}
	})
	if err := os.Symlink(fifo, filepath.Join(dir, "link.out")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "log.out"), []byte("ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, fsys := range map[string]FS{"local": osFS{}, "sftp": connect(t, cl, ConnectOptions{}).FS()} {
		for _, p := range []string{fifo, filepath.Join(dir, "link.out"), "/dev/zero", dir} {
			done := make(chan error, 1)
			go func() {
				f, err := fsys.Open(p)
				if err == nil {
					f.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				var nr *NotRegularError
				if !errors.Is(err, fs.ErrInvalid) || !errors.As(err, &nr) {
					t.Errorf("%s: Open(%s) = %v, want a NotRegularError", name, p, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s: Open(%s) still blocked after 5 s", name, p)
			}
		}
		f, err := fsys.Open(filepath.Join(dir, "log.out"))
		if err != nil {
			t.Fatalf("%s: a regular file: %v", name, err)
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if string(b) != "ok\n" {
			t.Errorf("%s: read %q", name, b)
		}
	}
}
