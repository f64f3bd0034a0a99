// Package jobspectest holds fixtures for tests: valid P1 job files and the
// shared corpus, plus the way to ../shared (corpus and real traces) beside
// the repository root.
//
// It is plain constants and functions, no test framework. It imports none
// of the project's packages, so the tests of any package (jobspec's own
// included) may use it without an import cycle.
package jobspectest
