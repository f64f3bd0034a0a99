package sim

import (
	"fmt"
	"io"
)

// runSacct answers like a cluster without accounting storage, the common
// case the runner must handle: nothing on stdout, the reason on stderr,
// exit 1.
func runSacct(_ []string, stderr io.Writer) int {
	fmt.Fprintln(stderr, "Slurm accounting storage is disabled")
	return 1
}
