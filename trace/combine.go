package trace

import "math"

// Combine merges the summaries of several ranks of one phase into one:
// counts and times add up, min and max span all ranks. Busy time and span
// are summed too, so the combined busy percentage is the ranks' average
// weighted by span (a union across different GPUs would mean nothing).
func Combine(sums []*FileSummary) *FileSummary {
	out := &FileSummary{Rank: "all ranks", Ranks: len(sums)}
	if len(sums) > 0 {
		out.Phase, out.Kind = sums[0].Phase, sums[0].Kind
	}
	index := map[string]int{}
	cats := map[string]int{}
	for _, s := range sums {
		out.GPUEvents += s.GPUEvents
		out.SpanUS += s.SpanUS
		out.BusyUS += s.BusyUS
		out.Skipped += s.Skipped
		out.BytesRead += s.BytesRead
		out.Size += s.Size
		if s.Kind != out.Kind {
			out.Kind = KindTorch
		}
		for _, c := range s.Categories {
			i, ok := cats[c.Name]
			if !ok {
				i = len(out.Categories)
				cats[c.Name] = i
				out.Categories = append(out.Categories, CategoryStat{Name: c.Name})
			}
			out.Categories[i].Count += c.Count
			out.Categories[i].TotalUS += c.TotalUS
		}
		for _, k := range s.Kernels {
			i, ok := index[k.Name]
			if !ok {
				i = len(out.Kernels)
				index[k.Name] = i
				out.Kernels = append(out.Kernels, KernelStat{Name: k.Name, MinUS: math.Inf(1), MaxUS: math.Inf(-1)})
			}
			m := &out.Kernels[i]
			m.Count += k.Count
			m.TotalUS += k.TotalUS
			m.MinUS = math.Min(m.MinUS, k.MinUS)
			m.MaxUS = math.Max(m.MaxUS, k.MaxUS)
		}
		out.KernelTotalUS += s.KernelTotalUS
		if f := s.Folded; f.Count > 0 {
			if out.Folded.Count == 0 {
				out.Folded = KernelStat{MinUS: math.Inf(1), MaxUS: math.Inf(-1)}
			}
			out.Folded.Count += f.Count
			out.Folded.TotalUS += f.TotalUS
			out.Folded.MinUS = math.Min(out.Folded.MinUS, f.MinUS)
			out.Folded.MaxUS = math.Max(out.Folded.MaxUS, f.MaxUS)
		}
		out.BusyApprox = out.BusyApprox || s.BusyApprox
	}
	sortCategories(out.Categories)
	sortKernels(out.Kernels)
	return out
}
