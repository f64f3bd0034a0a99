// Package jobspec owns the srtctl job file: loading it into a yaml.Node tree
// plus a typed view (Job), telling which srtctl version it was written for
// (Dialect), checking it with srtctl's own rules and messages (Validate),
// editing it with minimal diffs (Set, Delete, ApplyProfiling), saving it
// atomically (Save) and showing what changed (UnifiedDiff).
//
// The original bytes are the source of truth: the node tree is used to find
// things, and edits are spliced into the bytes at the node's position, so a
// file saved without changes is byte-identical and an edit of N scalars is an
// N-line diff. Every edit is re-parsed and checked before it is accepted.
//
// The package has no UI and imports none of the project's packages.
package jobspec
