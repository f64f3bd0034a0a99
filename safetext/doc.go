// Package safetext makes untrusted text from clusters and files safe to show
// on a terminal.
//
// Remote log lines, ssh and srtctl messages, SLURM fields and names read from
// trace files can carry escape sequences that move the cursor, retitle the
// window, write the clipboard or hide text. Each function here suits one way
// of showing such text:
//
//   - Line (line.go): one line inside a pane. Keeps colours (SGR) but not
//     concealment (SGR 8) nor a colour that would draw text in its
//     background's colour (sgrcolour.go), removes every other escape, makes control
//     characters, bidirectional controls and invisible runes (zero-width,
//     U+2028/U+2029, tags) visible (cat -v style, <U+200B>), collapses "\r"
//     progress output and bounds the length.
//   - Plain (plain.go): multi-line messages (ssh, srtctl, sacct output).
//     Removes every escape sequence and control character but newline and
//     tab; nothing is kept for colour.
//   - Label (label.go): names from trace files (kernels, paths). Each
//     control character and invalid byte becomes '?', so the name keeps its
//     length and shape.
//
// The package imports no other package of the project; any package may use
// it.
package safetext
