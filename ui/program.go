package ui

import (
	tea "charm.land/bubbletea/v2"
)

// frameRate caps redraws. Panes refresh every 100 ms at most, so 20 frames
// a second loses nothing; Bubble Tea's default of 60 woke an idle monitor
// about 370 times a second (scripts/bench-monitor.sh: 2.3% of a core idle at
// 60, 0.9% at 20 with the slower header clock).
const frameRate = 20

// NewProgram runs root with the options every screen of srtctl-tui shares.
func NewProgram(root *Root, opts ...tea.ProgramOption) *tea.Program {
	return tea.NewProgram(root, append([]tea.ProgramOption{tea.WithFPS(frameRate)}, opts...)...)
}
