package trace

import (
	"cmp"
	"math"
	"slices"
)

// Analysis is where one trace's GPU time went, by HTA's definitions at µs
// precision (offsets from the first timestamp, never rounded): the temporal
// and kernel-type breakdowns, idle time per stream and why, and how the
// work was launched. GPU events are the complete events on a GPU stream
// (args.stream present and not -1), cuda_sync included.
type Analysis struct {
	Events int // GPU events analysed (after the ProfilerStep cut)

	Temporal Temporal
	// Types is the length of each KernelType's union, by KernelType.
	Types [4]float64
	// States is the time in each combination of types running at once
	// (COMPUTATION with COMMUNICATION, ...), largest first.
	States []TypeState
	// OverlapPct is |union(COMM) ∩ union(COMP)| / |union(COMM)| x 100;
	// HasComm is false when there is no communication (no percentage).
	OverlapPct float64
	HasComm    bool
	// CommCompUS is |union(COMM) ∩ union(COMP)| (for combining ranks).
	CommCompUS float64

	Streams []StreamIdle // by stream id
	Launch  LaunchStats
	Steps   Steps

	// Partial says the trace had more events than the analyses keep
	// (maxAnalysedEvents): the breakdowns cover the first ones.
	Partial int
}

// Temporal splits the GPU span: compute + non-compute + sync + idle = span.
// Sync is the cuda_sync time not under computation, shown on its own; HTA's
// non-compute is NonComputeUS + SyncUS.
type Temporal struct {
	SpanUS, IdleUS, ComputeUS, NonComputeUS, SyncUS float64
}

// Pct is part as a percentage of the span.
func (t Temporal) Pct(part float64) float64 {
	if t.SpanUS <= 0 {
		return 0
	}
	return 100 * part / t.SpanUS
}

// TypeState is the time during which exactly the types in Mask (bit i is
// KernelTypes[i]) were running.
type TypeState struct {
	Mask uint8
	US   float64
}

// Name says which types ran: "COMPUTATION + COMMUNICATION".
func (s TypeState) Name() string {
	name := ""
	for _, t := range KernelTypes {
		if s.Mask&(1<<t) != 0 {
			if name != "" {
				name += " + "
			}
			name += t.String()
		}
	}
	return name
}

// StreamIdle is one stream's idle time between its events, by cause: the
// host launched the next event only after the previous one ended (host
// wait), or the next one was already launched and the gap is short (kernel
// wait, under 30 µs), or neither (other).
type StreamIdle struct {
	Stream                            int64
	Events                            int
	HostWaitUS, KernelWaitUS, OtherUS float64
	Gaps                              int // positive gaps
	GapMedianUS, GapP90US             float64
}

// IdleUS is the stream's total idle time between events.
func (s StreamIdle) IdleUS() float64 { return s.HostWaitUS + s.KernelWaitUS + s.OtherUS }

// kernelWaitUS is HTA's consecutive-kernel delay.
const kernelWaitUS = 30

// LaunchStats is how the GPU work was launched, joined through the
// correlation of every launch API (the driver's cuLaunchKernelEx included).
type LaunchStats struct {
	Launches int // CPU calls that launched at least one analysed GPU event
	// Delay is from the end of the launching call to the start of its
	// first GPU event.
	DelayMedianUS, DelayP90US, DelayMaxUS float64
	APIs                                  []APIStat // by launches, most first
	Graphs                                GraphStats
	Unlaunched                            int // GPU events whose launch is not in the trace
}

// APIStat counts one launch API's calls and the GPU events they started.
type APIStat struct {
	Name              string
	Launches, Kernels int // kernels: GPU events of category "kernel"
	Events            int // all GPU events
}

// GraphStats describes CUDA graph launches and how many kernels each ran.
type GraphStats struct {
	Launches                        int
	KernelsMin, KernelsMax, Kernels int // kernels of all graph launches
	KernelsMedian                   float64
}

// Steps says how ProfilerStep markers cut the analyses.
type Steps struct {
	Count       int
	First, Last int64 // step numbers
	// Cut is true with 2 or more markers: the analyses cover the complete
	// steps (the last one and what follows are dropped, and GPU events
	// whose launch was dropped too).
	Cut bool
}

func isGraphLaunch(api string) bool { return api == "cudaGraphLaunch" || api == "cuGraphLaunch" }

