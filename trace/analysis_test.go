package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// analysisOf summarises a trace given as JSON text.
func analysisOf(t *testing.T, doc string) *Analysis {
	t.Helper()
	sum, err := Summarize(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Analysis == nil {
		t.Fatal("no analysis")
	}
	return sum.Analysis
}

func near(got, want float64) bool { return math.Abs(got-want) <= 0.01 }

// TestAnalysisByHand: a trace small enough to work out on paper.
//
// Stream 7: compute A [0,10), compute B [12,20), compute C [70,80).
// Stream 9: nccl D [5,15), Memcpy E [30,40), cuda_sync F [40,50) ("Stream Sync").
// Launches: A at -5 (cudaLaunchKernel, 1 long), B at 8 (cuLaunchKernelEx, 2
// long), C at 60 (cudaLaunchKernel, ends 61), D at 1, E at 35 (after D
// ended at 15: host wait), F at 20.
//
//	span 0..80 = 80; union [0,20) [30,50) [70,80) = 50: idle 30
//	COMP [0,10)∪[12,20)∪[70,80) = 28; COMM [5,15) = 10; MEMORY 10; sync 10
//	non-compute = 80 - 28 - 30 - 10 = 12 ([10,12) nccl alone, Memcpy 10)
//	COMP∩COMM = [5,10)∪[12,15) = 8: overlap 80%
//	stream 7 gaps: 10→12 = 2 (B launched at 8 < 10: kernel wait),
//	  20→70 = 50 (C launched at 60 > 20: host wait); median 26, p90 45.2
//	stream 9 gaps: 15→30 = 15 (E launched at 35 > 15: host wait); 40→40 none
//	launch delays: A 0-(-4)=4, B 12-10=2, C 70-61=9, D 5-2=3, E 30-36=-6,
//	  F 40-21=19: sorted -6 2 3 4 9 19, median 3.5
func TestAnalysisByHand(t *testing.T) {
	ev := func(cat, name string, ts, dur float64, stream, corr int) string {
		return fmt.Sprintf(`{"ph":"X","cat":%q,"name":%q,"ts":%v,"dur":%v,"args":{"stream":%d,"correlation":%d}}`, cat, name, ts, dur, stream, corr)
	}
	call := func(name string, ts, dur float64, corr int) string {
		return fmt.Sprintf(`{"ph":"X","cat":"cuda_runtime","name":%q,"ts":%v,"dur":%v,"args":{"correlation":%d}}`, name, ts, dur, corr)
	}
	const t0 = 1700000000000.5 // large, fractional: offsets must stay exact
	at := func(x float64) float64 { return t0 + x }
	doc := `{"traceEvents":[` + strings.Join([]string{
		call("cudaLaunchKernel", at(-5), 1, 1),
		`{"ph":"X","cat":"cpu_op","name":"aten::mm","ts":1,"dur":1,"args":{"stream":3,"correlation":99}}`,
		ev("kernel", "A", at(0), 10, 7, 1),
		call("cudaLaunchKernel", at(1), 1, 4),
		ev("kernel", "ncclKernel_AllReduce", at(5), 10, 9, 4),
		call("cuLaunchKernelEx", at(8), 2, 2),
		ev("kernel", "B", at(12), 8, 7, 2),
		call("cudaStreamSynchronize", at(20), 1, 6),
		call("cudaMemcpyAsync", at(35), 1, 5),
		ev("gpu_memcpy", "Memcpy DtoH (Device -> Pageable)", at(30), 10, 9, 5),
		ev("cuda_sync", "Stream Sync", at(40), 10, 9, 6),
		call("cudaLaunchKernel", at(60), 1, 3),
		ev("kernel", "C", at(70), 10, 7, 3),
		`{"ph":"X","cat":"cuda_runtime","name":"cudaGetDevice","ts":1,"dur":1,"args":{"correlation":100}}`,
	}, ",") + `]}`
	a := analysisOf(t, doc)
	tm := a.Temporal
	for _, c := range []struct {
		what      string
		got, want float64
	}{
		{"span", tm.SpanUS, 80}, {"idle", tm.IdleUS, 30}, {"compute", tm.ComputeUS, 28}, {"sync", tm.SyncUS, 10},
		{"non-compute", tm.NonComputeUS, 12}, {"COMM", a.Types[Communication], 10}, {"MEMORY", a.Types[Memory], 10},
		{"OTHER", a.Types[OtherType], 10}, {"overlap", a.OverlapPct, 80},
		{"s7 host", a.Streams[0].HostWaitUS, 50}, {"s7 kernel", a.Streams[0].KernelWaitUS, 2}, {"s7 other", a.Streams[0].OtherUS, 0},
		{"s7 median", a.Streams[0].GapMedianUS, 26}, {"s7 p90", a.Streams[0].GapP90US, 45.2},
		{"s9 host", a.Streams[1].HostWaitUS, 15}, {"s9 kernel", a.Streams[1].KernelWaitUS, 0},
		{"delay median", a.Launch.DelayMedianUS, 3.5}, {"delay max", a.Launch.DelayMaxUS, 19},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if a.Events != 6 || len(a.Streams) != 2 || a.Streams[0].Stream != 7 || a.Streams[0].Gaps != 2 || a.Streams[1].Gaps != 1 || !a.HasComm {
		t.Fatalf("events %d, streams %+v", a.Events, a.Streams)
	}
	if a.Launch.Launches != 6 || len(a.Launch.APIs) != 4 || a.Launch.APIs[0].Name != "cudaLaunchKernel" || a.Launch.APIs[0].Launches != 3 || a.Launch.APIs[0].Kernels != 3 {
		t.Fatalf("launches: %+v", a.Launch)
	}
	if i := apiIndex(a, "cuLaunchKernelEx"); i < 0 || a.Launch.APIs[i].Kernels != 1 {
		t.Fatalf("the driver API's launch is not joined: %+v", a.Launch.APIs)
	}
	if len(a.States) == 0 || a.States[0].Name() != "COMPUTATION" || !near(a.States[0].US, 20) {
		t.Fatalf("states: %+v", a.States)
	}
}

func apiIndex(a *Analysis, name string) int {
	for i, api := range a.Launch.APIs {
		if api.Name == name {
			return i
		}
	}
	return -1
}

// TestAnalysisProfilerSteps: with two or more ProfilerStep markers the last
// step and what follows are dropped, and so are GPU events whose launch is.
func TestAnalysisProfilerSteps(t *testing.T) {
	doc := `[
{"ph":"X","cat":"user_annotation","name":"ProfilerStep#4","ts":0,"dur":100},
{"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","ts":1,"dur":1,"args":{"correlation":1}},
{"ph":"X","cat":"kernel","name":"k","ts":10,"dur":5,"args":{"stream":7,"correlation":1}},
{"ph":"X","cat":"kernel","name":"orphan","ts":20,"dur":5,"args":{"stream":7,"correlation":50}},
{"ph":"X","cat":"user_annotation","name":"ProfilerStep#5","ts":100,"dur":100},
{"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","ts":99,"dur":1,"args":{"correlation":2}},
{"ph":"X","cat":"kernel","name":"k","ts":101,"dur":5,"args":{"stream":7,"correlation":2}},
{"ph":"X","cat":"cuda_runtime","name":"cudaLaunchKernel","ts":101,"dur":1,"args":{"correlation":3}},
{"ph":"X","cat":"kernel","name":"k","ts":150,"dur":5,"args":{"stream":7,"correlation":3}}
]`
	a := analysisOf(t, doc)
	if !a.Steps.Cut || a.Steps.Count != 2 || a.Steps.First != 4 || a.Steps.Last != 5 {
		t.Fatalf("steps: %+v", a.Steps)
	}
	// Kept: the kernel of step 4 only (the orphan has no launch; the one at
	// 101 starts in the last step; the one at 150 was launched in it).
	if a.Events != 1 || !near(a.Temporal.SpanUS, 5) {
		t.Fatalf("%d events kept, span %v", a.Events, a.Temporal.SpanUS)
	}
	one := analysisOf(t, strings.Replace(doc, `"ProfilerStep#5"`, `"step 5"`, 1))
	if one.Steps.Cut || one.Events != 4 {
		t.Fatalf("one marker must not cut: %+v, %d events", one.Steps, one.Events)
	}
}

// TestAnalysisKernelTypes: HTA's rule by name, memory before communication,
// syncs never computation.
func TestAnalysisKernelTypes(t *testing.T) {
	for name, want := range map[string]KernelType{
		"ncclDevKernel_AllReduce": Communication, "void ncclKernel_SendRecv(ncclWorkElem)": Communication,
		"hccl_all_gather": Communication, "Memcpy HtoD (Pageable -> Device)": Memory, "hipMemset": Memory,
		"dma_copy": Memory, "Memset (Device)": Memory, "nvjet_sm90_tst_192x192": Computation,
		"cudaDeviceSynchronize kernel Sync": OtherType, "my_Memcpy_kernel": OtherType,
	} {
		if got := kernelTypeOf([]byte(name), false); got != want {
			t.Errorf("%q: %v, want %v", name, got, want)
		}
	}
	if got := kernelTypeOf([]byte("Stream Wait Event"), true); got != OtherType {
		t.Errorf("a cuda_sync is %v", got)
	}
}

// referenceAnalysis runs testdata/analysis_reference.py on path.
type refAnalysis struct {
	Events   int `json:"events"`
	Temporal struct {
		Span       float64 `json:"span_us"`
		Idle       float64 `json:"idle_us"`
		Compute    float64 `json:"compute_us"`
		NonCompute float64 `json:"non_compute_us"`
		Sync       float64 `json:"sync_us"`
	} `json:"temporal"`
	Types   map[string]float64 `json:"kernel_types"`
	Overlap *float64           `json:"comm_comp_overlap_pct"`
	Idle    []struct {
		Stream              int64   `json:"stream"`
		Host, Kernel, Other float64 `json:"-"`
		HostRaw             float64 `json:"host_wait_us"`
		KernelRaw           float64 `json:"kernel_wait_us"`
		OtherRaw            float64 `json:"other_us"`
		Gaps                int     `json:"gaps"`
		Median              float64 `json:"gap_median_us"`
		P90                 float64 `json:"gap_p90_us"`
	} `json:"idle_by_stream"`
	Launches struct {
		Launches      int     `json:"launches"`
		DelayMedian   float64 `json:"delay_median_us"`
		DelayP90      float64 `json:"delay_p90_us"`
		APIs          map[string]struct{ Launches, Kernels int }
		GraphLaunches int `json:"graph_launches"`
		GraphKernels  int `json:"graph_kernels"`
	} `json:"launches"`
}

func referenceAnalysis(t *testing.T, path string) refAnalysis {
	t.Helper()
	out, err := exec.Command(python3(t), filepath.Join("testdata", "analysis_reference.py"), path).Output()
	if err != nil {
		t.Fatalf("analysis_reference.py %s: %v", path, err)
	}
	var r refAnalysis
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return r
}

// analysisTraces are the HTA traces of testdata, and the rest of
// ../shared/traces/hta when it is there.
func analysisTraces(t *testing.T) []string {
	own, _ := filepath.Glob(filepath.Join(ownTraces, "hta", "*", "*", "*.json.gz"))
	own2, _ := filepath.Glob(filepath.Join(ownTraces, "hta", "*", "*.json.gz"))
	paths := append(own, own2...)
	paths = append(paths, sharedTrace(t, "1795954250-TP-0-decode.trace.json.gz"))
	if len(paths) < 7 {
		t.Fatalf("only %d traces in %s", len(paths), ownTraces)
	}
	if dir := sharedTracesDir(); dir != "" {
		for _, rel := range []string{"hta/df_index_resolver/df_index_resolver.json.gz", "hta/negative_queue_length_values_check/rank0.json.gz",
			"hta/trace_diff/control/control.json.gz", "hta/trace_diff/test/test.json.gz"} {
			paths = append(paths, filepath.Join(dir, rel))
		}
	}
	return paths
}

// TestAnalysisMatchesIndependentComputation: on HTA's traces (NCCL on
// several streams, fractional timestamps, cuda_sync, ProfilerSteps) every
// number equals the Python computation's to 0.01 µs.
func TestAnalysisMatchesIndependentComputation(t *testing.T) {
	for _, path := range analysisTraces(t) {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			want := referenceAnalysis(t, path)
			sum, err := SummarizeFile(path)
			if err != nil {
				t.Fatal(err)
			}
			a := sum.Analysis
			if a.Events != want.Events {
				t.Fatalf("%d events, want %d", a.Events, want.Events)
			}
			if a.Events == 0 {
				return
			}
			check := func(what string, got, w float64) {
				t.Helper()
				if !near(got, w) {
					t.Errorf("%s = %.4f, want %.4f", what, got, w)
				}
			}
			tm := a.Temporal
			check("span", tm.SpanUS, want.Temporal.Span)
			check("idle", tm.IdleUS, want.Temporal.Idle)
			check("compute", tm.ComputeUS, want.Temporal.Compute)
			check("non-compute", tm.NonComputeUS, want.Temporal.NonCompute)
			check("sync", tm.SyncUS, want.Temporal.Sync)
			for _, kt := range KernelTypes {
				check(kt.String(), a.Types[kt], want.Types[kt.String()])
			}
			if (want.Overlap != nil) != a.HasComm {
				t.Fatalf("overlap: have %v, want %v", a.HasComm, want.Overlap)
			}
			if want.Overlap != nil {
				check("overlap %", a.OverlapPct, *want.Overlap)
			}
			if len(a.Streams) != len(want.Idle) {
				t.Fatalf("%d streams, want %d", len(a.Streams), len(want.Idle))
			}
			for i, w := range want.Idle {
				g := a.Streams[i]
				if g.Stream != w.Stream || g.Gaps != w.Gaps {
					t.Fatalf("stream %d with %d gaps, want %d with %d", g.Stream, g.Gaps, w.Stream, w.Gaps)
				}
				check(fmt.Sprint("host wait ", g.Stream), g.HostWaitUS, w.HostRaw)
				check(fmt.Sprint("kernel wait ", g.Stream), g.KernelWaitUS, w.KernelRaw)
				check(fmt.Sprint("other ", g.Stream), g.OtherUS, w.OtherRaw)
				check(fmt.Sprint("gap median ", g.Stream), g.GapMedianUS, w.Median)
				check(fmt.Sprint("gap p90 ", g.Stream), g.GapP90US, w.P90)
			}
			l := a.Launch
			if l.Launches != want.Launches.Launches || l.Graphs.Launches != want.Launches.GraphLaunches || l.Graphs.Kernels != want.Launches.GraphKernels {
				t.Fatalf("launches %+v, want %+v", l, want.Launches)
			}
			check("delay median", l.DelayMedianUS, want.Launches.DelayMedian)
			check("delay p90", l.DelayP90US, want.Launches.DelayP90)
			if len(l.APIs) != len(want.Launches.APIs) {
				t.Fatalf("APIs %+v, want %+v", l.APIs, want.Launches.APIs)
			}
			for _, api := range l.APIs {
				if w := want.Launches.APIs[api.Name]; api.Launches != w.Launches || api.Kernels != w.Kernels {
					t.Errorf("%s: %d launches %d kernels, want %+v", api.Name, api.Launches, api.Kernels, w)
				}
			}
		})
	}
}

