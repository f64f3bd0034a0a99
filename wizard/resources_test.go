package wizard

import (
	"strconv"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// recipeCase is a corpus recipe with several workers (testdata/recipes,
// copied from srtctl's repository) and what each role had.
type recipeCase struct {
	file string
	// nodes and workers per role as the recipe has them.
	prefillNodes, prefillWorkers, decodeNodes, decodeWorkers int
}

var multiWorkerRecipes = []recipeCase{
	{"gb200-fp8-mid-curve-3p1d.yaml", 6, 3, 12, 1},
	{"gb200-fp4-max-tpt.yaml", 4, 4, 12, 1},
	{"gb200-fp8-low-latency.yaml", 1, 1, 4, 4},
}

// Turning profiling on in a recipe with several workers keeps each
// worker's nodes: the single profiled worker gets nodes/workers, so its
// tp-size still uses exactly its GPUs and the review says so.
func TestProfilingKeepsNodesPerWorker(t *testing.T) {
	for _, c := range multiWorkerRecipes {
		t.Run(c.file, func(t *testing.T) {
			_, doc := tempCopy(t, "testdata/recipes/"+c.file)
			w := Edit(doc)
			if w.ReadOnly {
				t.Fatalf("read-only: %s", w.Notice)
			}
			w.V.ProfilingType = "torch"
			res, err := w.Result()
			if err != nil {
				t.Fatal(err)
			}
			if !res.CanSave() {
				t.Fatalf("cannot save: %v", res.Findings)
			}
			back := res.Doc.Job().Resources
			for _, r := range []struct {
				name           string
				nodes, workers int
				got            *int
			}{{"prefill", c.prefillNodes, c.prefillWorkers, back.PrefillNodes}, {"decode", c.decodeNodes, c.decodeWorkers, back.DecodeNodes}} {
				if want := r.nodes / r.workers; r.got == nil || *r.got != want {
					t.Errorf("%s nodes = %v, want %d (%d nodes / %d workers)", r.name, deref(r.got), want, r.nodes, r.workers)
				}
			}
			if *back.PrefillWorkers != 1 || *back.DecodeWorkers != 1 {
				t.Errorf("workers not 1: %d, %d", *back.PrefillWorkers, *back.DecodeWorkers)
			}
			// Profiling adds no GPU problem the recipe did not have (one
			// upstream recipe leaves 16 decode GPUs idle, and says so).
			before := FitChecks(doc)
			if len(res.Fit) != 2 || len(before) != 2 {
				t.Fatalf("fit checks: %+v", res.Fit)
			}
			for i, f := range res.Fit {
				if f.Problem != before[i].Problem {
					t.Errorf("%s: %q, the recipe had %q", f.Text, f.Problem, before[i].Problem)
				}
			}
		})
	}
}

// The issue's own case: 5 prefill workers on 10 nodes, tp-size 8 on 4-GPU
// nodes. Profiling gives the one worker 2 nodes (8 GPUs = tp 8), the
// review lists that change, and the profiling step says it beforehand.
func TestProfilingFiveWorkersTenNodes(t *testing.T) {
	src := readRecipe(t, "gb200-fp8-mid-curve-3p1d.yaml")
	src = strings.Replace(src, "  prefill_nodes: 6\n  prefill_workers: 3\n", "  prefill_nodes: 10\n  prefill_workers: 5\n", 1)
	_, doc := tempFile(t, "five.yaml", src)
	w := Edit(doc)
	w.V.ProfilingType = "nsys"
	if info := w.profilingInfo(); !strings.Contains(info, "prefill nodes 10 → 2") {
		t.Errorf("the profiling step does not say the nodes follow: %q", info)
	}
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	var listed bool
	for _, c := range res.Changes {
		listed = listed || (c.Path == "resources.prefill_nodes" && c.Old == "10" && c.New == "2")
	}
	if !listed {
		t.Errorf("node change not listed: %v", res.Changes)
	}
	if got := *res.Doc.Job().Resources.PrefillNodes; got != 2 {
		t.Errorf("prefill_nodes = %d, want 2", got)
	}
	if !res.CanSave() {
		t.Errorf("cannot save: %v", res.Findings)
	}
}

// A node count the user typed is theirs: it is not divided again.
func TestProfilingKeepsTypedNodes(t *testing.T) {
	_, doc := tempCopy(t, "testdata/recipes/gb200-fp8-mid-curve-3p1d.yaml")
	w := Edit(doc)
	w.V.ProfilingType = "torch"
	w.V.PrefillNodes = "2"
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if got := *res.Doc.Job().Resources.PrefillNodes; got != 2 {
		t.Errorf("prefill_nodes = %d, want the typed 2", got)
	}
}

// tp × dp checked against the worker's GPUs: too few nodes proposes the
// node count that fits, idle GPUs propose the tp-size that uses them, a dp
// that does not divide tp is named.
func TestFitChecksProposeTheFix(t *testing.T) {
	src := readRecipe(t, "gb200-fp8-mid-curve-3p1d.yaml")
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"tp larger than the worker", "  prefill_nodes: 6\n", "  prefill_nodes: 3\n", "tp-size 8 needs 8 GPUs per worker: set prefill nodes to 6"},
		{"idle GPUs", "  decode_nodes: 12\n", "  decode_nodes: 16\n", "tp-size 32 uses 32 of the 64 GPUs: set tp-size to 64, or decode nodes to 8"},
		{"idle nodes", "  prefill_nodes: 6\n", "  prefill_nodes: 7\n", "1 of the 7 nodes stay idle"},
		{"dp does not divide tp", "      dp-size: 8\n", "      dp-size: 3\n", "dp-size 3 does not divide tp-size 8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(src, c.old) {
				t.Fatalf("%q not in the recipe", c.old)
			}
			doc, err := jobspec.Parse("x.yaml", []byte(strings.Replace(src, c.old, c.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, f := range FitChecks(doc) {
				all = append(all, f.Problem)
			}
			if !strings.Contains(strings.Join(all, "\n"), c.want) {
				t.Errorf("want %q in %q", c.want, all)
			}
		})
	}
}

