package commands

import (
	"strings"
	"testing"
)

// The accessible question takes one line and leaves the rest of the input
// to the form that follows.
func TestChooseSrtctlLine(t *testing.T) {
	in := strings.NewReader("4\n2\nrest\n")
	var out strings.Builder
	d, err := chooseSrtctlLine(in, &out)
	if err != nil || d != "v1" {
		t.Fatalf("got %q %v", d, err)
	}
	if !strings.Contains(out.String(), "1. srtctl 2.x") || !strings.Contains(out.String(), `"4" is not one of the choices.`) {
		t.Errorf("output:\n%s", out.String())
	}
	rest := make([]byte, 10)
	n, _ := in.Read(rest)
	if string(rest[:n]) != "rest\n" {
		t.Errorf("the next reader gets %q", rest[:n])
	}
}