// analyse computes the Analysis from what the collector kept.
func (c *collector) analyse() *Analysis {
	a := &Analysis{Partial: c.dropped, Steps: Steps{Count: c.steps, First: c.firstStep, Last: c.endStep, Cut: c.steps >= 2}}
	// Launches by correlation; a correlation seen twice keeps its last
	// call, as a dict would.
	slices.SortStableFunc(c.launches, func(x, y launch) int { return cmp.Compare(x.corr, y.corr) })
	find := func(corr int64) int {
		i, found := slices.BinarySearchFunc(c.launches, corr, func(l launch, v int64) int { return cmp.Compare(l.corr, v) })
		if !found {
			return -1
		}
		for i+1 < len(c.launches) && c.launches[i+1].corr == corr {
			i++
		}
		return i
	}
	cut := math.Inf(1)
	if a.Steps.Cut {
		cut = c.lastStep
	}
	events := make([]kept, 0, len(c.gpu))
	for _, e := range c.gpu {
		li := -1
		if e.kind&kindHasCorr != 0 {
			li = find(e.corr)
		}
		if a.Steps.Cut && (e.start >= cut || li < 0 || c.launches[li].start >= cut) {
			continue
		}
		events = append(events, kept{e, int32(li)})
	}
	c.gpu = nil // copied into events
	a.Events = len(events)
	if len(events) == 0 {
		return a
	}
	slices.SortFunc(events, func(x, y kept) int {
		if v := cmp.Compare(x.start, y.start); v != 0 {
			return v
		}
		return cmp.Compare(x.end, y.end)
	})

	// Unions: all events, each type, and the syncs.
	var all, sync merger
	var types [4]merger
	first, last := events[0].start, events[0].end
	for _, e := range events {
		last = max(last, e.end)
		all.add(e.start, e.end)
		types[e.kind&kindTypeMask].add(e.start, e.end)
		if e.kind&kindSync != 0 {
			sync.add(e.start, e.end)
		}
	}
	busy := all.total()
	for i := range types {
		a.Types[i] = types[i].total()
	}
	t := &a.Temporal
	t.SpanUS = last - first
	t.IdleUS = t.SpanUS - busy
	t.ComputeUS = a.Types[Computation]
	t.SyncUS = sync.total() - intersection(sync.done(), types[Computation].done())
	t.NonComputeUS = t.SpanUS - t.ComputeUS - t.IdleUS - t.SyncUS

	a.States = sweepStates(types[:])
	if comm := a.Types[Communication]; comm > 0 {
		a.HasComm = true
		both := 0.0
		for _, s := range a.States {
			if s.Mask&(1<<Communication) != 0 && s.Mask&(1<<Computation) != 0 {
				both += s.US
			}
		}
		a.OverlapPct = 100 * both / comm
		a.CommCompUS = both
	}

	a.Streams = c.idleByStream(events)
	a.Launch = c.launchStats(events)
	return a
}

// kept is an analysed GPU event with the launch found for it.
type kept struct {
	gpuEvent
	launch int32 // index into collector.launches, -1 when none
}

// idleByStream attributes each stream's gaps, walking its events in start
// order (events is sorted): the gap from the previous event's end to the
// next one's start.
func (c *collector) idleByStream(events []kept) []StreamIdle {
	out := make([]StreamIdle, len(c.streamIDs))
	prevEnd := make([]float64, len(c.streamIDs))
	gaps := make([][]float64, len(c.streamIDs))
	for _, e := range events {
		s := &out[e.stream]
		s.Events++
		if s.Events > 1 {
			prev := prevEnd[e.stream]
			if gap := e.start - prev; gap > 0 {
				switch {
				case e.launch >= 0 && c.launches[e.launch].start > prev:
					s.HostWaitUS += gap
				case gap < kernelWaitUS:
					s.KernelWaitUS += gap
				default:
					s.OtherUS += gap
				}
				gaps[e.stream] = append(gaps[e.stream], gap)
			}
		}
		prevEnd[e.stream] = e.end
	}
	var streams []StreamIdle
	for i := range out {
		if out[i].Events == 0 {
			continue
		}
		out[i].Stream = c.streamIDs[i]
		g := gaps[i]
		slices.Sort(g)
		out[i].Gaps = len(g)
		out[i].GapMedianUS, out[i].GapP90US = quantile(g, 0.5), quantile(g, 0.9)
		streams = append(streams, out[i])
	}
	slices.SortFunc(streams, func(x, y StreamIdle) int { return cmp.Compare(x.Stream, y.Stream) })
	return streams
}

