package tail

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// BenchResult is one concurrency's result file (sa-bench writes
// logs/sa-bench_isl_<I>_osl_<O>/results_concurrency_<c>_gpus_<T>[...].json).
type BenchResult struct {
	Path        string
	Concurrency int
	// OutputThroughput is output tokens per second; TTFT and TPOT are means
	// in milliseconds.
	OutputThroughput float64
	TTFT, TPOT       float64
}

var reResultFile = regexp.MustCompile(`^results_concurrency_(\d+)_.*\.json$`)

// maxResultFile bounds one result file read: they are a few kilobytes.
const maxResultFile = 1 << 20

// BenchScanner finds the result files of a run as they land.
type BenchScanner struct {
	LogsDir string
	sizes   map[string]int64
	results []BenchResult
}

// Scan lists the benchmark result directories and reads new or changed
// files; changed reports whether the results differ from the last scan.
func (b *BenchScanner) Scan(fsys FS) (results []BenchResult, changed bool, err error) {
	if b.sizes == nil {
		b.sizes = map[string]int64{}
	}
	top, err := readDirIfExists(fsys, b.LogsDir)
	if err != nil {
		return b.results, false, err
	}
	for _, d := range top {
		if !d.IsDir() || !(strings.HasPrefix(d.Name(), "sa-bench_") || strings.HasPrefix(d.Name(), "sglang-bench")) {
			continue
		}
		dir := path.Join(b.LogsDir, d.Name())
		files, err := readDirIfExists(fsys, dir)
		if err != nil {
			return b.results, false, err
		}
		for _, f := range files {
			m := reResultFile.FindStringSubmatch(f.Name())
			p := path.Join(dir, f.Name())
			if m == nil || f.IsDir() || f.Size() == 0 || f.Size() > maxResultFile || b.sizes[p] == f.Size() {
				continue
			}
			r, ok, err := readResult(fsys, p)
			if err != nil {
				return b.results, false, err
			}
			if !ok {
				continue // half written: read again next scan
			}
			if r.Concurrency == 0 {
				r.Concurrency, _ = strconv.Atoi(m[1])
			}
			b.sizes[p] = f.Size()
			i := slices.IndexFunc(b.results, func(x BenchResult) bool { return x.Path == p })
			if i >= 0 {
				b.results[i] = r
			} else {
				b.results = append(b.results, r)
			}
			changed = true
		}
	}
	if changed {
		slices.SortStableFunc(b.results, func(x, y BenchResult) int { return x.Concurrency - y.Concurrency })
	}
	return b.results, changed, nil
}

func readResult(fsys FS, p string) (BenchResult, bool, error) {
	f, err := fsys.Open(p)
	if err != nil {
		if fileLevel(err) || isNotExist(err) {
			return BenchResult{}, false, nil
		}
		return BenchResult{}, false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxResultFile))
	if err != nil {
		return BenchResult{}, false, err
	}
	var v struct {
		MaxConcurrency   *float64 `json:"max_concurrency"`
		OutputThroughput float64  `json:"output_throughput"`
		MeanTTFT         float64  `json:"mean_ttft_ms"`
		MeanTPOT         float64  `json:"mean_tpot_ms"`
	}
	if json.Unmarshal(data, &v) != nil {
		return BenchResult{}, false, nil
	}
	r := BenchResult{Path: p, OutputThroughput: v.OutputThroughput, TTFT: v.MeanTTFT, TPOT: v.MeanTPOT}
	if v.MaxConcurrency != nil {
		r.Concurrency = int(*v.MaxConcurrency)
	}
	return r, true, nil
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
