package trace

import (
	"cmp"
	"slices"
)

// Kind says what a FileSummary was made from.
type Kind int

const (
	// KindTorch is a torch profiler Chrome trace (.json or .json.gz).
	KindTorch Kind = iota
	// KindNsys is an Nsight Systems report summarised by `nsys stats`
	// (kernels only: the report gives no busy time or span).
	KindNsys
	// KindNsysReport is an Nsight Systems report that could not be
	// summarised here (no nsys on PATH): listed with its size and the
	// commands that open it.
	KindNsysReport
)

// GPU event categories, as torch names them.
const (
	CatKernel = "kernel"
	CatMemcpy = "gpu_memcpy"
	CatMemset = "gpu_memset"
)

// FileSummary is what one trace or report says. Durations are in
// microseconds, unrounded; rounding happens when printing, as the reference
// script does it.
type FileSummary struct {
	Path  string
	Phase string // "prefill", "decode", "aggregated", or "" when the path does not say
	Rank  string // "TP-0", "TP-1-DP-0", "0" for nsys reports, or "" when unknown
	Kind  Kind
	Size  int64 // bytes on disk, when known

	GPUEvents int     // kernel, memcpy and memset events
	SpanUS    float64 // first GPU start to last GPU end
	BusyUS    float64 // union of GPU intervals: overlapping streams count once
	// BusyApprox says BusyUS may be off: more than a million disjoint GPU
	// intervals arrived far out of time order (hostile input only).
	BusyApprox bool
	// Categories holds the GPU categories present, sorted by name.
	Categories []CategoryStat
	// Kernels holds every kernel name, by total time, largest first (ties in
	// order of first appearance).
	Kernels []KernelStat
	// KernelTotalUS is the sum of all kernel time, the denominator of shares.
	KernelTotalUS float64
	// Folded holds the launches of kernels whose names were not kept (more
	// distinct names than the table keeps); Count 0 when none.
	Folded KernelStat
	// Analysis is where the GPU time went (torch traces; nil otherwise).
	Analysis *Analysis
	// TraceRank is the rank the trace names itself (distributedInfo.rank),
	// "" when it does not.
	TraceRank string
	// Skipped counts GPU events whose ts or dur could not be read.
	Skipped int
	// Ranks is how many files a combined summary was built from (0 or 1 for
	// a single file).
	Ranks int

	// Incomplete is non-nil when the file ended early or stopped parsing
	// (a *ParseError for traces); the numbers cover what was read before.
	Incomplete error
	// BytesRead is how much (decompressed) JSON was read.
	BytesRead int64
}

// CategoryStat is the count and total duration of one GPU category.
type CategoryStat struct {
	Name    string
	Count   int
	TotalUS float64
}

// KernelStat aggregates every launch of one kernel name.
type KernelStat struct {
	Name    string // the full name as the trace gives it
	Count   int
	TotalUS float64
	MinUS   float64
	MaxUS   float64
}

// MeanUS is the mean duration of one launch.
func (k KernelStat) MeanUS() float64 {
	if k.Count == 0 {
		return 0
	}
	return k.TotalUS / float64(k.Count)
}

// Short is the readable form of the kernel's name (see ShortName).
func (k KernelStat) Short() string { return ShortName(k.Name) }

// Share is the kernel's percentage of all kernel time in s, computed as the
// reference does (0 when there is no kernel time).
func (s *FileSummary) Share(k KernelStat) float64 {
	if s.KernelTotalUS == 0 {
		return 0
	}
	return 100 * k.TotalUS / s.KernelTotalUS
}

// BusyPercent is GPU busy time as a percentage of the span.
func (s *FileSummary) BusyPercent() float64 {
	if s.SpanUS <= 0 {
		return 0
	}
	return 100 * s.BusyUS / s.SpanUS
}

// Category returns the named category's numbers (zero when absent).
func (s *FileSummary) Category(name string) CategoryStat {
	for _, c := range s.Categories {
		if c.Name == name {
			return c
		}
	}
	return CategoryStat{Name: name}
}

func sortCategories(cs []CategoryStat) {
	slices.SortFunc(cs, func(a, b CategoryStat) int { return cmp.Compare(a.Name, b.Name) })
}

// sortKernels orders kernels by total time, largest first, keeping the
// order of first appearance among equals, as Python's stable sort does.
func sortKernels(ks []KernelStat) {
	slices.SortStableFunc(ks, func(a, b KernelStat) int { return cmp.Compare(b.TotalUS, a.TotalUS) })
}
