package commands

// runAsMultiCall lets the simulated cluster of `srtctl-tui demo` run this
// binary under the names of the tools it stands in for (srtctl, sbatch,
// squeue, ...). It reports whether argv[0] named one of them.
// The simulated cluster (package sim) fills multiCallTools.
func runAsMultiCall(args []string) (code int, handled bool) {
	if len(args) == 0 {
		return 0, false
	}
	name := baseName(args[0])
	tool, ok := multiCallTools[name]
	if !ok {
		return 0, false
	}
	return tool(args[1:]), true
}

var multiCallTools = map[string]func(args []string) int{}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}
