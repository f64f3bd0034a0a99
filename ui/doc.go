// Package ui owns the Bubble Tea screens of srtctl-tui: one root model that
// hosts a stack of screens (Components), a Context shared by all of them
// (terminal size, styles, options), and one KeyMap per screen that the root
// renders as the help footer.
package ui
