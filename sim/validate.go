package sim

import "github.com/srtctl-tui/srtctl-tui/jobspec"

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

// srtctlRejects tells srtctl's own load-time errors apart from the checks
// jobspec adds for problems srtctl lets through.
func srtctlRejects(f jobspec.Finding) bool { return !f.Precheck }
