package trace

import (
	"cmp"
	"math"
	"slices"
)

// RunTotals is one run's numbers for a comparison: its ranks' analyses
// summed (times add up over ranks, as Combine adds the kernel table).
type RunTotals struct {
	Label    string
	Files    []string
	Ranks    int
	Temporal Temporal
	Types    [4]float64
	// OverlapPct is over all ranks: Σ|COMM∩COMP| / Σ|COMM|.
	OverlapPct float64
	HasComm    bool
	Kernels    *FileSummary // the combined kernel table
}

// KernelChange is one kernel in two runs; In* is false when a run never
// ran it.
type KernelChange struct {
	Name     string
	A, B     KernelStat
	InA, InB bool
}

// DeltaUS is the change of the kernel's total time from A to B.
func (k KernelChange) DeltaUS() float64 { return k.B.TotalUS - k.A.TotalUS }

// Comparison is what changed from run A to run B.
type Comparison struct {
	A, B    RunTotals
	Kernels []KernelChange // what changed most first
}

// Compare compares two runs (each one or more ranks' summaries). No
// ProfilerStep is needed: kernels are matched by name.
func Compare(a, b []*FileSummary) *Comparison {
	c := &Comparison{A: totalsOf(a), B: totalsOf(b)}
	index := map[string]int{}
	for _, k := range c.A.Kernels.Kernels {
		index[k.Name] = len(c.Kernels)
		c.Kernels = append(c.Kernels, KernelChange{Name: k.Name, A: k, InA: true})
	}
	for _, k := range c.B.Kernels.Kernels {
		i, ok := index[k.Name]
		if !ok {
			i = len(c.Kernels)
			c.Kernels = append(c.Kernels, KernelChange{Name: k.Name})
		}
		c.Kernels[i].B, c.Kernels[i].InB = k, true
	}
	slices.SortStableFunc(c.Kernels, func(x, y KernelChange) int {
		return cmp.Compare(math.Abs(y.DeltaUS()), math.Abs(x.DeltaUS()))
	})
	return c
}

func totalsOf(sums []*FileSummary) RunTotals {
	t := RunTotals{Ranks: len(sums), Kernels: Combine(sums)}
	if runs := Runs(sums); len(runs) > 0 {
		t.Label = runs[0].Label
	}
	var comm, both float64
	for _, s := range sums {
		t.Files = append(t.Files, s.Path)
		a := s.Analysis
		if a == nil {
			continue
		}
		t.Temporal.SpanUS += a.Temporal.SpanUS
		t.Temporal.IdleUS += a.Temporal.IdleUS
		t.Temporal.ComputeUS += a.Temporal.ComputeUS
		t.Temporal.NonComputeUS += a.Temporal.NonComputeUS
		t.Temporal.SyncUS += a.Temporal.SyncUS
		for i := range t.Types {
			t.Types[i] += a.Types[i]
		}
		comm += a.Types[Communication]
		both += a.CommCompUS
	}
	if comm > 0 {
		t.HasComm, t.OverlapPct = true, 100*both/comm
	}
	return t
}
