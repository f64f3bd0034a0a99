package sim

import (
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// loadJob reads a job file and returns the first problem srtctl P1 itself
// would reject it for, as the message srtctl prints after
// "Invalid config in <path>: ". The stand-in checks only what srtctl
// checks at load time: what srtctl leaves to the cluster (missing
// isl/osl/concurrency, bad step windows) must reach the job, which then
// fails the way real jobs do.
func loadJob(path string) (*jobspec.Doc, string) {
	doc, err := jobspec.Load(path)
	if err != nil {
		return nil, err.Error()
	}
	for _, f := range doc.ValidateAs(jobspec.DialectP1) {
		if f.Severity == jobspec.Error && srtctlRejects(f) {
			return doc, f.Message
		}
	}
	return doc, ""
}

// runtimeOnlyKeys are the phase values srtctl P1 passes to the profile
// script without looking at them.
var runtimeOnlyKeys = []string{".isl", ".osl", ".concurrency", ".start_step", ".stop_step"}

// srtctlRejects tells srtctl's own load-time errors apart from the checks
// jobspec adds for problems srtctl lets through.
func srtctlRejects(f jobspec.Finding) bool {
	if strings.Contains(f.Message, "srtctl does not check") {
		return false
	}
	if f.Path == "profiling.prefill" && strings.Contains(f.Message, "has no effect") {
		return false // P1 ignores the section on an aggregated job
	}
	if strings.HasPrefix(f.Path, "profiling.") && !strings.Contains(f.Message, "Input should be") {
		for _, k := range runtimeOnlyKeys {
			if strings.HasSuffix(f.Path, k) {
				return false
			}
		}
	}
	return true
}
