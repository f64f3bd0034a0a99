package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The benchmark part of a 1.0.x or 2.x run (runTodayJobBody): the bench
// library's lines in benchmark.out, the profiling window it opens on the
// workers, the traces that window writes and the result files.

// hooked reports whether the benchmark calls the profiling hooks.
func (p todayPlan) hooked() bool {
	switch p.Benchmark {
	case "sa-bench", "sglang-bench", "trace-replay":
		return true
	}
	return false
}

// benchmark runs the benchmark with the bench library's profiling lines
// in benchmark.out; it returns the benchmark's exit code.
func (r *todayRun) benchmark() (int, error) {
	p, lay := r.plan, r.lay
	name := map[string]string{"sa-bench": "SA-Bench", "sglang-bench": "SGLang-Bench", "trace-replay": "Trace-Replay-Bench"}[p.Benchmark]
	if name == "" {
		name = p.Benchmark
	}
	r.info("Running %s benchmark", name)
	r.info("Script: /srtctl-benchmarks/%s/bench.sh", p.Benchmark)
	r.info("Command: bash /srtctl-benchmarks/%s/bench.sh http://%s:8000", p.Benchmark, r.nodes[0])
	r.info("Log: %s", lay.benchmarkOut())
	out, err := os.OpenFile(lay.benchmarkOut(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 1, err
	}
	defer out.Close()
	bench := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	clock := todayReadyAfter + 2*time.Second
	isl, osl := 1024, 1024
	if p.ISL != nil {
		isl = *p.ISL
	}
	if p.OSL != nil {
		osl = *p.OSL
	}
	concs := p.Concurrencies
	if len(concs) == 0 {
		concs = []int{1}
	}
	if p.Benchmark == "sa-bench" {
		bench("SA-Bench Config: endpoint=http://%s:8000; isl=%d; osl=%d; concurrencies=%s; req_rate=inf", r.nodes[0], isl, osl, joinInts(concs, "x"))
	}
	windows := []todayWindow{}
	if p.Profiling != "none" && p.hooked() {
		windows = r.startProfiling(bench)
	}
	for ci, c := range concs {
		if err := r.at(clock); err != nil {
			return 1, err
		}
		bench("Running benchmark with concurrency: %d", c)
		if ci == 0 {
			// Steps count from the start request: the window closes once
			// stop_step forward passes have run under the first load.
			for _, win := range windows {
				r.traces.Add(1)
				go r.writeTraces(win, clock)
			}
		}
		clock += todayPerConc
		if err := r.at(clock); err != nil {
			return 1, err
		}
		res := r.result(c, isl, osl)
		bench("Output token throughput (tok/s): %.2f", res["output_throughput"])
		bench("Mean TTFT (ms): %.2f", res["mean_ttft_ms"])
		bench("Mean TPOT (ms): %.2f", res["mean_tpot_ms"])
		if p.Benchmark == "sa-bench" {
			if err := r.writeResult(c, isl, osl, res); err != nil {
				return 1, err
			}
		}
		bench("Completed benchmark with concurrency: %d", c)
	}
	if len(windows) > 0 {
		r.traces.Wait()
		bench("")
		bench("Stopping profiling on all workers...")
		for _, win := range windows {
			for _, w := range win.workers {
				bench("Stopping profiling on http://%s", w.endpoint)
			}
		}
		bench("Profiling results saved to /logs/profiles")
		bench("")
	}
	switch p.Benchmark {
	case "sa-bench":
		bench("SA-Bench complete. Results in %s", lay.resultsDir(isl, osl))
	case "sglang-bench":
		bench("SGLang-Bench completed")
	}
	return 0, nil
}

// todayWindow is one mode's profiling window, as started.
type todayWindow struct {
	mode        todayMode
	start, stop int
	workers     []*todayWorker
}

// startProfiling writes the bench library's start block and returns the
// windows that will capture (none for a mode whose window is empty, or
// for a type the library does not know).
func (r *todayRun) startProfiling(bench func(string, ...any)) []todayWindow {
	p := r.plan
	bench("")
	if p.Profiling != "torch" && p.Profiling != "nsys" {
		bench("Warning: Unsupported PROFILE_TYPE='%s'. Expected 'nsys' or 'torch'. Skipping profiling.", p.Profiling)
		return nil
	}
	bench("Starting profiling on workers...")
	bench("  Type: %s", p.Profiling)
	bench("  Output (base): /logs/profiles")
	endpoints := map[string][]string{}
	byMode := map[string][]*todayWorker{}
	for _, w := range r.workers {
		endpoints[w.mode.Name] = append(endpoints[w.mode.Name], w.endpoint)
		byMode[w.mode.Name] = append(byMode[w.mode.Name], w)
	}
	for _, m := range p.Modes {
		bench("  Output (%s): /logs/profiles/%s", m.Name, m.Name)
	}
	list := func(mode string) string {
		if len(endpoints[mode]) == 0 {
			return "none"
		}
		return strings.Join(endpoints[mode], ",")
	}
	bench("  Prefill workers: %s", list("prefill"))
	bench("  Decode workers: %s", list("decode"))
	steps := func(m todayMode) (int, int) {
		s, e := 0, 50
		if m.StartStep != nil {
			s = *m.StartStep
		}
		if m.StopStep != nil {
			e = *m.StopStep
		}
		return s, e
	}
	for _, name := range []string{"prefill", "decode"} {
		s, e := 0, 50
		for _, m := range p.Modes {
			if m.Name == name {
				s, e = steps(m)
			}
		}
		bench("  %s steps: %d - %d", capitalize(name), s, e)
	}
	var out []todayWindow
	for _, m := range p.Modes {
		s, e := steps(m)
		win := todayWindow{mode: m, start: s, stop: e}
		for _, w := range byMode[m.Name] {
			if e <= s {
				bench("Warning: invalid step range for %s: start=%d stop=%d, skipping", w.endpoint, s, e)
				continue
			}
			bench("Starting profiling on http://%s (steps %d-%d)", w.endpoint, s, e)
			win.workers = append(win.workers, w)
		}
		if len(win.workers) > 0 {
			out = append(out, win)
		}
	}
	bench("")
	return out
}

// writeTraces places a window's traces once its steps have run: torch
// files per worker and TP rank, or one nsys report per node of each
// worker (a .qdstrm first, then the .nsys-rep).
func (r *todayRun) writeTraces(win todayWindow, from time.Duration) {
	defer r.traces.Done()
	done := from + 2*time.Second + time.Duration(win.stop)*todayStepDuration
	if err := r.at(done); err != nil {
		return
	}
	dir := r.lay.profiles(win.mode.Name)
	var paths []string
	var data [][]byte
	for _, w := range win.workers {
		fmt.Fprintf(w.log, "[%s TP0] Profiling starts. Traces will be saved to: /logs/profiles/%s\n", r.stamp(), win.mode.Name)
		if r.plan.Profiling == "nsys" {
			for _, node := range w.nodes {
				name := nsysReport(node, win.mode.Name, w.index, r.plan.GPUsPerNode)
				paths = append(paths, filepath.Join(dir, name))
				data = append(data, synthNsysReport(win.mode.Name+" "+strings.TrimSuffix(name, ".nsys-rep"), 0))
			}
			continue
		}
		phase := win.mode.Name
		if phase == "agg" {
			phase = "aggregated"
		}
		b, _ := traceSource(r.plan.Traces, phase)
		id := r.now().Unix()*10 + int64(w.index)
		for rank := 0; rank < w.mode.TP; rank++ {
			paths = append(paths, filepath.Join(dir, fmt.Sprintf("%d-TP-%d-%s.trace.json.gz", id, rank, win.mode.Name)))
			data = append(data, b)
		}
	}
	grow := scaled(todayTraceGrow, r.plan.Pace)
	var err error
	if r.plan.Profiling == "nsys" {
		tmp := make([]string, len(paths))
		for i, p := range paths {
			tmp[i] = strings.TrimSuffix(p, ".nsys-rep") + ".qdstrm"
		}
		if err = growFiles(r.ctx, tmp, data, grow); err == nil {
			err = growFiles(r.ctx, paths, data, grow/2)
			for _, t := range tmp {
				os.Remove(t)
			}
		}
	} else {
		err = growFiles(r.ctx, paths, data, grow)
	}
	for _, w := range win.workers {
		fmt.Fprintf(w.log, "[%s TP0] Profiling done. Traces are saved to: /logs/profiles/%s\n", r.stamp(), win.mode.Name)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		r.mu.Lock()
		r.traceErr = err
		r.mu.Unlock()
	}
}

// result is one concurrency's numbers, derived from the load so that the
// same run always reports the same.
func (r *todayRun) result(c, isl, osl int) map[string]any {
	gpus := 0
	for _, m := range r.plan.Modes {
		gpus += m.Workers * m.NodesPerWorker * r.plan.GPUsPerNode
	}
	tpot := 8.5 + float64(c)*0.045
	ttft := 95 + float64(isl)*0.05 + float64(c)*1.7
	out := float64(c) * 1000 / tpot * 0.92
	prompts := c * 10
	return map[string]any{
		"backend": "dynamo", "max_concurrency": c, "completed": prompts, "num_prompts": prompts,
		"random_input_len": isl, "random_output_len": osl, "duration": float64(prompts*osl)/out + ttft/1000,
		"request_throughput": out / float64(osl), "output_throughput": out,
		"total_token_throughput": out * float64(isl+osl) / float64(osl), "output_throughput_per_gpu": out / float64(max(gpus, 1)),
		"mean_ttft_ms": ttft, "median_ttft_ms": ttft * 0.94, "p99_ttft_ms": ttft * 2.2,
		"mean_tpot_ms": tpot, "median_tpot_ms": tpot * 0.97, "p99_tpot_ms": tpot * 1.6,
		"mean_itl_ms": tpot * 1.01, "median_itl_ms": tpot, "p99_itl_ms": tpot * 3.1, "simulated": true,
	}
}

// writeResult writes sa-bench's result file for one concurrency.
func (r *todayRun) writeResult(c, isl, osl int, res map[string]any) error {
	dir := r.lay.resultsDir(isl, osl)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var gpus [3]int
	for _, m := range r.plan.Modes {
		gpus[modeIndex(strings.Replace(m.Name, "agg", "aggregated", 1))] = m.Workers * m.NodesPerWorker * r.plan.GPUsPerNode
	}
	total := gpus[0] + gpus[1] + gpus[2]
	name := fmt.Sprintf("results_concurrency_%d_gpus_%d_ctx_%d_gen_%d.json", c, total, gpus[0], gpus[1])
	if r.plan.Modes[0].Name == "agg" {
		name = fmt.Sprintf("results_concurrency_%d_gpus_%d.json", c, total)
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, name), append(b, '\n'), 0o644)
}

func joinInts(ns []int, sep string) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, sep)
}
