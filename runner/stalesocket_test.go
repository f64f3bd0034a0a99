package runner

import (
	"os"
	"path/filepath"
	"testing"
)

// A socket a master listens on is live and stays; one whose master died
// (the file left behind) is stale.
func TestSocketAnswersTellsLiveFromStale(t *testing.T) {
	dir, err := os.MkdirTemp("", "sock")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "s")
	l := hangUpSocket(t, p)
	if !socketAnswers(p) {
		t.Fatal("a listening socket counted as stale")
	}
	l.SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Lstat(p); err != nil {
		t.Fatalf("the socket file should be left behind: %v", err)
	}
	if socketAnswers(p) {
		t.Fatal("a socket nobody listens on counted as live")
	}
}
