// Package runner owns everything srtctl-tui does on a cluster: the cluster
// configuration file, the transport (the system OpenSSH client with one
// ControlMaster connection per cluster, commands in BatchMode through it and
// one long-lived SFTP session on it; or this machine for the `local`
// cluster), submitting a job file with `srtctl apply -f`, following its SLURM
// state, cancelling it, fetching its traces, and the local history of
// submitted jobs.
//
// Host keys are checked by ssh exactly as the user configured it: nothing
// here turns checking off, and prompts (passwords, 2FA, unknown host keys)
// are ssh's own, shown on the terminal handed to the master connection.
//
// Polling: [Conn.State] answers from a per-job cache when asked again within
// [MinStateInterval], so no caller can query SLURM more often than that.
// Files are polled over SFTP ([Conn.FS]), which costs milliseconds, while a
// command costs a remote shell start.
package runner
