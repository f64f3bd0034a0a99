package sim

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// demoTraces are real torch traces (../shared/traces' prefill and small
// decode trace), built in so that a simulated job, the demo's included,
// writes real traces on any machine.
//
//go:embed demotraces/*.trace.json.gz
var demoTraces embed.FS

// traceSource returns the bytes of a phase's torch trace and where they
// come from: a real one from simulation.traces when it has one for the
// phase (prefill from *prefill*, decode and aggregated from the small
// *decode* one, never a *-big* file), else the built-in one.
func traceSource(tracesDir, phase string) ([]byte, string) {
	if tracesDir != "" {
		if path := pickTrace(tracesDir, phase); path != "" {
			if b, err := os.ReadFile(path); err == nil {
				return b, path
			}
		}
	}
	want := "decode"
	if phase == "prefill" {
		want = "prefill"
	}
	name := "demotraces/1795954250-TP-0-" + want + ".trace.json.gz"
	b, err := demoTraces.ReadFile(name)
	if err != nil {
		panic("sim: built-in trace missing: " + err.Error()) // the embed pattern guarantees it
	}
	return b, "built in: " + name
}

func pickTrace(dir, phase string) string {
	want := "decode"
	if phase == "prefill" {
		want = "prefill"
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "*.trace.json.gz"))
	sort.Strings(matches)
	for _, m := range matches {
		base := filepath.Base(m)
		if strings.Contains(base, want) && !strings.Contains(base, "-big") {
			return m
		}
	}
	return ""
}

// placeTraces writes a phase's trace files under logDir/profiles the way
// the real writers do, growing each file over grow so that a follower has
// to wait for its size to settle:
//   - torch: profiles/<phase>/<unix>-TP-<rank>-<phase>.trace.json.gz, all
//     ranks at once, as SGLang's ranks dump together;
//   - nsys: profiles/<phase>_<rank>.qdstrm first, then the finished
//     profiles/<phase>_<rank>.nsys-rep, and the .qdstrm removed.
//
// On cancellation it removes what it had not finished.
func placeTraces(ctx context.Context, logDir string, job jobPlan, ph phasePlan, now time.Time, grow time.Duration) error {
	profiles := filepath.Join(logDir, "profiles")
	if job.Profiling == "nsys" {
		if err := os.MkdirAll(profiles, 0o755); err != nil {
			return err
		}
		var tmp, final []string
		var data [][]byte
		for r := 0; r < ph.Ranks; r++ {
			base := filepath.Join(profiles, fmt.Sprintf("%s_%d", ph.Name, r))
			tmp = append(tmp, base+".qdstrm")
			final = append(final, base+".nsys-rep")
			data = append(data, synthNsysReport(ph.Name, r))
		}
		if err := growFiles(ctx, tmp, data, grow); err != nil {
			return err
		}
		if err := growFiles(ctx, final, data, grow/2); err != nil {
			return err
		}
		for _, t := range tmp {
			os.Remove(t)
		}
		return nil
	}
	dir := filepath.Join(profiles, ph.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var paths []string
	var data [][]byte
	for r := 0; r < ph.Ranks; r++ {
		b, _ := traceSource(job.Traces, ph.Name)
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("%d-TP-%d-%s.trace.json.gz", now.Unix(), r, ph.Name)))
		data = append(data, b)
	}
	return growFiles(ctx, paths, data, grow)
}

// growChunks is how many writes a file takes to appear.
const growChunks = 8

// growFiles writes each data[i] to paths[i] in growChunks pieces spread
// over d, all files in step.
func growFiles(ctx context.Context, paths []string, data [][]byte, d time.Duration) error {
	files := make([]*os.File, len(paths))
	cleanup := func() {
		for i, f := range files {
			if f != nil {
				f.Close()
				os.Remove(paths[i])
			}
		}
	}
	for i, p := range paths {
		f, err := os.Create(p)
		if err != nil {
			cleanup()
			return err
		}
		files[i] = f
	}
	for c := 0; c < growChunks; c++ {
		for i, f := range files {
			n := len(data[i])
			lo, hi := n*c/growChunks, n*(c+1)/growChunks
			if _, err := f.Write(data[i][lo:hi]); err != nil {
				cleanup()
				return err
			}
		}
		if c < growChunks-1 {
			select {
			case <-ctx.Done():
				cleanup()
				return ctx.Err()
			case <-time.After(d / growChunks):
			}
		}
	}
	var err error
	for _, f := range files {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// synthNsysReport stands in for an Nsight Systems report: it is not one
// (nothing here can produce one) and says so in its first bytes.
func synthNsysReport(phase string, rank int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "SIMULATED NSYS REPORT by srtctl-tui: %s rank %d; not readable by nsys\n", phase, rank)
	line := []byte("cuda,nvtx capture: simulated kernel activity\n")
	for b.Len() < 192<<10 {
		b.Write(line)
	}
	return b.Bytes()
}
