package trace

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"al.essio.dev/pkg/shellescape"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// NsysKernelReport is the `nsys stats` report with one row per kernel name.
const NsysKernelReport = "cuda_gpu_kern_sum"

// NsysStatsArgs is the command line that prints a report's kernel summary
// as CSV.
func NsysStatsArgs(report string) []string {
	return []string{"nsys", "stats", "--report", NsysKernelReport, "--format", "csv", report}
}

// NsysRunner runs an nsys command line somewhere (here, or on the cluster
// when nsys is only there) and returns its standard output; a failure's
// error carries what nsys said.
type NsysRunner func(ctx context.Context, argv []string) ([]byte, error)

// OpenHints says how to look at a report without this tool.
func OpenHints(report string) []string {
	q := shellescape.Quote(report)
	return []string{
		"kernel table: nsys stats --report " + NsysKernelReport + " " + q,
		"timeline: open it in the Nsight Systems GUI (nsys-ui " + q + ")",
	}
}

// NsysAvailable reports whether nsys is on PATH here.
func NsysAvailable() bool {
	_, err := exec.LookPath("nsys")
	return err == nil
}

// SummarizeNsysAt summarises the report at local path report: run runs
// `nsys stats` on the same report at where (its path on the cluster when
// run runs there; nsys writes a .sqlite export beside it) and the kernel
// table is read from its output.
func SummarizeNsysAt(ctx context.Context, report, where string, run NsysRunner) (*FileSummary, error) {
	out, err := run(ctx, NsysStatsArgs(where))
	if err != nil {
		return nil, fmt.Errorf("%s: nsys stats failed: %s", report, safetext.Label(lastLine(strings.TrimSpace(err.Error()))))
	}
	sum, err := ParseNsysKernelCSV(bytes.NewReader(out))
	if sum != nil {
		sum.Path, sum.Phase, sum.Rank = report, PhaseOf(report), RankOf(report)
		if fi, statErr := os.Stat(report); statErr == nil {
			sum.Size = fi.Size()
		}
	}
	if err != nil {
		return sum, fmt.Errorf("%s: %w", report, err)
	}
	return sum, nil
}

// runNsysHere runs nsys on this machine.
func runNsysHere(ctx context.Context, argv []string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(string(out))
		}
		return nil, fmt.Errorf("%w: %s", err, msg)
	}
	return out, nil
}

// SummarizeReportOr summarises an nsys report with run, or, when that
// fails, lists it with why (the report is still there to open by hand).
func SummarizeReportOr(ctx context.Context, report, where string, run NsysRunner) (*FileSummary, error) {
	sum, err := SummarizeNsysAt(ctx, report, where, run)
	if sum == nil && err != nil {
		if sum, _ = listReport(report); sum != nil {
			sum.Incomplete = err
		}
	}
	return sum, err
}

func lastLine(s string) string {
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// errNoKernelTable is returned when nsys output holds no kernel table.
var errNoKernelTable = errors.New("no kernel table in the nsys stats output")

// ParseNsysKernelCSV reads the output of `nsys stats --report
// cuda_gpu_kern_sum --format csv` (also the older gpukernsum layout):
// progress lines, then a CSV table with one row per kernel, times in ns.
// A report without CUDA kernels gives an empty summary, not an error.
func ParseNsysKernelCSV(r io.Reader) (*FileSummary, error) {
	sum := &FileSummary{Kind: KindNsys}
	br := bufio.NewReader(r)
	var header string
	for {
		line, err := br.ReadString('\n')
		t := strings.TrimSpace(line)
		if strings.Contains(t, "does not contain CUDA kernel data") {
			return sum, nil
		}
		if strings.Contains(t, "Name") && strings.Contains(t, "Instances") {
			header = t
			break
		}
		if err != nil {
			return sum, errNoKernelTable
		}
	}
	cr := csv.NewReader(io.MultiReader(strings.NewReader(header+"\n"), br))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return sum, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[nsysColumn(h)] = i
	}
	for _, need := range []string{"total", "instances", "name"} {
		if _, ok := col[need]; !ok {
			return sum, fmt.Errorf("nsys kernel table has no %q column (header: %s)", need, header)
		}
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		k, err := nsysRow(rec, col)
		if err != nil {
			return sum, fmt.Errorf("nsys kernel table line %d: %w", line, err)
		}
		sum.Kernels = append(sum.Kernels, k)
		sum.KernelTotalUS += k.TotalUS
		sum.GPUEvents += k.Count
	}
	sortKernels(sum.Kernels)
	if sum.GPUEvents > 0 {
		sum.Categories = []CategoryStat{{Name: CatKernel, Count: sum.GPUEvents, TotalUS: sum.KernelTotalUS}}
	}
	return sum, nil
}

// nsysColumn names a column independently of the nsys version's spelling:
// "Total Time (ns)" -> total, "Avg (ns)" or "Average" -> avg.
func nsysColumn(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.TrimSpace(strings.TrimSuffix(h, "(ns)"))
	switch h {
	case "total time":
		return "total"
	case "avg", "average":
		return "avg"
	case "min", "minimum":
		return "min"
	case "max", "maximum":
		return "max"
	}
	return h
}

func nsysRow(rec []string, col map[string]int) (KernelStat, error) {
	get := func(name string) (string, bool) {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return "", false
		}
		return strings.TrimSpace(rec[i]), true
	}
	ns := func(name string) (float64, error) {
		v, ok := get(name)
		if !ok {
			return 0, nil
		}
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil {
			return 0, fmt.Errorf("column %s: %q is not a number", name, v)
		}
		return f / 1e3, nil // ns -> µs
	}
	var k KernelStat
	k.Name, _ = get("name")
	n, _ := get("instances")
	count, err := strconv.Atoi(strings.ReplaceAll(n, ",", ""))
	if err != nil {
		return k, fmt.Errorf("instances: %q is not a count", n)
	}
	k.Count = count
	if k.TotalUS, err = ns("total"); err != nil {
		return k, err
	}
	if k.MinUS, err = ns("min"); err != nil {
		return k, err
	}
	if k.MaxUS, err = ns("max"); err != nil {
		return k, err
	}
	return k, nil
}

// SummarizePath summarises whatever path is by its name: a torch trace, an
// nsys report (through nsys when it is on PATH, else listed with its size
// and how to open it), or a report still being written (listed).
func SummarizePath(ctx context.Context, path string) (*FileSummary, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	f.Close()
	switch KindOf(path) {
	case FileTorch:
		return SummarizeFile(path)
	case FileNsysReport:
		if NsysAvailable() {
			return SummarizeReportOr(ctx, path, path, runNsysHere)
		}
	case FileOther:
		// Named by the user: read it as a trace whatever its name.
		return SummarizeFile(path)
	}
	return listReport(path)
}

// listReport describes a report that is listed rather than summarised.
func listReport(path string) (*FileSummary, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	return &FileSummary{Path: path, Phase: PhaseOf(path), Rank: RankOf(path), Kind: KindNsysReport, Size: fi.Size()}, nil
}
