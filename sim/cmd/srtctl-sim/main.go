// Command srtctl-sim is the simulated cluster alone: the same tools that
// srtctl-tui runs under their multi-call names (srtctl, sbatch, squeue,
// scancel, sacct, scontrol), without the rest of the program. Tests build
// it, and a test cluster can install it as its stand-in srtctl.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/srtctl-tui/srtctl-tui/sim"
)

func main() {
	tools := sim.Tools()
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	if _, ok := tools[name]; !ok && len(args) > 0 {
		// srtctl-sim TOOL ARGS... works too.
		name, args = args[0], args[1:]
	}
	tool, ok := tools[name]
	if !ok {
		var names []string
		for n := range tools {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "srtctl-sim: run me as one of %v (a symlink named so), or as `srtctl-sim TOOL ARGS...`\n", names)
		os.Exit(2)
	}
	os.Exit(tool(args))
}
