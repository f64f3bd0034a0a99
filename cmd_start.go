package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/ui"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// Bare `srtctl-tui` opens the start screen.
func init() { rootRunE = runStart }

func runStart(cmd *cobra.Command, _ []string) error {
	dir, err := os.Getwd()
	if err != nil {
		return withExit(2, err)
	}
	if globalFlags.accessible {
		return startAccessible(cmd, dir)
	}
	ctx := newUIContext()
	return runUI(ctx, ui.NewStartScreen(ctx, dir))
}

func newUIContext() *ui.Context {
	ctx := ui.NewContext()
	ctx.Accessible = globalFlags.accessible
	return ctx
}

// runUI runs the full-screen program with first as its screen and prints
// what the last screen asked to print once the terminal is restored.
func runUI(ctx *ui.Context, first ui.Component) error {
	root := ui.NewRoot(ctx, first)
	if _, err := tea.NewProgram(root).Run(); err != nil {
		return withExit(2, err)
	}
	if root.ExitMessage != "" {
		fmt.Println(root.ExitMessage)
	}
	if root.ExitCode != 0 {
		return withExit(root.ExitCode, nil)
	}
	return nil
}

// runWizard runs a wizard full-screen, or as plain prompts.
func runWizard(cmd *cobra.Command, wz *wizard.Wizard) error {
	if globalFlags.accessible {
		_, err := ui.RunAccessible(wz, cmd.InOrStdin(), cmd.OutOrStdout())
		if errors.Is(err, ui.ErrNotSaved) {
			return withExit(1, err)
		}
		return err
	}
	ctx := newUIContext()
	return runUI(ctx, ui.OpenJob(ctx, wz))
}

// startAccessible is the start screen as a numbered prompt.
func startAccessible(cmd *cobra.Command, dir string) error {
	out := cmd.OutOrStdout()
	files := ui.JobFiles(dir)
	fmt.Fprintln(out, "What would you like to do?")
	fmt.Fprintln(out, "1. New job")
	for i, f := range files {
		fmt.Fprintf(out, "%d. Edit %s\n", i+2, f.Label())
	}
	fmt.Fprintf(out, "Enter a number between 1 and %d: ", len(files)+1)
	line, _ := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	n, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || n < 1 || n > len(files)+1 {
		return withExit(2, fmt.Errorf("no such choice: %q", strings.TrimSpace(line)))
	}
	if n == 1 {
		return runWizard(cmd, wizard.NewJob())
	}
	doc, err := jobspec.Load(files[n-2].Path())
	if err != nil {
		return withExit(2, err)
	}
	return runWizard(cmd, wizard.Edit(doc))
}
