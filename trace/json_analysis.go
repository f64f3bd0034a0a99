package trace

import (
	"io"
	"strings"
)

// writeAnalysis adds the analyses to a trace's JSON object. Times are in
// µs, unrounded (the analyses' precision), unlike the reference fields.
func writeAnalysis(o *jsonObject, a *Analysis) {
	t := o.object("temporal")
	writeTemporal(t, a.Temporal)
	t.close(o.indent)
	writeTypes(o, a)
	ls := a.Launch
	l := o.object("launch_stats")
	l.int("launches", ls.Launches)
	l.float("delay_median_us", ls.DelayMedianUS)
	l.float("delay_p90_us", ls.DelayP90US)
	l.float("delay_max_us", ls.DelayMaxUS)
	l.int("unlaunched_events", ls.Unlaunched)
	l.list("apis", len(ls.APIs), func(i int, e *jsonObject) {
		api := ls.APIs[i]
		e.str("name", api.Name)
		e.int("launches", api.Launches)
		e.int("kernels", api.Kernels)
		e.int("gpu_events", api.Events)
	})
	g := l.object("cuda_graphs")
	g.int("launches", ls.Graphs.Launches)
	g.int("kernels", ls.Graphs.Kernels)
	g.int("kernels_per_launch_min", ls.Graphs.KernelsMin)
	g.float("kernels_per_launch_median", ls.Graphs.KernelsMedian)
	g.int("kernels_per_launch_max", ls.Graphs.KernelsMax)
	g.close(l.indent)
	l.close(o.indent)
	o.list("idle_by_stream", len(a.Streams), func(i int, e *jsonObject) {
		s := a.Streams[i]
		e.int("stream", int(s.Stream))
		e.float("host_wait_us", s.HostWaitUS)
		e.float("kernel_wait_us", s.KernelWaitUS)
		e.float("other_us", s.OtherUS)
		e.int("events", s.Events)
		e.int("gaps", s.Gaps)
		e.float("gap_median_us", s.GapMedianUS)
		e.float("gap_p90_us", s.GapP90US)
	})
	st := o.object("profiler_steps")
	st.int("count", a.Steps.Count)
	if a.Steps.Count > 0 {
		st.int("first", int(a.Steps.First))
		st.int("last", int(a.Steps.Last))
	}
	st.bool("cut", a.Steps.Cut)
	st.close(o.indent)
	o.int("analysed_events", a.Events)
	if a.Partial > 0 {
		o.int("events_beyond_analysis", a.Partial)
	}
}

func writeTemporal(t *jsonObject, tm Temporal) {
	t.float("span_us", tm.SpanUS)
	t.float("idle_us", tm.IdleUS)
	t.float("compute_us", tm.ComputeUS)
	t.float("non_compute_us", tm.NonComputeUS)
	t.float("sync_us", tm.SyncUS)
}

// writeTypes writes the kernel-type unions, the overlap and the states.
func writeTypes(o *jsonObject, a *Analysis) {
	k := o.object("kernel_types")
	for _, kt := range KernelTypes {
		k.float(kt.String(), a.Types[kt])
	}
	k.close(o.indent)
	if a.HasComm {
		o.float("comm_comp_overlap_pct", a.OverlapPct)
	} else {
		o.null("comm_comp_overlap_pct")
	}
	o.list("type_states", len(a.States), func(i int, e *jsonObject) {
		e.str("types", a.States[i].Name())
		e.float("us", a.States[i].US)
	})
}

// WriteCompareJSON prints a comparison: {"a": run, "b": run, "kernels":
// [{"name", "a": {"count", "total_us"}, "b": {...}}]}, kernels as Compare
// orders them (a kernel absent from a run has count 0 there and "only"
// names the run it is in).
func WriteCompareJSON(w io.Writer, c *Comparison) error {
	var b strings.Builder
	b.WriteString("{")
	o := &jsonObject{b: &b, indent: " "}
	for _, side := range []struct {
		key string
		t   RunTotals
	}{{"a", c.A}, {"b", c.B}} {
		r := o.object(side.key)
		r.str("label", side.t.Label)
		r.key("files")
		b.WriteString("[")
		for i, f := range side.t.Files {
			if i > 0 {
				b.WriteString(", ")
			}
			pyString(&b, f)
		}
		b.WriteString("]")
		r.int("ranks", side.t.Ranks)
		t := r.object("temporal")
		writeTemporal(t, side.t.Temporal)
		t.close(r.indent)
		writeTypes(r, &Analysis{Types: side.t.Types, HasComm: side.t.HasComm, OverlapPct: side.t.OverlapPct})
		r.float("kernel_total_us", round3(side.t.Kernels.KernelTotalUS))
		r.close(o.indent)
	}
	o.list("kernels", len(c.Kernels), func(i int, e *jsonObject) {
		k := c.Kernels[i]
		e.str("name", k.Name)
		for _, s := range []struct {
			key string
			k   KernelStat
		}{{"a", k.A}, {"b", k.B}} {
			so := e.object(s.key)
			so.int("count", s.k.Count)
			so.float("total_us", round3(s.k.TotalUS))
			so.close(e.indent)
		}
		e.float("change_us", round3(k.DeltaUS()))
		switch {
		case !k.InB:
			e.str("only", "a")
		case !k.InA:
			e.str("only", "b")
		}
	})
	o.close("")
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSkew adds the skew of the file's run (the same in each of its
// ranks' objects): busy and idle spread, the straggler, the kernels whose
// total differs most across ranks (10 at most).
func writeSkew(o *jsonObject, sk *Skew) {
	k := o.object("run_skew")
	k.float("busy_min_pct", sk.BusyMinPct)
	k.float("busy_max_pct", sk.BusyMaxPct)
	k.float("idle_min_us", sk.IdleMinUS)
	k.float("idle_max_us", sk.IdleMaxUS)
	if sk.Straggler != "" {
		k.str("straggler", sk.Straggler)
		k.float("straggler_comm_us", sk.StragglerCommUS)
	} else {
		k.null("straggler")
	}
	spread := sk.Kernels[:min(len(sk.Kernels), 10)]
	k.list("kernel_spread", len(spread), func(i int, e *jsonObject) {
		ks := spread[i]
		e.str("name", ks.Name)
		e.float("min_us", round3(ks.MinUS))
		e.str("min_rank", ks.MinRank)
		e.float("max_us", round3(ks.MaxUS))
		e.str("max_rank", ks.MaxRank)
	})
	k.close(o.indent)
}
