//go:build tools

// Pins the modules the packages are being built on, so that go.mod stays
// stable while they are written in parallel. Removed once every module here
// is imported by real code.
package main

import (
	_ "charm.land/bubbles/v2/viewport"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/huh/v2"
	_ "charm.land/lipgloss/v2"
	_ "github.com/aymanbagabas/go-udiff"
	_ "github.com/charmbracelet/x/ansi"
	_ "github.com/charmbracelet/x/exp/teatest/v2"
	_ "github.com/dustin/go-humanize"
	_ "github.com/pkg/sftp"
	_ "github.com/spf13/cobra"
	_ "go.yaml.in/yaml/v3"
)
