package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// A today's run (srtctl 1.0.x/2.x, -layout today): <root>/outputs/<id>/
// with a sweep log, benchmark.out and eight worker logs, four prefill and
// four decode. The markers go to the first prefill worker's log, which
// the monitor shows in its left pane; the seven others grow at once, a
// line every workerEvery each, as serving workers' logs do, for the whole
// run (the idle window included).

// todayWorkers are the worker logs of the today fixture.
var todayWorkers = []string{
	"bench1_prefill_w0.out", "bench2_prefill_w1.out", "bench3_prefill_w2.out", "bench4_prefill_w3.out",
	"bench5_decode_w0.out", "bench6_decode_w1.out", "bench7_decode_w2.out", "bench8_decode_w3.out",
}

// workerEvery is how often each growing worker log gets a line.
const workerEvery = 2 * time.Second

// setUpToday lays the run out and opens the first prefill worker's log
// for the markers.
func (f *fixture) setUpToday() error {
	f.logDir = filepath.Join(f.root, "outputs", f.jobID)
	logs := filepath.Join(f.logDir, "logs")
	for _, d := range []string{filepath.Join(f.root, "outputs"), f.logDir, logs} {
		if err := f.mkdirOwned(d); err != nil {
			return err
		}
	}
	files := map[string]string{
		"sweep_" + f.jobID + ".log": "2026-12-07 05:00:00 [INFO] Profiling: torch\n2026-12-07 05:00:00 [INFO] Server is healthy - starting benchmark\n",
		"benchmark.out":             "Running benchmark with concurrency: 4\n",
	}
	for _, w := range todayWorkers {
		files[w] = "[bench] worker log\n"
	}
	for name, body := range files {
		if err := f.writeOwned(filepath.Join(logs, name), body); err != nil {
			return err
		}
	}
	var err error
	f.prefill, err = os.OpenFile(filepath.Join(logs, todayWorkers[0]), os.O_WRONLY|os.O_APPEND, 0)
	return err
}

// growWorkers appends a line to each worker log but the markers' every
// workerEvery (staggered), until ctx ends.
func (f *fixture) growWorkers(ctx context.Context) {
	logs := filepath.Join(f.logDir, "logs")
	files := make([]*os.File, 0, len(todayWorkers)-1)
	for _, w := range todayWorkers[1:] {
		fh, err := os.OpenFile(filepath.Join(logs, w), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			fmt.Fprintln(os.Stderr, "monitorbench:", err)
			return
		}
		defer fh.Close()
		files = append(files, fh)
	}
	tick := time.NewTicker(workerEvery / time.Duration(len(files)))
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		fmt.Fprintf(files[n%len(files)], "[bench] Decode batch. #running-req: %d, gen throughput (token/s): 3100.50\n", n)
	}
}
