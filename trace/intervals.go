package trace

import (
	"cmp"
	"slices"
)

// compactAt is how many raw intervals are kept before they are merged; it
// bounds memory (16 bytes each) on traces with millions of GPU events.
// maxMerged bounds the merged ones (disjoint intervals do not merge): past
// it the earliest half is summed and dropped.
var (
	compactAt = 1 << 19
	maxMerged = 1 << 19
)

type interval struct{ start, end float64 }

// busyTracker computes the union of GPU intervals. Merging in batches gives
// the same components as merging all at once (the union does not depend on
// the order), so the result equals the reference's single sort and sweep.
type busyTracker struct {
	spans []interval
	// merged intervals are sorted, disjoint and non-touching.
	merged   int
	min, max float64
	n        int
	// total sums the components already dropped, earliest first (the
	// reference's order); they all end at or before watermark.
	total     float64
	watermark float64
	dropped   bool
	// approx is set when an interval started before the watermark: the
	// trace was far out of order and the busy time may be off.
	approx bool
}

func (b *busyTracker) add(start, end float64) {
	if b.n == 0 || start < b.min {
		b.min = start
	}
	if b.n == 0 || end > b.max {
		b.max = end
	}
	b.n++
	if b.dropped && start < b.watermark {
		b.approx = true
		if end <= b.watermark {
			return
		}
		start = b.watermark
	}
	b.spans = append(b.spans, interval{start, end})
	if len(b.spans)-b.merged >= compactAt {
		b.compact()
	}
}

// compact sorts and merges all intervals in place, with the reference's rule:
// an interval starting exactly where the current one ends joins it.
func (b *busyTracker) compact() {
	if len(b.spans) == 0 {
		return
	}
	slices.SortFunc(b.spans, func(x, y interval) int {
		if c := cmp.Compare(x.start, y.start); c != 0 {
			return c
		}
		return cmp.Compare(x.end, y.end)
	})
	out := b.spans[:1]
	for _, iv := range b.spans[1:] {
		cur := &out[len(out)-1]
		if iv.start > cur.end {
			out = append(out, iv)
		} else if iv.end > cur.end {
			cur.end = iv.end
		}
	}
	b.spans = out
	b.merged = len(out)
	if b.merged > maxMerged {
		half := b.merged / 2
		for _, iv := range b.spans[:half] {
			b.total += iv.end - iv.start
		}
		b.watermark, b.dropped = b.spans[half-1].end, true
		b.spans = append(b.spans[:0], b.spans[half:]...)
		b.merged = len(b.spans)
	}
}

// busy is the total length of the union, summed from the earliest
// component on, as the reference sums it.
func (b *busyTracker) busy() float64 {
	b.compact()
	total := b.total
	for _, iv := range b.spans {
		total += iv.end - iv.start
	}
	return total
}

// span is the last end minus the first start.
func (b *busyTracker) span() float64 {
	if b.n == 0 {
		return 0
	}
	return b.max - b.min
}
