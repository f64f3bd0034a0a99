// Package e2e drives the real srtctl-tui binary in a tmux pane of fixed
// size, the way a user does: keys in, screen text out.
package e2e
