package jobspec

import "fmt"

// ApplyProfiling makes the file consistent for P1 profiling with the
// user's intent in one call: it writes the profiling section (type, and the
// profiled phases' isl, osl, concurrency, start_step, stop_step), sets
// benchmark.type to "manual" (adding benchmark when absent) and the worker
// counts of the job's mode to 1. With type none it only sets
// profiling.type and leaves workers and benchmark alone. It returns each
// change made, with the reason, for the UI to show; on error nothing
// changes.
func (d *Doc) ApplyProfiling(p ProfilingIntent) ([]Change, error) {
	return nil, fmt.Errorf("not implemented yet")
}
