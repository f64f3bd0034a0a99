package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Proposal is the concrete fix of a problem the form cannot make by
// itself: what to type, and the field to type it in (Step is a Step's
// Key, Field the field's huh key, the job file path it writes).
type Proposal struct {
	Text        string
	Step, Field string
}

// phaseFieldTitles name the phase fields as the form shows them.
var phaseFieldTitles = map[string]string{
	"isl": "Input length (isl)", "osl": "Output length (osl)", "concurrency": "Concurrency",
	"start_step": "Start step", "stop_step": "Stop step",
}

// Proposals are the fixes of the file's problems that the user makes in
// the form, in the order of the problems; the first is where Continue on
// the problems page goes.
func (w *Wizard) Proposals() []Proposal {
	var out []Proposal
	seen := map[string]bool{}
	for _, f := range w.Problems {
		p, ok := w.proposal(f)
		if !ok || seen[p.Field] {
			continue
		}
		seen[p.Field] = true
		out = append(out, p)
	}
	return out
}

func (w *Wizard) proposal(f jobspec.Finding) (Proposal, bool) {
	parts := strings.Split(f.Path, ".")
	switch {
	case len(parts) == 3 && parts[0] == "profiling" && (parts[1] == jobspec.PhasePrefill || parts[1] == jobspec.PhaseDecode):
		return w.phaseProposal(parts[1], parts[2])
	case len(parts) == 4 && parts[0] == "backend" && parts[1] == "sglang_config" && strings.Contains(f.Message, "resource mismatch"):
		return w.nodesProposal(parts[2])
	}
	return Proposal{}, false
}

func (w *Wizard) phaseProposal(phase, key string) (Proposal, bool) {
	title, ok := phaseFieldTitles[key]
	if !ok {
		return Proposal{}, false
	}
	v := w.V
	fields, def, step := &v.Decode, jobspec.DefaultDecodePhase, "phase-decode"
	if phase == jobspec.PhasePrefill {
		fields, def, step = &v.Prefill, jobspec.DefaultPrefillPhase, "phase-prefill"
	} else if !v.Disaggregated() {
		step = "phase-aggregated"
	}
	p := Proposal{Step: step, Field: "profiling." + phase + "." + key}
	where := fmt.Sprintf("%s (step 3, %s phase)", title, phase)
	start, errStart := strconv.Atoi(fields.StartStep)
	stop, errStop := strconv.Atoi(fields.StopStep)
	switch key {
	case "isl", "osl", "concurrency":
		val := map[string]int{"isl": def.ISL, "osl": def.OSL, "concurrency": def.Concurrency}[key]
		p.Text = fmt.Sprintf("type %d in %s: srtctl's documented value", val, where)
	case "stop_step":
		if errStart != nil {
			return Proposal{}, false
		}
		p.Text = fmt.Sprintf("type %d in %s: %d steps after the start step %d", start+jobspec.DefaultStopStep, where, jobspec.DefaultStopStep, start)
	case "start_step":
		if errStop != nil {
			return Proposal{}, false
		}
		// The stop step is the default: a start step below it fixes the
		// window without adding a key.
		p.Text = fmt.Sprintf("type %d in %s (the stop step is %d)", max(stop-jobspec.DefaultStopStep, 0), where, stop)
	}
	return p, true
}

// nodesProposal proposes the node count a mode's tp-size needs.
func (w *Wizard) nodesProposal(section string) (Proposal, bool) {
	v := w.V
	ro := roleAgg
	switch {
	case v.Disaggregated() && section == jobspec.PhasePrefill:
		ro = rolePrefill
	case v.Disaggregated() && section == jobspec.PhaseDecode:
		ro = roleDecode
	case v.Disaggregated():
		return Proposal{}, false
	}
	par := w.base.ParallelismOf(ro.section)
	gpn, err := strconv.Atoi(v.EffectiveGPUsPerNode())
	if par.TP < 1 || par.TP > MaxNodes*MaxGPUsPerNode || err != nil || gpn < 1 || gpn > MaxGPUsPerNode {
		return Proposal{}, false
	}
	workers := map[role]string{rolePrefill: v.PrefillWorkers, roleDecode: v.DecodeWorkers, roleAgg: v.AggWorkers}[ro]
	n, err := strconv.Atoi(workers)
	if err != nil || v.Profiling() || n < 1 || n > MaxNodes {
		n = 1
	}
	step, title := "nodes-disagg", strings.ToUpper(ro.name[:1])+ro.name[1:]+" nodes"
	if ro == roleAgg {
		step = "nodes-agg"
	}
	need := n * ceilDiv(par.TP, gpn)
	return Proposal{Step: step, Field: "resources." + ro.nodesKey,
		Text: fmt.Sprintf("type %d in %s (step 2): %d worker(s) × tp-size %d on %d-GPU nodes", need, title, n, par.TP, gpn)}, true
}
