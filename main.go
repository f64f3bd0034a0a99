// Command srtctl-tui builds, submits and watches srtctl profiling jobs.
// The commands live in package commands; this file only stamps the build.
package main

import (
	"os"

	"github.com/srtctl-tui/srtctl-tui/commands"
)

// Set by -ldflags "-X main.version=... -X main.commit=... -X main.date=...".
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	os.Exit(commands.Main(commands.BuildInfo{Version: version, Commit: commit, Date: date}))
}
