package trace

import "math"

// aggregator keeps the running totals of one trace: nothing per event but
// the GPU interval, 16 bytes, merged in batches.
type aggregator struct {
	kernels map[string]int // name -> index in order
	order   []KernelStat   // in order of first appearance, as Python's dict
	cats    [len(catNames)]CategoryStat
	busy    busyTracker
	skipped int
	ev      collector

	// Names beyond maxKernelNames (or maxKernelNameBytes in all) are not
	// kept: their launches add up in folded, so totals stay exact.
	folded    KernelStat
	nameBytes int
}

// Bounds of the kernel table, whatever the names: real traces have a few
// hundred distinct kernels.
var (
	maxKernelNames     = 1 << 16
	maxKernelNameBytes = 32 << 20
)

func (a *aggregator) init() {
	a.kernels = make(map[string]int)
	for i, n := range catNames {
		a.cats[i].Name = n
	}
}

func (a *aggregator) add(cat int, name []byte, ts, dur float64) {
	a.busy.add(ts, ts+dur)
	c := &a.cats[cat]
	c.Count++
	c.TotalUS += dur
	if cat != catKernel {
		return
	}
	i, ok := a.kernels[string(name)]
	if !ok && (len(a.order) >= maxKernelNames || a.nameBytes+len(name) > maxKernelNameBytes) {
		foldInto(&a.folded, dur)
		return
	}
	if !ok {
		a.nameBytes += len(name)
		i = len(a.order)
		n := string(name)
		a.kernels[n] = i
		a.order = append(a.order, KernelStat{Name: n, MinUS: math.Inf(1)}) // the reference's starting values
	}
	foldInto(&a.order[i], dur)
}

// foldInto adds one launch of dur to k.
func foldInto(k *KernelStat, dur float64) {
	if k.Count == 0 && k.MinUS == 0 {
		k.MinUS = math.Inf(1)
	}
	k.Count++
	k.TotalUS += dur
	// Python's min and max keep the current value unless the new one is
	// strictly smaller or larger, NaN included.
	if dur < k.MinUS {
		k.MinUS = dur
	}
	if dur > k.MaxUS {
		k.MaxUS = dur
	}
}

// finish computes what needs every event: busy time, the kernel total (in
// order of first appearance, as the reference sums it) and the ranking.
func (a *aggregator) finish() *FileSummary {
	s := &FileSummary{Kind: KindTorch, Skipped: a.skipped}
	s.GPUEvents = a.busy.n
	s.BusyUS = a.busy.busy()
	s.BusyApprox = a.busy.approx
	s.SpanUS = a.busy.span()
	for _, i := range [...]int{catMemcpy, catMemset, catKernel} { // sorted by name
		if c := a.cats[i]; c.Count > 0 {
			s.Categories = append(s.Categories, c)
		}
	}
	for _, k := range a.order {
		s.KernelTotalUS += k.TotalUS
	}
	if a.folded.Count > 0 {
		s.KernelTotalUS += a.folded.TotalUS
		s.Folded = a.folded
	}
	s.Analysis = a.ev.analyse()
	s.Kernels = append([]KernelStat(nil), a.order...)
	sortKernels(s.Kernels)
	return s
}
