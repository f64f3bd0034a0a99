package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Verdict is what the cluster's srtctl said about a job file it was asked
// to check (dry-run) or convert (migrate): its output verbatim (terminal
// controls removed) and whether it accepted it.
type Verdict struct {
	Command  string
	OK       bool
	ExitCode int
	// Output is stdout and stderr, made safe to show.
	Output string
	// Stdout is stdout alone (migrate's converted file), unaltered.
	Stdout []byte
}

// DryRun asks the cluster's srtctl for its verdict on data without
// submitting anything: it is uploaded under a temporary name beside the
// job files, `srtctl dry-run -f` runs in srtctl_root, and the upload is
// removed.
func (c *Conn) DryRun(ctx context.Context, localName string, data []byte) (Verdict, error) {
	return c.srtctlOnCopy(ctx, localName, data, "dry-run")
}

// Migrate runs the cluster's `srtctl migrate -f` (2.x) on a copy of data;
// the converted file is the verdict's Stdout.
func (c *Conn) Migrate(ctx context.Context, localName string, data []byte) (Verdict, error) {
	return c.srtctlOnCopy(ctx, localName, data, "migrate")
}

func (c *Conn) srtctlOnCopy(ctx context.Context, localName string, data []byte, sub string) (Verdict, error) {
	if len(data) > jobspec.MaxYAMLSize {
		return Verdict{}, fmt.Errorf("%s is larger than %d KB; that is not a job file", localName, jobspec.MaxYAMLSize>>10)
	}
	fsys, err := c.writeFS()
	if err != nil {
		return Verdict{}, err
	}
	cl := c.cluster
	remote, err := upload(fsys, cl.JobsDir(), "check-"+safeStem(localName), data)
	if err != nil {
		return Verdict{}, fmt.Errorf("cluster %s: uploading a copy of %s: %w", cl.Name, localName, err)
	}
	defer fsys.Remove(remote)
	argv := append(append([]string{}, cl.SrtctlCommand()...), sub, "-f", remote)
	stdout, _, combined, err := c.runIn(ctx, cl.SrtctlRoot, argv)
	v := Verdict{Command: shellCommand(cl.SrtctlRoot, argv), OK: err == nil, Output: safetext.Plain(string(combined)), Stdout: stdout}
	if err != nil {
		var ce *CommandError
		if !errors.As(err, &ce) || ce.Transport || ce.ExitCode <= 0 || ce.ExitCode == 127 {
			return v, err // srtctl did not run: no verdict
		}
		v.ExitCode = ce.ExitCode
	}
	return v, nil
}
