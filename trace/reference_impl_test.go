package trace

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"testing"
)

// referenceSummary is reference_summary.py ported to Go the slow, obvious
// way (decode everything with encoding/json, then aggregate), with this
// package's documented answers where the script would crash: events that
// are not objects are ignored, GPU events without a readable ts or dur are
// skipped and counted, a non-string name is "", and several traceEvents
// arrays all count. ok is false when data is not a trace.
func referenceSummary(data []byte) (*FileSummary, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var events []any
	tok, err := dec.Token()
	if err != nil {
		return nil, false
	}
	switch tok {
	case json.Delim('['):
		for dec.More() {
			var e any
			if dec.Decode(&e) != nil {
				return nil, false
			}
			events = append(events, e)
		}
	case json.Delim('{'):
		found := false
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, false
			}
			var v any
			if dec.Decode(&v) != nil {
				return nil, false
			}
			if list, isList := v.([]any); kt == "traceEvents" && isList {
				found = true
				events = append(events, list...)
			}
		}
		if !found {
			return nil, false
		}
	default:
		return nil, false
	}
	type span struct{ s, t float64 }
	var spans []span
	kernels := map[string]int{}
	var order []KernelStat
	cats := map[string]*CategoryStat{}
	skipped := 0
	for _, raw := range events {
		e, isObj := raw.(map[string]any)
		if !isObj || e["ph"] != "X" {
			continue
		}
		cat, _ := e["cat"].(string)
		if cat != CatKernel && cat != CatMemcpy && cat != CatMemset {
			continue
		}
		ts, ok := refNumber(e["ts"])
		d := 0.0
		if dv, has := e["dur"]; has && ok {
			d, ok = refNumber(dv)
		}
		if !ok {
			skipped++
			continue
		}
		spans = append(spans, span{ts, ts + d})
		c := cats[cat]
		if c == nil {
			c = &CategoryStat{Name: cat}
			cats[cat] = c
		}
		c.Count++
		c.TotalUS += d
		if cat == CatKernel {
			name, _ := e["name"].(string)
			i, seen := kernels[name]
			if !seen {
				i = len(order)
				kernels[name] = i
				order = append(order, KernelStat{Name: name, MinUS: math.Inf(1)})
			}
			k := &order[i]
			k.Count++
			k.TotalUS += d
			if d < k.MinUS {
				k.MinUS = d
			}
			if d > k.MaxUS {
				k.MaxUS = d
			}
		}
	}
	slices.SortFunc(spans, func(a, b span) int {
		if c := cmp.Compare(a.s, b.s); c != 0 {
			return c
		}
		return cmp.Compare(a.t, b.t)
	})
	busy, started := 0.0, false
	var curS, curE float64
	for _, sp := range spans {
		if !started || sp.s > curE {
			if started {
				busy += curE - curS
			}
			curS, curE, started = sp.s, sp.t, true
		} else if sp.t > curE {
			curE = sp.t
		}
	}
	if started {
		busy += curE - curS
	}
	sum := &FileSummary{Kind: KindTorch, GPUEvents: len(spans), BusyUS: busy, Skipped: skipped}
	if len(spans) > 0 {
		maxT := spans[0].t
		for _, sp := range spans {
			if sp.t > maxT {
				maxT = sp.t
			}
		}
		sum.SpanUS = maxT - spans[0].s
	}
	for _, name := range []string{CatMemcpy, CatMemset, CatKernel} {
		if c := cats[name]; c != nil {
			sum.Categories = append(sum.Categories, *c)
		}
	}
	for _, k := range order {
		sum.KernelTotalUS += k.TotalUS
	}
	sum.Kernels = order
	sortKernels(sum.Kernels)
	return sum, true
}

func refNumber(v any) (float64, bool) {
	var text string
	switch n := v.(type) {
	case json.Number:
		text = string(n)
	case string:
		text = n
	default:
		return 0, false
	}
	return parseNumber([]byte(text))
}

// sameFloat is equality that also holds for two NaNs.
func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}

// diffSummaries describes the first difference in the numbers of a and b,
// or returns "".
func diffSummaries(a, b *FileSummary) string {
	f := func(name string, x, y float64) string {
		if !sameFloat(x, y) {
			return name + ": " + strconv.FormatFloat(x, 'g', -1, 64) + " vs " + strconv.FormatFloat(y, 'g', -1, 64)
		}
		return ""
	}
	switch {
	case a.GPUEvents != b.GPUEvents:
		return "gpu events: " + strconv.Itoa(a.GPUEvents) + " vs " + strconv.Itoa(b.GPUEvents)
	case a.Skipped != b.Skipped:
		return "skipped: " + strconv.Itoa(a.Skipped) + " vs " + strconv.Itoa(b.Skipped)
	case len(a.Categories) != len(b.Categories):
		return "category count differs"
	case len(a.Kernels) != len(b.Kernels):
		return "kernel count: " + strconv.Itoa(len(a.Kernels)) + " vs " + strconv.Itoa(len(b.Kernels))
	}
	for _, d := range []string{f("span", a.SpanUS, b.SpanUS), f("busy", a.BusyUS, b.BusyUS), f("kernel total", a.KernelTotalUS, b.KernelTotalUS)} {
		if d != "" {
			return d
		}
	}
	for i := range a.Categories {
		x, y := a.Categories[i], b.Categories[i]
		if x.Name != y.Name || x.Count != y.Count || !sameFloat(x.TotalUS, y.TotalUS) {
			return "category " + x.Name + " vs " + y.Name
		}
	}
	for i := range a.Kernels {
		x, y := a.Kernels[i], b.Kernels[i]
		if x.Name != y.Name || x.Count != y.Count || !sameFloat(x.TotalUS, y.TotalUS) || !sameFloat(x.MinUS, y.MinUS) || !sameFloat(x.MaxUS, y.MaxUS) {
			return "kernel " + strconv.Itoa(i) + ": " + strconv.Quote(x.Name) + " vs " + strconv.Quote(y.Name)
		}
	}
	return ""
}

func TestReferenceImplOnRealTrace(t *testing.T) {
	data := gunzipFile(t, sharedTrace(t, "1795954250-TP-0-prefill.trace.json.gz"))
	want, ok := referenceSummary(data)
	if !ok {
		t.Fatal("the Go port of the reference does not read the real trace")
	}
	got, err := Summarize(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if d := diffSummaries(got, want); d != "" {
		t.Fatal(d)
	}
}
