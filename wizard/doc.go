// Package wizard owns the huh v2 forms that build and edit srtctl job files:
// the values the form edits (Values), the steps and their dynamic options,
// the field validation, and turning the answers into minimal edits of a
// jobspec.Doc (Result). srtctl's rules, enums and defaults come from jobspec;
// this package only decides what to ask and never offers a value jobspec
// would reject. It has no Bubble Tea program code: package ui hosts the form.
package wizard
