package runner

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// Remote names with a newline, a tab, an escape sequence or an invisible
// rune are not copied (Fetch's doc says control characters are skipped):
// listed by SFTP through the test sshd, they must not reach the local disk.
func TestFetchSkipsNamesWithControlCharactersOverSSH(t *testing.T) {
	tc := needCluster(t)
	cl := tc.cluster(t, 40)
	remote := filepath.Join(cl.SrtctlRoot, "logs", "7_1P_1D", "profiles")
	names := map[string]bool{
		"ok.json":               true,
		"sub/also-ok.json":      true,
		"evil\nname.json":       false,
		"tab\there.json":        false,
		"esc\x1b]52;c;eA==.txt": false,
		"zw\u200bspace.json":    false,
		"rtl\u202egnp.exe":      false,
		"nl\ndir/inner.json":    false,
	}
	for name := range names {
		p := filepath.Join(remote, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conn := connect(t, cl, ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	local := t.TempDir()
	res, err := conn.Fetch(ctx, remote, local, nil)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	var got []string
	filepath.WalkDir(local, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != local {
			rel, _ := filepath.Rel(local, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(got)
	want := []string{"ok.json", "sub", "sub/also-ok.json"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("local files %q, want %q", got, want)
	}
	if res.Files != 2 || res.Copied != 2 {
		t.Fatalf("result %+v, want 2 files copied", res)
	}
}
