package ui

import (
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/monitor"
)

// autoWriteTrace writes a small torch trace of a phase under dir the way
// a fetch lays them out (<dir>/<phase>/<id>-TP-0-<phase>.trace.json.gz).
func autoWriteTrace(t *testing.T, dir, phase, kernel string) {
	t.Helper()
	p := filepath.Join(dir, phase, "17-TP-0-"+phase+".trace.json.gz")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	fmt.Fprintf(zw, `{"traceEvents":[
{"ph":"X","cat":"kernel","name":"%s","pid":0,"tid":7,"ts":100,"dur":40},
{"ph":"X","cat":"kernel","name":"%s","pid":0,"tid":7,"ts":150,"dur":40},
{"ph":"X","cat":"gpu_memcpy","name":"Memcpy HtoD (Pageable -> Device)","pid":0,"tid":7,"ts":200,"dur":5}
]}`, kernel, kernel)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// monitorOf is the monitor a screen is (a session's monitor comes wrapped
// with its summary).
func monitorOf(c Component) (*Monitor, bool) {
	switch c := c.(type) {
	case *Monitor:
		return c, true
	case *SummaryMonitor:
		return c.Monitor, true
	}
	return nil, false
}

func autoFetched(dir string, err string) monitor.Event {
	return monitor.FetchEvent{LocalDir: dir, Done: 900, Total: 900, Finished: true, Err: err}
}

// The demo's monitor: once the traces are ready it fetches them through
// the engine, and once the fetch is done it opens the summary on the
// fetched files; Esc comes back, s reopens it.
func TestAutoSummaryFetchesThenOpensSummary(t *testing.T) {
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Simulated: true, Width: 120, Height: 30}
	a, p, eng, dir := newSummaryMonitorPump(t, monTestInfo, ctx, SummaryMonitorOptions{Auto: true, Pause: time.Millisecond})

	if len(eng.fetches) != 0 {
		t.Fatal("fetched before the traces were ready")
	}
	for _, ph := range []monitor.Stream{monitor.StreamPrefill, monitor.StreamDecode} {
		p.send(monitorEventMsg{monitor.PhaseEvent{Stream: ph, State: monitor.PhaseState{Status: monitor.PhaseCompleted}}})
		p.send(monitorEventMsg{monitor.TracesEvent{Stream: ph, Traces: []monitor.Trace{{
			Path: "/logs/1234_1P_1D/profiles/" + ph.String() + "/17-TP-0-" + ph.String() + ".trace.json.gz", Size: 900, Complete: true}}}})
	}
	p.mustSee("traces ready", "SIMULATED")
	if len(eng.fetches) != 1 || eng.fetches[0] != dir {
		t.Fatalf("fetches %v, want one into %s", eng.fetches, dir)
	}

	// A failed fetch opens nothing; d retries (the monitor's own key).
	p.send(monitorEventMsg{monitor.FetchEvent{LocalDir: dir}})
	p.send(monitorEventMsg{autoFetched(dir, "connection reset")})
	if a.Summary() != nil {
		t.Fatal("opened the summary after a failed fetch")
	}
	if _, ok := p.root.Top().(*SummaryMonitor); !ok {
		t.Fatalf("top screen %T, want the monitor", p.root.Top())
	}
	fetchWithD(t, p, eng, dir, 2)

	sum := summaryRead(t, p)
	p.mustSee("trace summary", "SIMULATED", "job 1234 · fetched to", "PREFILL", "DECODE",
		"prefill_gemm_kernel", "decode_attention_kernel")
	if n := len(sum.Summaries()); n != 2 {
		t.Fatalf("summarised %d files, want 2", n)
	}

	p.key("esc")
	if p.root.Top() != Component(a) {
		t.Fatalf("esc: top screen %T, want the monitor", p.root.Top())
	}
	p.mustSee("s summary")
	p.key("s")
	if p.root.Top() != Component(sum) {
		t.Fatal("s did not reopen the same summary")
	}
	if strings.Contains(p.view(), "summarising") {
		t.Fatal("reopening read the files again")
	}
	if len(eng.fetches) != 2 {
		t.Fatalf("fetched again: %v", eng.fetches)
	}
}