// A new job follows the GPU type (h100: 8 GPUs per node) and writes the
// parallelism each worker needs, as srtctl's recipes do.
func TestNewJobParallelismFollowsGPUType(t *testing.T) {
	for _, c := range []struct {
		gpu, mode, nodes string
		wantGPN, wantTP  int
	}{
		{"h100", ModeDisaggregated, "2", 8, 16},
		{"gb200", ModeDisaggregated, "2", 4, 8},
		{"h100", ModeAggregated, "1", 8, 8},
	} {
		w := NewJob()
		w.V.Name, w.V.ModelPath, w.V.Container = "p", "/m", "/c"
		w.V.GPUType, w.V.Mode = c.gpu, c.mode
		w.V.PrefillNodes, w.V.DecodeNodes, w.V.AggNodes = c.nodes, c.nodes, c.nodes
		res, err := w.Result()
		if err != nil {
			t.Fatal(err)
		}
		if !res.CanSave() {
			t.Fatalf("%+v: %v\n%s", c, res.Findings, res.Doc.Bytes())
		}
		if got := res.Doc.Job().Resources.GPUsPerNodeOrDefault(); got != c.wantGPN {
			t.Errorf("%s: gpus_per_node %d, want %d", c.gpu, got, c.wantGPN)
		}
		sections := []string{"prefill", "decode"}
		if c.mode == ModeAggregated {
			sections = []string{"aggregated"}
		}
		for _, s := range sections {
			if got, _ := res.Doc.Get("backend.sglang_config." + s + ".tp-size"); got != strconv.Itoa(c.wantTP) {
				t.Errorf("%+v: %s tp-size %q, want %d\n%s", c, s, got, c.wantTP, res.Doc.Bytes())
			}
		}
		for _, f := range res.Fit {
			if f.Problem != "" {
				t.Errorf("%+v: %s", c, f.Problem)
			}
		}
	}
	// A number typed for GPUs per node wins over the type's usual count.
	w := NewJob()
	w.V.Name, w.V.ModelPath, w.V.Container, w.V.GPUType, w.V.GPUsPerNode = "p", "/m", "/c", "h100", "4"
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Doc.Job().Resources.GPUsPerNodeOrDefault(); got != 4 {
		t.Errorf("typed 4 GPUs per node became %d", got)
	}
}

// An aggregated profiling file with agg_workers but no agg_nodes is fixed
// by the form (it used to be left with its two workers).
func TestAggWithoutAggNodesCanBeFixed(t *testing.T) {
	src := "name: t\nmodel:\n  path: /m\n  container: /c\n  precision: fp8\nresources:\n  gpu_type: h100\n  agg_workers: 2\n  gpus_per_node: 8\n" +
		"profiling:\n  type: nsys\n  decode:\n    isl: 1024\n    osl: 128\n    concurrency: 64\n"
	_, doc := tempFile(t, "agg.yaml", src)
	w := Edit(doc)
	if len(w.Problems) == 0 {
		t.Fatal("the file's problem is not found")
	}
	res, err := w.Result()
	if err != nil {
		t.Fatal(err)
	}
	if !res.CanSave() {
		t.Fatalf("still cannot be saved: %v\n%s", res.Findings, res.Doc.Bytes())
	}
}

func readRecipe(t *testing.T, name string) string {
	t.Helper()
	_, doc := tempCopy(t, "testdata/recipes/"+name)
	return string(doc.Bytes())
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// Numbers no cluster has are named, never multiplied into a wrapped
// result.
func TestFitChecksRefuseUnrealNumbers(t *testing.T) {
	src := readRecipe(t, "gb200-fp8-mid-curve-3p1d.yaml")
	doc, err := jobspec.Parse("x.yaml", []byte(strings.Replace(src, "      tp-size: 8\n", "      tp-size: 9223372036854775807\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	checks := FitChecks(doc)
	if len(checks) == 0 || !strings.Contains(checks[0].Text, "not a real size") || strings.Contains(checks[0].Problem, "-") {
		t.Fatalf("%+v", checks)
	}
	huge, err := jobspec.Parse("y.yaml", []byte(strings.Replace(src, "  prefill_workers: 3\n", "  prefill_workers: 9223372036854775807\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range FitChecks(huge) {
		if c.Role == "prefill" {
			t.Errorf("arithmetic on an unreal worker count: %+v", c)
		}
	}
	if ceilDiv(9223372036854775807, 4) != 2305843009213693952 {
		t.Error("ceilDiv overflows")
	}
}