// TestAnalysisAnyWindow: the analysis does not depend on where the
// scanner's window boundaries fall (keys and numbers cut in two).
func TestAnalysisAnyWindow(t *testing.T) {
	data := gunzipFile(t, sharedTrace(t, "hta/trace_filter/sampled_rank-0.json.gz"))
	want, err := summarizeJSONWindow(bytes.NewReader(data), windowSize)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{16, 61, 1000} {
		got, err := summarizeJSONWindow(bytes.NewReader(data), size)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Analysis, want.Analysis) {
			t.Fatalf("window %d: %+v\nwant %+v", size, got.Analysis.Temporal, want.Analysis.Temporal)
		}
	}
}

// TestAnalysisGraphLaunches: a CUDA graph launch runs several kernels
// under one correlation; each launch's delay counts once, to its first.
func TestAnalysisGraphLaunches(t *testing.T) {
	doc := `[
{"ph":"X","cat":"cuda_runtime","name":"cudaGraphLaunch","ts":0,"dur":4,"args":{"correlation":9}},
{"ph":"X","cat":"kernel","name":"a","ts":10,"dur":1,"args":{"stream":7,"correlation":9}},
{"ph":"X","cat":"kernel","name":"b","ts":12,"dur":1,"args":{"stream":7,"correlation":9}},
{"ph":"X","cat":"kernel","name":"c","ts":14,"dur":1,"args":{"stream":7,"correlation":9}},
{"ph":"X","cat":"cuda_runtime","name":"cudaGraphLaunch","ts":20,"dur":2,"args":{"correlation":10}},
{"ph":"X","cat":"kernel","name":"a","ts":30,"dur":1,"args":{"stream":7,"correlation":10}},
{"ph":"X","cat":"kernel","name":"b","ts":32,"dur":1,"args":{"stream":7,"correlation":10}}
]`
	l := analysisOf(t, doc).Launch
	g := l.Graphs
	if g.Launches != 2 || g.Kernels != 5 || g.KernelsMin != 2 || g.KernelsMax != 3 || g.KernelsMedian != 2.5 {
		t.Fatalf("graphs: %+v", g)
	}
	// delays: 10-4 = 6 and 30-22 = 8
	if l.Launches != 2 || !near(l.DelayMedianUS, 7) || !near(l.DelayMaxUS, 8) || len(l.APIs) != 1 || l.APIs[0].Kernels != 5 {
		t.Fatalf("launches: %+v", l)
	}
	out := Render([]*FileSummary{{Phase: "decode", Rank: "TP-0", Analysis: analysisOf(t, doc)}}, 100, RenderOptions{Section: SectionLaunches, NoColor: true})
	if !strings.Contains(out, "CUDA graphs: 2 launches, 2–3 kernels each (median 2.5)") {
		t.Fatalf("launches section:\n%s", out)
	}
}

// TestOverviewSaysWhyNothingWasAnalysed: HTA's trace_compare traces have
// ProfilerSteps but no launches: the cut keeps nothing, and says why.
func TestOverviewSaysWhyNothingWasAnalysed(t *testing.T) {
	sum, err := SummarizeFile(sharedTrace(t, "hta/trace_compare/base/base.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	out := Render([]*FileSummary{sum}, 80, RenderOptions{Section: SectionOverview, NoColor: true})
	if !strings.Contains(out, "ProfilerStep#1009–1010") || !strings.Contains(out, "rank 1: no GPU event of a complete step has its launch in the trace") {
		t.Fatalf("overview:\n%s", out)
	}
}
