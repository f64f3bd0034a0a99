package monitor

import (
	"context"

	"github.com/srtctl-tui/srtctl-tui/tail"
)

// Conn is what the engine needs from a cluster connection. runner's
// connection satisfies it through RunnerConn; tests use a fake over local
// files (tail.OSFS).
type Conn interface {
	// FS is the file system of the current connection.
	FS(ctx context.Context) (tail.FS, error)
	// Reconnect replaces a broken connection; FS afterwards is the new one.
	Reconnect(ctx context.Context) error
	// State is the job's SLURM state now.
	State(ctx context.Context, jobID string) (JobState, error)
	// Cancel asks SLURM to cancel the job (scancel).
	Cancel(ctx context.Context, jobID string) error
	// Fetch copies remoteDir into localDir, reporting bytes copied.
	Fetch(ctx context.Context, remoteDir, localDir string, progress func(done, total int64)) error
}

// answerWaiter is a Conn that can tell when a lost cluster answers again
// (runner's: its master socket, or the server's port), so the engine
// redials then instead of at its next backoff slot.
type answerWaiter interface {
	// WaitAnswering returns when the cluster answers again; server says
	// the server itself was unreachable (not just the connection lost).
	WaitAnswering(ctx context.Context, server bool) error
}
