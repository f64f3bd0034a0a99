package sim

import (
	"fmt"
	"strings"
	"time"
)

// This file holds the text of the programs the profile script runs (top,
// sglang.bench_serving, tqdm), with numbers derived from the phase so that
// the same job always prints the same thing.

// topOutput is `top -b -n 1 | head -10` on a GPU node loading a model.
func topOutput(now time.Time, phase, check int) []string {
	load := 5.87 + 0.41*float64(phase) + 0.23*float64(check)
	return []string{
		fmt.Sprintf("top - %s up 41 days,  2:17,  0 users,  load average: %.2f, %.2f, %.2f",
			now.Format("15:04:05"), load, load-0.31, load-0.74),
		fmt.Sprintf("Tasks: %d total,   2 running, %d sleeping,   0 stopped,   0 zombie", 1093+7*phase, 1091+7*phase),
		fmt.Sprintf("%%Cpu(s):  %.1f us,  1.9 sy,  0.0 ni, %.1f id,  0.0 wa,  0.0 hi,  0.2 si,  0.0 st",
			4.6+float64(check), 93.3-float64(check)),
		fmt.Sprintf("MiB Mem : 1940622.4 total, %.1f free, %.1f used, 116374.6 buff/cache",
			1611340.8-9000*float64(check), 212907.0+9000*float64(check)),
		"MiB Swap:      0.0 total,      0.0 free,      0.0 used. 1727715.4 avail Mem ",
		"",
		"    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND",
		fmt.Sprintf(" %d root      20   0  148.2g  21.4g   2.1g R 312.5   1.1   1:%02d.48 python3", 184522+phase*1000, 12+check*30),
		fmt.Sprintf(" %d root      20   0   36.9g   3.2g 412.0m S  99.7   0.2   0:%02d.02 python3", 184731+phase*1000, 31+check*20),
		fmt.Sprintf(" %d root      20   0   12.1g 884.2m  96.3m S   6.2   0.0   0:04.11 sglang::detoken", 183990+phase*1000),
	}
}

// benchPrompts is --num-prompts: a few batches' worth of requests.
func benchPrompts(ph phasePlan) int {
	if ph.Concurrency == nil || *ph.Concurrency <= 0 {
		return 64
	}
	return min(max(*ph.Concurrency*2, 16), 4096)
}

// benchDuration is how long the load runs at pace 1: prefill-heavy loads
// finish sooner than decode ones.
func benchDuration(ph phasePlan) time.Duration {
	if ph.Name == "prefill" {
		return 12 * time.Second
	}
	return 16 * time.Second
}

// traceDelay is when, after the load starts, the server has run num_steps
// forward passes and dumps its trace.
func traceDelay(ph phasePlan, numSteps int) time.Duration {
	d := 3*time.Second + time.Duration(numSteps)*40*time.Millisecond
	return min(d, benchDuration(ph)-traceGrowTime)
}

func benchUsageError() []string {
	return []string{
		"usage: bench_serving.py [-h] [--backend {sglang,sglang-native,sglang-oai,vllm,lmdeploy,trt,gserver,truss}]",
		"                        [--base-url BASE_URL] [--host HOST] [--port PORT] [--dataset-name {sharegpt,random,generated-shared-prefix}]",
		"                        [--max-concurrency MAX_CONCURRENCY] [--num-prompts NUM_PROMPTS] [--request-rate REQUEST_RATE]",
		"bench_serving.py: error: argument --max-concurrency: invalid int value: ''",
	}
}

func benchPrelude(job jobPlan, ph phasePlan, prompts int) []string {
	return []string{
		fmt.Sprintf("Namespace(backend='sglang', base_url=None, host='127.0.0.1', port=30000, dataset_name='random', model='%s', num_prompts=%d, random_input_len=%d, random_output_len=%d, random_range_ratio=1.0, request_rate=inf, max_concurrency=%d, warmup_requests=0, seed=1)",
			job.Model, prompts, *ph.ISL, *ph.OSL, *ph.Concurrency),
		fmt.Sprintf("#Input tokens: %d", prompts**ph.ISL),
		fmt.Sprintf("#Output tokens: %d", prompts**ph.OSL),
	}
}

// benchResult is sglang.bench_serving's "Serving Benchmark Result" block.
func benchResult(ph phasePlan, prompts int, dur time.Duration) []string {
	isl, osl, conc := float64(*ph.ISL), float64(*ph.OSL), float64(*ph.Concurrency)
	secs := dur.Seconds() + 0.37
	in, out := float64(prompts)*isl, float64(prompts)*osl
	e2e := secs * 1000 * min(conc, float64(prompts)) / float64(prompts) * 0.97
	ttft := 35 + isl*conc*0.0021
	if ph.Name != "prefill" {
		ttft = 180 + isl*0.09
	}
	itl := max((e2e-ttft)/max(osl-1, 1), 1.5)
	row := func(k string, v any) string {
		var s string
		switch v := v.(type) {
		case float64:
			s = fmt.Sprintf("%.2f", v)
		default:
			s = fmt.Sprint(v)
		}
		return fmt.Sprintf("%-40s %-10s", k, s)
	}
	return []string{
		"",
		"============ Serving Benchmark Result ============",
		row("Backend:", "sglang"),
		row("Traffic request rate:", "inf"),
		row("Max request concurrency:", *ph.Concurrency),
		row("Successful requests:", prompts),
		row("Benchmark duration (s):", secs),
		row("Total input tokens:", int(in)),
		row("Total generated tokens:", int(out)),
		row("Total generated tokens (retokenized):", int(out)-prompts/16),
		row("Request throughput (req/s):", float64(prompts)/secs),
		row("Input token throughput (tok/s):", in/secs),
		row("Output token throughput (tok/s):", out/secs),
		row("Total token throughput (tok/s):", (in+out)/secs),
		row("Concurrency:", min(conc, float64(prompts))*0.96),
		"----------------End-to-End Latency----------------",
		row("Mean E2E Latency (ms):", e2e),
		row("Median E2E Latency (ms):", e2e*0.985),
		"---------------Time to First Token----------------",
		row("Mean TTFT (ms):", ttft),
		row("Median TTFT (ms):", ttft*0.93),
		row("P99 TTFT (ms):", ttft*2.41),
		"---------------Inter-Token Latency----------------",
		row("Mean ITL (ms):", itl),
		row("Median ITL (ms):", itl*0.96),
		row("P95 ITL (ms):", itl*1.38),
		row("P99 ITL (ms):", itl*2.12),
		row("Max ITL (ms):", itl*9.7),
		"==================================================",
	}
}

// tqdm renders one state of a tqdm progress bar (ten cells wide).
func tqdm(n, total int, elapsed, dur time.Duration) string {
	frac := 0.0
	if total > 0 {
		frac = float64(n) / float64(total)
	}
	cells := frac * 10
	full := int(cells)
	bar := strings.Repeat("█", full)
	if full < 10 {
		partial := []string{" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}[int((cells-float64(full))*8)]
		bar += partial + strings.Repeat(" ", 9-full)
	}
	if n == 0 {
		return fmt.Sprintf("%3.0f%%|%s| %d/%d [00:00<?, ?it/s]", frac*100, bar, n, total)
	}
	rate := float64(n) / elapsed.Seconds()
	remaining := time.Duration(float64(total-n) / rate * float64(time.Second))
	return fmt.Sprintf("%3.0f%%|%s| %d/%d [%s<%s, %.2fit/s]", frac*100, bar, n, total, tqdmTime(elapsed), tqdmTime(remaining), rate)
}

func tqdmTime(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