// launchStats joins the analysed events to their launches.
func (c *collector) launchStats(events []kept) LaunchStats {
	var st LaunchStats
	type perLaunch struct {
		first           float64
		events, kernels int32
	}
	per := make([]perLaunch, len(c.launches)) // by launch index; events 0: launched nothing analysed
	for _, e := range events {
		if e.launch < 0 {
			st.Unlaunched++
			continue
		}
		p := &per[e.launch]
		if p.events == 0 || e.start < p.first {
			p.first = e.start
		}
		p.events++
		if e.kind&kindKernel != 0 {
			p.kernels++
		}
	}
	apis := make([]APIStat, len(c.apiNames))
	var delays, graphKernels []float64
	for li, p := range per {
		if p.events == 0 {
			continue
		}
		l := c.launches[li]
		a := &apis[l.api]
		a.Launches++
		a.Events += int(p.events)
		a.Kernels += int(p.kernels)
		delays = append(delays, p.first-l.end)
		if isGraphLaunch(c.apiNames[l.api]) {
			graphKernels = append(graphKernels, float64(p.kernels))
		}
	}
	st.Launches = len(delays)
	slices.Sort(delays)
	if len(delays) > 0 {
		st.DelayMedianUS, st.DelayP90US, st.DelayMaxUS = quantile(delays, 0.5), quantile(delays, 0.9), delays[len(delays)-1]
	}
	for i, a := range apis {
		if a.Launches > 0 {
			a.Name = c.apiNames[i]
			st.APIs = append(st.APIs, a)
		}
	}
	slices.SortFunc(st.APIs, func(x, y APIStat) int {
		if v := cmp.Compare(y.Launches, x.Launches); v != 0 {
			return v
		}
		return cmp.Compare(x.Name, y.Name)
	})
	if n := len(graphKernels); n > 0 {
		slices.Sort(graphKernels)
		g := &st.Graphs
		g.Launches = n
		g.KernelsMin, g.KernelsMax = int(graphKernels[0]), int(graphKernels[n-1])
		g.KernelsMedian = quantile(graphKernels, 0.5)
		for _, k := range graphKernels {
			g.Kernels += int(k)
		}
	}
	return st
}

// quantile is the q-quantile of sorted values, interpolated linearly
// between the two nearest ranks (numpy's default); 0 for none.
func quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	pos := q * float64(n-1)
	lo := int(pos)
	if lo+1 >= n {
		return sorted[n-1]
	}
	return sorted[lo] + (sorted[lo+1]-sorted[lo])*(pos-float64(lo))
}

// merger builds the union of intervals fed in start order.
type merger struct {
	out      []interval
	cur      interval
	open     bool
	totalSum float64
}

func (m *merger) add(start, end float64) {
	switch {
	case !m.open:
		m.cur, m.open = interval{start, end}, true
	case start > m.cur.end:
		m.out = append(m.out, m.cur)
		m.cur = interval{start, end}
	case end > m.cur.end:
		m.cur.end = end
	}
}

// done closes the union and returns its intervals, sorted and disjoint.
func (m *merger) done() []interval {
	if m.open {
		m.out = append(m.out, m.cur)
		m.open = false
	}
	return m.out
}

// total is the union's length.
func (m *merger) total() float64 {
	sum := 0.0
	for _, iv := range m.done() {
		sum += iv.end - iv.start
	}
	return sum
}

// intersection is the length of the intersection of two unions.
func intersection(x, y []interval) float64 {
	sum := 0.0
	for i, j := 0, 0; i < len(x) && j < len(y); {
		lo, hi := max(x[i].start, y[j].start), min(x[i].end, y[j].end)
		if hi > lo {
			sum += hi - lo
		}
		if x[i].end < y[j].end {
			i++
		} else {
			j++
		}
	}
	return sum
}

// sweepStates walks the boundaries of the types' unions and adds up the
// time each combination of types was running.
func sweepStates(types []merger) []TypeState {
	type edge struct {
		t   float64
		bit uint8
		on  bool
	}
	var edges []edge
	for i := range types {
		for _, iv := range types[i].done() {
			edges = append(edges, edge{iv.start, 1 << i, true}, edge{iv.end, 1 << i, false})
		}
	}
	slices.SortFunc(edges, func(x, y edge) int { return cmp.Compare(x.t, y.t) })
	var byMask [16]float64
	var mask uint8
	for i := 0; i < len(edges); {
		t := edges[i].t
		for ; i < len(edges) && edges[i].t == t; i++ {
			if edges[i].on {
				mask |= edges[i].bit
			} else {
				mask &^= edges[i].bit
			}
		}
		if i < len(edges) && mask != 0 {
			byMask[mask] += edges[i].t - t
		}
	}
	var out []TypeState
	for m, us := range byMask {
		if us > 0 {
			out = append(out, TypeState{Mask: uint8(m), US: us})
		}
	}
	slices.SortStableFunc(out, func(x, y TypeState) int { return cmp.Compare(y.US, x.US) })
	return out
}