// A real job's monitor fetches only when asked (d); then s opens the
// summary. Under the summary the monitor keeps following the job: its
// events reach it though another screen is on top.
func TestSummaryOnDemandAndMonitorKeepsFollowing(t *testing.T) {
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Width: 120, Height: 30}
	a, p, eng, dir := newSummaryMonitorPump(t, monTestInfo, ctx, SummaryMonitorOptions{})
	for _, ph := range []monitor.Stream{monitor.StreamPrefill, monitor.StreamDecode} {
		p.send(monitorEventMsg{monitor.TracesEvent{Stream: ph, Traces: []monitor.Trace{{
			Path: "/logs/1234_1P_1D/profiles/" + ph.String() + "/17-TP-0-" + ph.String() + ".trace.json.gz", Size: 900, Complete: true}}}})
	}
	p.mustSee("traces ready")
	if len(eng.fetches) != 0 {
		t.Fatalf("a real job's traces were fetched unasked: %v", eng.fetches)
	}
	p.key("s")
	p.mustSee("no traces fetched yet: d fetches them")

	fetchWithD(t, p, eng, dir, 1)
	if p.root.Top() != Component(a) {
		t.Fatalf("the summary opened by itself on a real job (top %T)", p.root.Top())
	}
	p.mustSee("traces fetched to "+dir+" (900 B) · s opens their summary", "s summary")

	sum := openSummaryWithS(t, p)
	p.mustSee("prefill_gemm_kernel", "decode_attention_kernel")

	// The job is cancelled from outside while the summary is on top.
	p.send(monitorEventMsg{monitor.SlurmEvent{Job: monitor.JobState{State: "CANCELLED", Ended: true, ExitCode: "0:15"}}})
	if p.root.Top() != Component(sum) {
		t.Fatalf("a monitor event changed the top screen to %T", p.root.Top())
	}
	p.key("esc")
	p.mustSee("CANCELLED")
}

// fetchWithD presses d (the engine's fetch number n), then plays the fetch:
// a prefill and a decode trace land in dir and the fetch finishes.
func fetchWithD(t *testing.T, p *pump, eng *monFakeEngine, dir string, n int) {
	t.Helper()
	p.key("d")
	if len(eng.fetches) != n {
		t.Fatalf("d: fetches %v, want %d", eng.fetches, n)
	}
	autoWriteTrace(t, dir, "prefill", "prefill_gemm_kernel")
	autoWriteTrace(t, dir, "decode", "decode_attention_kernel")
	p.send(monitorEventMsg{autoFetched(dir, "")})
}

// openSummaryWithS presses s on the monitor and waits until the summary
// screen it opens has read every file.
func openSummaryWithS(t *testing.T, p *pump) *SummaryScreen {
	t.Helper()
	p.key("s")
	return summaryRead(t, p)
}

// summaryRead is the summary screen on top once it has read every file
// (one message per file).
func summaryRead(t *testing.T, p *pump) *SummaryScreen {
	t.Helper()
	sum, ok := p.root.Top().(*SummaryScreen)
	if !ok {
		t.Fatalf("top screen %T, want the summary", p.root.Top())
	}
	for i := 0; !sum.Done() && i < 100; i++ {
		time.Sleep(10 * time.Millisecond)
		p.send(nil)
	}
	return sum
}

// newSummaryMonitorPump is a SummaryMonitor over a fake engine that
// fetches into a temporary directory, on a w x 30 screen.
func newSummaryMonitorPump(t *testing.T, info monitor.JobInfo, ctx *Context, opt SummaryMonitorOptions) (*SummaryMonitor, *pump, *monFakeEngine, string) {
	t.Helper()
	dir := t.TempDir()
	eng := monNewFakeEngine()
	m := NewMonitor(ctx, info, MonitorOptions{Engine: eng, FetchDir: dir})
	opt.Engine, opt.FetchDir = eng, dir
	a := NewSummaryMonitor(m, opt)
	p := newPump(t, a, ctx.Width, ctx.Height)
	p.root.ctx = ctx
	p.send(monitorEventMsg{monitor.JobInfoEvent{Info: info}})
	return a, p, eng, dir
}

// An nsys report fetched to a machine without nsys is summarised by nsys
// on the cluster, on the report's original path there.
func TestNsysReportSummarisedOnTheCluster(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no nsys here
	info := monTestInfo
	info.Profiling = "nsys"
	var asked [][]string
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Width: 140, Height: 30}
	_, p, _, dir := newSummaryMonitorPump(t, info, ctx, SummaryMonitorOptions{
		RemoteNsys: func(_ context.Context, argv []string) ([]byte, error) {
			asked = append(asked, argv)
			return []byte(`"Time (%)","Total Time (ns)","Instances","Avg (ns)","Med (ns)","Min (ns)","Max (ns)","StdDev (ns)","Name"
"75.0","750000","3","250000.0","250000.0","1000","500000","1.0","remote_gemm_kernel"
"25.0","250000","1","250000.0","250000.0","250000","250000","0.0","remote_norm_kernel"
`), nil
		}})
	if err := os.WriteFile(filepath.Join(dir, "decode_0.nsys-rep"), []byte("report"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.send(monitorEventMsg{autoFetched(dir, "")})
	openSummaryWithS(t, p)
	p.mustSee("remote_gemm_kernel", "remote_norm_kernel")
	want := []string{"nsys", "stats", "--report", "cuda_gpu_kern_sum", "--format", "csv", "/logs/1234_1P_1D/profiles/decode_0.nsys-rep"}
	if len(asked) != 1 || strings.Join(asked[0], " ") != strings.Join(want, " ") {
		t.Fatalf("nsys asked on the cluster as %q, want %q", asked, want)
	}
}
