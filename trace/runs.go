package trace

import (
	"cmp"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A run is one profiling of one job: its ranks' traces share a folder and
// a name but for the rank (`1795954250-TP-0-decode...`, `...-TP-1-...`;
// `sampled_rank-0`, `sampled_rank-1`). Only ranks of one run are combined;
// two runs are shown side by side or compared.

var rankInName = regexp.MustCompile(`(?i)(TP-\d+(?:-DP-\d+)?(?:-PP-\d+)?(?:-EP-\d+)?|rank[-_]?\d+|_\d+(\.nsys-rep)$)`)

// RunOf names the run a trace belongs to: its folder and its name without
// the rank.
func RunOf(path string) string {
	base := rankInName.ReplaceAllString(filepath.Base(path), "$2")
	return filepath.Join(filepath.Dir(path), base)
}

// runLabel is the short name of a run: its file name without the rank and
// the extensions, "-" and "_" runs folded.
func runLabel(run string) string {
	b := filepath.Base(run)
	for _, ext := range []string{".gz", ".json", ".trace", ".nsys-rep", ".qdrep"} {
		b = strings.TrimSuffix(b, ext)
	}
	b = strings.NewReplacer("--", "-", "__", "_", "-.", ".", "_.", ".").Replace(b)
	return strings.Trim(b, "-_.")
}

// Run is the traces of one run of one phase.
type Run struct {
	Phase string
	Key   string // RunOf of its files
	Label string // what tells it from the other runs shown
	Sums  []*FileSummary
}

// Runs groups summaries by phase (display order) and run (first seen
// first), and labels the runs so that no two read the same.
func Runs(sums []*FileSummary) []Run {
	var runs []Run
	for _, s := range sums {
		if s == nil || s.Kind == KindNsysReport {
			continue
		}
		key := RunOf(s.Path)
		i := slices.IndexFunc(runs, func(r Run) bool { return r.Phase == s.Phase && r.Key == key })
		if i < 0 {
			runs = append(runs, Run{Phase: s.Phase, Key: key})
			i = len(runs) - 1
		}
		runs[i].Sums = append(runs[i].Sums, s)
	}
	slices.SortStableFunc(runs, func(a, b Run) int { return cmp.Compare(phaseIndex(a.Phase), phaseIndex(b.Phase)) })
	labels := map[string]int{}
	for i := range runs {
		runs[i].Label = runLabel(runs[i].Key)
		labels[runs[i].Label]++
	}
	for i := range runs {
		if labels[runs[i].Label] > 1 || runs[i].Label == "" {
			// Same names in different folders: the folder tells them apart.
			runs[i].Label = filepath.Join(filepath.Base(filepath.Dir(runs[i].Key)), runs[i].Label)
		}
	}
	return runs
}

// Skew is how the ranks of one run differ.
type Skew struct {
	BusyMinPct, BusyMaxPct float64 // busy (span - idle) as % of span
	IdleMinUS, IdleMaxUS   float64
	// Straggler is the rank with the least communication time: the one
	// the others wait for in their collectives ("" without communication).
	Straggler       string
	StragglerCommUS float64
	Kernels         []KernelSpread // largest spread first
}

// KernelSpread is one kernel's total time on its fastest and slowest rank.
type KernelSpread struct {
	Name             string
	MinUS, MaxUS     float64
	MinRank, MaxRank string
}

// Ratio is max/min (+Inf when a rank never ran it).
func (k KernelSpread) Ratio() float64 {
	if k.MinUS <= 0 {
		return math.Inf(1)
	}
	return k.MaxUS / k.MinUS
}

// SkewOf compares the ranks of one run (nil for fewer than two analysed).
func SkewOf(sums []*FileSummary) *Skew {
	var ranks []*FileSummary
	for _, s := range sums {
		if s.Analysis != nil && s.Analysis.Events > 0 {
			ranks = append(ranks, s)
		}
	}
	if len(ranks) < 2 {
		return nil
	}
	sk := &Skew{BusyMinPct: math.Inf(1), BusyMaxPct: math.Inf(-1), IdleMinUS: math.Inf(1), IdleMaxUS: math.Inf(-1)}
	allComm := true
	for _, s := range ranks {
		t := s.Analysis.Temporal
		busy := t.Pct(t.SpanUS - t.IdleUS)
		sk.BusyMinPct, sk.BusyMaxPct = min(sk.BusyMinPct, busy), max(sk.BusyMaxPct, busy)
		sk.IdleMinUS, sk.IdleMaxUS = min(sk.IdleMinUS, t.IdleUS), max(sk.IdleMaxUS, t.IdleUS)
		comm := s.Analysis.Types[Communication]
		allComm = allComm && comm > 0
		if sk.Straggler == "" || comm < sk.StragglerCommUS {
			sk.Straggler, sk.StragglerCommUS = rankName(s), comm
		}
	}
	if !allComm {
		sk.Straggler, sk.StragglerCommUS = "", 0
	}
	byName := map[string]*KernelSpread{}
	var order []string
	for i, s := range ranks {
		seen := map[string]bool{}
		for _, k := range s.Kernels {
			seen[k.Name] = true
			ks := byName[k.Name]
			if ks == nil {
				ks = &KernelSpread{Name: k.Name, MinUS: math.Inf(1)}
				if i > 0 {
					ks.MinUS, ks.MinRank = 0, rankName(ranks[0]) // absent on an earlier rank
				}
				byName[k.Name] = ks
				order = append(order, k.Name)
			}
			if k.TotalUS < ks.MinUS {
				ks.MinUS, ks.MinRank = k.TotalUS, rankName(s)
			}
			if k.TotalUS > ks.MaxUS || ks.MaxRank == "" {
				ks.MaxUS, ks.MaxRank = k.TotalUS, rankName(s)
			}
		}
		for name, ks := range byName {
			if !seen[name] {
				ks.MinUS, ks.MinRank = 0, rankName(s)
			}
		}
	}
	for _, name := range order {
		sk.Kernels = append(sk.Kernels, *byName[name])
	}
	slices.SortStableFunc(sk.Kernels, func(a, b KernelSpread) int { return cmp.Compare(b.MaxUS-b.MinUS, a.MaxUS-a.MinUS) })
	return sk
}

// rankName is what a rank is called on screen.
func rankName(s *FileSummary) string {
	if _, err := strconv.Atoi(s.Rank); err == nil {
		return "rank " + s.Rank // distributedInfo's number
	}
	if s.Rank != "" {
		return s.Rank
	}
	return filepath.Base(s.Path)
}
