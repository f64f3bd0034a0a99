package commands

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/srtctl-tui/srtctl-tui/trace"
)

func init() { registerCommand(newSummaryCmd) }

func newSummaryCmd() *cobra.Command {
	var (
		top       int
		asJSON    bool
		fullNames bool
		width     int
	)
	cmd := &cobra.Command{
		Use:   "summary PATH...",
		Short: "Summarise profiler traces: GPU kernels, busy time, prefill vs decode",
		Long: `summary reads torch profiler traces (*.json, *.json.gz) and Nsight Systems
reports (*.nsys-rep) given as files or found under directories, and shows per
phase (prefill, decode, aggregated: from the path) and per rank the GPU kernels
ranked by total time (count, mean, min, max, share), the kernel, memcpy and
memset totals, and GPU busy time (the union of GPU intervals, so overlapping
streams count once) against the span. Several ranks also get a combined table.
Prefill and decode go side by side when the terminal is wide enough.

Traces are streamed, never loaded whole. A truncated or corrupt trace is
summarised up to where it stops, with "truncated at byte N".

Nsight Systems reports are summarised with "nsys stats" when nsys is on PATH;
otherwise they are listed with their sizes and the commands that open them.

--json prints, per trace, the object reference_summary.py prints (same fields,
values and formatting): one object for one file, a list (with "file", "phase"
and "rank" added) for several.

Exit status: 0 when every file was read whole, 1 when some were truncated or
could not be read, 2 for usage errors or when nothing was found.`,
		Example: "  srtctl-tui summary logs/1234/profiles\n" +
			"  srtctl-tui summary --top 10 prefill/*.json.gz decode/*.json.gz\n" +
			"  srtctl-tui summary --json trace.json.gz | jq '.kernels[0]'",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if top < 0 {
				return withExit(2, fmt.Errorf("--top %d: use a count of 0 or more", top))
			}
			paths, err := trace.Find(args)
			if err != nil {
				return withExit(2, err)
			}
			if len(paths) == 0 {
				return withExit(2, fmt.Errorf("no traces (*.json, *.json.gz) or nsys reports (*.nsys-rep) under %v", args))
			}
			stderr := cmd.ErrOrStderr()
			var sums []*trace.FileSummary
			failed := false
			for _, p := range paths {
				sum, err := trace.SummarizePath(cmd.Context(), p)
				if err != nil {
					failed = true
					fmt.Fprintln(stderr, "srtctl-tui:", err)
				}
				if sum != nil {
					sums = append(sums, sum)
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				err = printSummaryJSON(out, stderr, sums, top)
			} else {
				err = printSummaryText(out, sums, top, fullNames, width)
			}
			if err != nil {
				return withExit(2, err)
			}
			if failed {
				return withExit(1, nil)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&top, "top", 20, "kernels to list per table")
	f.BoolVar(&asJSON, "json", false, "print reference_summary.py's JSON instead of tables")
	f.BoolVar(&fullNames, "full-names", false, "list the full kernel signatures under each table")
	f.IntVar(&width, "width", 0, "layout width in columns (default: the terminal's, or $COLUMNS, or 120)")
	return cmd
}

func printSummaryJSON(out, stderr io.Writer, sums []*trace.FileSummary, top int) error {
	var traces []*trace.FileSummary
	for _, s := range sums {
		if s.Kind == trace.KindNsysReport {
			fmt.Fprintf(stderr, "srtctl-tui: %s: not summarised (nsys is not on PATH); try: %s\n", s.Path, trace.OpenHints(s.Path)[0])
			continue
		}
		traces = append(traces, s)
	}
	if len(traces) == 0 {
		return errors.New("nothing to print as JSON")
	}
	return trace.WriteJSON(out, traces, top)
}

func printSummaryText(out io.Writer, sums []*trace.FileSummary, top int, fullNames bool, width int) error {
	if width <= 0 {
		width = outputWidth(out)
	}
	opts := trace.RenderOptions{Top: top, FullNames: fullNames, NoColor: os.Getenv("NO_COLOR") != ""}
	if top == 0 {
		opts.Top = -1
	}
	// lipgloss.Fprint drops colours a pipe or NO_COLOR does not want.
	_, err := lipgloss.Fprint(out, trace.Render(sums, width, opts))
	return err
}

// outputWidth is the terminal's width when out is one, else $COLUMNS, else 120.
func outputWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
	}
	if w, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return 120
}
