// Package tail follows the files of a running profiling job through a small
// file-system interface (SFTP on a cluster, the OS for the local cluster) and
// turns what it reads into something a screen can show safely.
//
// It owns four things, each in its own file:
//
//   - Follower (follower.go): one file's read state (offset, partial line,
//     first and last bytes seen), kept outside the FS so that a follower
//     resumes on a new connection with nothing lost and nothing repeated.
//   - Watcher (watcher.go): polls Sources with an adaptive interval, delivers
//     one message per poll per source, and redials the FS when it fails.
//   - The P1 job (phase.go, logout.go, traces.go, job.go): phase state from
//     profile_<phase>.out, node and exit code from log.out, and the traces
//     under profiles/, following srtctl's exact line formats.
//   - Ring (ring.go): bounds the lines a pane keeps.
//
// Making the remote text safe to show is package safetext's job (the parsed
// state goes through safetext.Line); it is the only package of the project
// this one imports.
package tail
