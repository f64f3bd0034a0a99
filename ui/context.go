package ui

import (
	"os"
)

// Context is shared by every screen: the terminal's size, styles and the
// options the program was started with. Screens keep a pointer to it.
type Context struct {
	Width, Height int
	Styles        Styles
	// Accessible runs forms as plain prompts (huh's accessible mode).
	Accessible bool
	// NoColor is set from NO_COLOR; styles are built without colour then.
	NoColor bool
	// Simulated marks everything shown as coming from the simulated cluster.
	Simulated bool
	// Clusters are where jobs are submitted and followed; nil when the
	// program has none (the review then shows the srtctl apply command,
	// and the start screen does not offer "Monitor a job").
	Clusters *Clusters
}

// NewContext builds a context from the environment (NO_COLOR, ACCESSIBLE).
func NewContext() *Context {
	noColor := os.Getenv("NO_COLOR") != ""
	return &Context{
		Width:      80,
		Height:     24,
		NoColor:    noColor,
		Accessible: os.Getenv("ACCESSIBLE") != "",
		Styles:     NewStyles(noColor),
	}
}
