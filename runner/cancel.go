package runner

import (
	"context"
	"fmt"
)

// Cancel cancels job id with scancel. Asking the user first is the
// caller's duty (the UI's confirmation, the CLI's prompt or --yes).
func (c *Conn) Cancel(ctx context.Context, id string) error {
	if !ValidJobID(id) {
		return fmt.Errorf("%q is not a SLURM job id", id)
	}
	defer c.forgetState(id)
	_, _, err := c.Run(ctx, "scancel", id)
	return err
}
