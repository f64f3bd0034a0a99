package ui

import (
	"strings"
	"testing"
)

// A status line quoting a cluster (an error with a remote path, ssh's
// reason) reaches the screen as one line without escape sequences.
func TestStatusTextIsMadeSafe(t *testing.T) {
	msg := Status("fetching the traces: open /logs/9_\x1b]52;c;cHduZWQ=\x07\x1b[2Jx/a\nb\u202e", true)()
	sm, ok := msg.(StatusMsg)
	if !ok {
		t.Fatalf("%T", msg)
	}
	if strings.ContainsAny(sm.Text, "\x1b\x07\n\u202e") || sm.Text != "fetching the traces: open /logs/9_x/a?b" {
		t.Fatalf("status text %q", sm.Text)
	}
}
