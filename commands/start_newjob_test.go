package commands

import (
	"context"
	"strings"
	"testing"
)

// "New job" in the accessible start menu follows `new`: the form for the
// configured cluster's srtctl (srtctl_version: no connection), else the
// question which srtctl, newest first, whose answer decides the form.
func TestAccessibleStartNewJobForClusterSrtctl(t *testing.T) {
	const question = "Which srtctl is this job for?\n1. srtctl 2.x"
	for _, c := range []struct {
		name, version, input, want string
	}{
		{"2.x cluster", "2.1.0", "1\n", "Step 1/5 · Job (srtctl 2.x)\n"},
		{"1.0.68 cluster", "1.0.68", "1\n", "Step 1/5 · Job (srtctl 1.0.x)\n"},
		{"P1 cluster", "p1", "1\n", "Step 1/5 · Job\n"},
		// No configuration: the built-in local cluster, with no srtctl on PATH.
		{"none known, Enter", "", "1\n\n", "Step 1/5 · Job (srtctl 2.x)\n"},
		{"none known, 1.0.x", "", "1\n2\n", "Step 1/5 · Job (srtctl 1.0.x)\n"},
		{"none known, P1", "", "1\n3\n", "Step 1/5 · Job\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			freshConfig(t)
			t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no srtctl learned before
			t.Setenv("PATH", t.TempDir()+":/usr/bin:/bin")
			if c.version != "" {
				writeConfig(t, "default: far\nclusters:\n  - name: far\n    host: far.example.org\n    srtctl_root: /srt\n    srtctl_version: "+c.version+"\n")
			}
			t.Chdir(t.TempDir())
			out, errOut, _ := runCLIIn(t, context.Background(), c.input, "--accessible")
			if asked := strings.Contains(out, question); asked != (c.version == "") {
				t.Errorf("asked which srtctl: %v, want %v:\n%s", asked, c.version == "", out)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("no %q (the form for that srtctl):\n%s\n%s", c.want, out, errOut)
			}
		})
	}
}
