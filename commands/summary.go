package commands

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

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
		compare   bool
	)
	cmd := &cobra.Command{
		Use:   "summary PATH... | summary --compare A B",
		Short: "Summarise profiler traces: where the GPU time went, per rank; kernels; what changed between two runs",
		Long: `summary reads torch profiler traces (*.json, *.json.gz) and Nsight Systems
reports (*.nsys-rep) given as files or found under directories, and shows per
phase (prefill, decode, aggregated: from the path), per run and per rank:

- where the GPU time went (Holistic Trace Analysis's definitions, at µs
  precision): compute, non-compute, sync and idle against the span; the
  union of COMPUTATION, COMMUNICATION, MEMORY and OTHER kernels and how much
  communication hid under computation; with several ranks, side by side with
  the skew (busy and idle spread, the straggler, per-kernel spread);
- idle time per stream, by cause (host wait, kernel wait, other), with the
  gaps' count, median and p90;
- launches: launch delay, kernels per launch API (the driver's
  cuLaunchKernelEx included), CUDA graph launches and their kernels;
- the GPU kernels ranked by total time (count, mean, min, max, share).

With 2 or more ProfilerStep markers the breakdowns cover the complete steps
only (said on screen). Ranks are combined only within one run (same folder,
same name but for the rank); two runs go side by side. --compare A B (files
or folders) shows what changed from run A to run B, kernel by kernel.

Traces are streamed, never loaded whole, two files at a time. A truncated or
corrupt trace is summarised up to where it stops, with "truncated at byte N".
Only regular files are read (a FIFO or a device is refused). Kernel names
beyond 65,536 fold into one row; the totals stay exact.

Nsight Systems reports are summarised with "nsys stats" when nsys is on PATH;
otherwise they are listed with their sizes and the commands that open them.

--json prints, per trace, the object reference_summary.py prints (same fields,
values and formatting), then "rank", "temporal", "kernel_types",
"comm_comp_overlap_pct", "type_states", "launch_stats", "idle_by_stream",
"profiler_steps" (µs, unrounded): one object for one file, a list (with
"file", "phase" and "rank" added, and "run" and its "run_skew") for several. With --compare: {"a": ...,
"b": ..., "kernels": [{"name", "a": {"count", "total_us"}, "b": ...}]}.

Exit status: 0 when every file was read whole, 1 when some were truncated or
could not be read, 2 for usage errors or when nothing was found.`,
		Example: "  srtctl-tui summary logs/1234/profiles\n" +
			"  srtctl-tui summary --compare profiles/1234 profiles/1240\n" +
			"  srtctl-tui summary --top 10 prefill/*.json.gz decode/*.json.gz\n" +
			"  srtctl-tui summary --json trace.json.gz | jq '.kernels[0]'",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if top < 0 {
				return withExit(2, fmt.Errorf("--top %d: use a count of 0 or more", top))
			}
			boundMemory()
			if compare && len(args) != 2 {
				return withExit(2, fmt.Errorf("--compare takes two runs (files or folders), not %d", len(args)))
			}
			groups := [][]string{args}
			if compare {
				groups = [][]string{args[:1], args[1:]}
			}
			var found [][]string
			for _, g := range groups {
				paths, err := trace.Find(g)
				if err != nil {
					return withExit(2, err)
				}
				if len(paths) == 0 {
					return withExit(2, fmt.Errorf("no traces (*.json, *.json.gz) or nsys reports (*.nsys-rep) under %s", strings.Join(g, ", ")))
				}
				found = append(found, paths)
			}
			stderr := cmd.ErrOrStderr()
			failed := false
			var runs [][]*trace.FileSummary
			for _, paths := range found {
				// Two files at once: each is decompressed and scanned on
				// two goroutines already.
				sums, errs := trace.SummarizeAll(cmd.Context(), paths, 2)
				var got []*trace.FileSummary
				for i, err := range errs {
					if err != nil {
						failed = true
						fmt.Fprintln(stderr, "srtctl-tui:", err)
					}
					if sums[i] != nil {
						got = append(got, sums[i])
					}
				}
				runs = append(runs, got)
			}
			sums := runs[0]
			out := cmd.OutOrStdout()
			var err error
			if compare {
				err = printCompare(out, runs[0], runs[1], asJSON, top, width)
			} else if asJSON {
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
	f.BoolVar(&asJSON, "json", false, "print JSON (reference_summary.py's fields, then the analyses) instead of tables")
	f.BoolVar(&fullNames, "full-names", false, "list the full kernel signatures under each table")
	f.BoolVar(&compare, "compare", false, "compare two runs: summary --compare A B (files or folders)")
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

func printCompare(out io.Writer, a, b []*trace.FileSummary, asJSON bool, top, width int) error {
	if len(a) == 0 || len(b) == 0 {
		return errors.New("nothing to compare: a run has no readable trace")
	}
	c := trace.Compare(a, b)
	if asJSON {
		return trace.WriteCompareJSON(out, c)
	}
	if width <= 0 {
		width = outputWidth(out)
	}
	_, err := lipgloss.Fprint(out, trace.RenderCompare(c, width, trace.RenderOptions{Top: top, NoColor: os.Getenv("NO_COLOR") != ""}))
	return err
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

// summaryMemoryLimit is where the garbage collector works harder: what
// the summary keeps is bounded (about 100 MB on the most hostile trace),
// and the collector's default would let the heap grow to twice that.
const summaryMemoryLimit = 160 << 20

// boundMemory sets the limit unless the user set GOMEMLIMIT.
func boundMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(summaryMemoryLimit)
	}
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
