package wizard

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Result is what saving the answers would write: the edited file, the
// changes made on the user's behalf, the validation of the result and the
// diff against the file on disk. Nothing is written until Save.
type Result struct {
	Doc *jobspec.Doc
	// Changes are the automatic edits (jobspec.ApplyProfiling), each with
	// its reason; Notes are things srtctl does by itself that the user
	// should know about (they change nothing in the file).
	Changes  []jobspec.Change
	Notes    []string
	Findings []jobspec.Finding
	// Diff is the unified diff from the file on disk to what Save writes;
	// for a new job it is "" and Doc.Bytes() is the whole file.
	Diff string
	// Path is where an edit is saved; "" for a new job until asked.
	Path string
	// Force is the wizard's: Save may replace a read-only, hard-linked
	// or another user's file.
	Force bool
	// Fit says, per kind of worker, its GPUs and the parallelism using them.
	Fit []FitCheck
}

// CanSave reports whether the result passes srtctl's rules.
func (r *Result) CanSave() bool { return !jobspec.HasErrors(r.Findings) }

// Unchanged reports an edit that changes nothing.
func (r *Result) Unchanged() bool { return r.Path != "" && r.Diff == "" }

// Save writes the result atomically to path (jobspec's minimal-diff save:
// exactly the bytes the review showed). It refuses a result that breaks a
// rule.
func (r *Result) Save(path string) error {
	if !r.CanSave() {
		return fmt.Errorf("%s still breaks srtctl's rules; go back and fix it first", path)
	}
	// jobspec's save takes the writers' lock, so a parallel `set` and
	// this save never lose each other's edits: whichever comes second sees
	// the file changed and refuses (ErrChangedOnDisk).
	if err := r.Doc.SaveWith(path, jobspec.SaveOptions{Force: r.Force}); err != nil {
		return err
	}
	r.Path = path
	return nil
}

// Result applies the answers to a fresh copy of the file (or to a new
// one) and reports what saving would do.
func (w *Wizard) Result() (*Result, error) {
	if w.ReadOnly {
		return nil, fmt.Errorf("%s is open read-only: %s", w.FileName(), w.Notice)
	}
	doc, err := w.freshDoc()
	if err != nil {
		return nil, err
	}
	res := &Result{Doc: doc, Force: w.Force}
	if w.T != nil {
		if err := w.applyToday(doc, res); err != nil {
			return nil, err
		}
		res.Findings = doc.ValidateAs(w.T.Dialect)
	} else {
		if err := w.apply(doc, res); err != nil {
			return nil, err
		}
		res.Findings = doc.ValidateAs(jobspec.DialectP1)
		res.Fit = FitChecks(doc)
	}
	if w.base != nil {
		res.Path = w.base.Name()
		res.Diff = jobspec.UnifiedDiff(res.Path, res.Path, w.base.Bytes(), doc.Bytes())
		if w.saveAs {
			// Where is asked at Save; the diff is against the version
			// loaded, not the one now on disk.
			res.Path = ""
		}
	}
	if w.Reloaded {
		res.Notes = append(res.Notes, w.base.Name()+" changed on disk: your answers are re-applied to its new version, and the diff is against that version")
	}
	return res, nil
}

// freshDoc is the document to apply the answers to: the file as it is on
// disk now (Save checks it did not change since), or a new one.
func (w *Wizard) freshDoc() (*jobspec.Doc, error) {
	if w.base == nil {
		return jobspec.New(), nil
	}
	if w.base.Original() == nil {
		return jobspec.Parse(w.base.Name(), w.base.Bytes())
	}
	if w.saveAs {
		// Not tied to the file on disk: saved under another name.
		return jobspec.Parse(w.base.Name(), w.base.Original())
	}
	doc, err := jobspec.Load(w.base.Name())
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(doc.Original(), w.base.Original()) {
		return nil, fmt.Errorf("%s: %w", w.base.Name(), jobspec.ErrChangedOnDisk)
	}
	return doc, nil
}

// apply writes the answers that differ from what the file had (every
// answer for a new job), then lets jobspec make profiling consistent.
func (w *Wizard) apply(doc *jobspec.Doc, res *Result) error {
	v, o := w.V, w.orig
	isNew := w.base == nil
	var firstErr error
	set := func(path, val, old string, asInt bool) {
		if firstErr != nil || (!isNew && val == old) {
			return
		}
		var err error
		switch {
		case val == "" && isNew:
			return
		case val == "":
			err = doc.Delete(path)
		case asInt:
			n, convErr := strconv.Atoi(val)
			if convErr != nil {
				err = fmt.Errorf("%s: %q is not a whole number", path, val)
			} else {
				err = doc.Set(path, n)
			}
		default:
			err = doc.Set(path, val)
		}
		if err != nil {
			firstErr = fmt.Errorf("setting %s: %w", path, err)
		}
	}
	del := func(path string) {
		if firstErr == nil && doc.Has(path) {
			if err := doc.Delete(path); err != nil {
				firstErr = fmt.Errorf("removing %s: %w", path, err)
			}
		}
	}

	set("name", v.Name, o.Name, false)
	set("model.path", v.ModelPath, o.ModelPath, false)
	set("model.container", v.Container, o.Container, false)
	set("model.precision", v.Precision, o.Precision, false)
	set("resources.gpu_type", v.GPUType, o.GPUType, false)

	// A mode switch writes the new mode's keys and removes the old ones:
	// srtctl refuses a file with both.
	modeChanged := !isNew && v.Mode != o.Mode
	if modeChanged {
		o.PrefillNodes, o.DecodeNodes, o.PrefillWorkers, o.DecodeWorkers, o.AggNodes, o.AggWorkers = "", "", "", "", "", ""
	}
	if v.Disaggregated() {
		set("resources.prefill_nodes", v.PrefillNodes, o.PrefillNodes, true)
		set("resources.decode_nodes", v.DecodeNodes, o.DecodeNodes, true)
		set("resources.prefill_workers", v.PrefillWorkers, o.PrefillWorkers, true)
		set("resources.decode_workers", v.DecodeWorkers, o.DecodeWorkers, true)
		if modeChanged {
			del("resources.agg_nodes")
			del("resources.agg_workers")
		}
	} else {
		set("resources.agg_nodes", v.AggNodes, o.AggNodes, true)
		set("resources.agg_workers", v.AggWorkers, o.AggWorkers, true)
		if modeChanged {
			for _, k := range []string{"prefill_nodes", "decode_nodes", "prefill_workers", "decode_workers"} {
				del("resources." + k)
			}
		}
	}
	set("resources.gpus_per_node", v.EffectiveGPUsPerNode(), o.GPUsPerNode, true)
	if v.Profiling() && firstErr == nil {
		res.Changes = append(res.Changes, w.keepNodesPerWorker(doc)...)
	}
	if isNew && firstErr == nil {
		firstErr = w.writeParallelism(doc)
	}
	if modeChanged && firstErr == nil {
		// The SGLang flags are per mode too; without this the switch would
		// leave a file srtctl rejects and the form could not save.
		changes, err := doc.ConvertBackendMode(!v.Disaggregated())
		if err != nil {
			return fmt.Errorf("switching the backend to %s: %w", v.Mode, err)
		}
		res.Changes = append(res.Changes, automatic(changes)...)
	}
	if !v.Profiling() {
		set("benchmark.type", v.BenchmarkType, o.BenchmarkType, false)
	}
	if firstErr != nil {
		return firstErr
	}

	if isNew || v.Profiling() || v.ProfilingType != o.ProfilingType {
		intent := jobspec.ProfilingIntent{Type: v.ProfilingType}
		if v.Profiling() {
			var ok bool
			if intent.Decode, ok = v.Decode.phaseValues(); !ok {
				return fmt.Errorf("the decode phase's numbers are not all whole numbers")
			}
			if v.Disaggregated() {
				if intent.Prefill, ok = v.Prefill.phaseValues(); !ok {
					return fmt.Errorf("the prefill phase's numbers are not all whole numbers")
				}
			}
		}
		changes, err := doc.ApplyProfiling(intent)
		if err != nil {
			return fmt.Errorf("profiling: %w", err)
		}
		if !isNew {
			if changes, err = w.keepDefaultStepsAbsent(doc, changes); err != nil {
				return err
			}
			if changes, err = w.keepSrtctlDefaultsAbsent(doc, changes); err != nil {
				return err
			}
		}
		if !isNew {
			// A new file is all the user's answers: nothing was changed
			// behind their back.
			res.Changes = append(res.Changes, automatic(changes)...)
		}
		if v.Profiling() {
			res.Notes = append(res.Notes, "config dump is turned off by srtctl while profiling (enable_config_dump is ignored)")
		}
	}

	set("slurm.account", v.Account, o.Account, false)
	set("slurm.partition", v.Partition, o.Partition, false)
	set("slurm.time_limit", v.TimeLimit, o.TimeLimit, false)
	return firstErr
}

// keepDefaultStepsAbsent removes the start_step/stop_step keys that
// ApplyProfiling wrote although the file had left them out and the user
// kept the default: absent already means that value, and the edit should
// change only what the user changed.
func (w *Wizard) keepDefaultStepsAbsent(doc *jobspec.Doc, changes []jobspec.Change) ([]jobspec.Change, error) {
	keep := changes[:0:0]
	for _, c := range changes {
		if c.Old == "" && c.New != "" && w.base != nil && !w.base.Has(c.Path) && w.untouchedDefaultStep(c.Path, c.New) {
			if err := doc.Delete(c.Path); err != nil {
				return nil, fmt.Errorf("removing %s: %w", c.Path, err)
			}
			continue
		}
		keep = append(keep, c)
	}
	return keep, nil
}

func (w *Wizard) untouchedDefaultStep(path, val string) bool {
	for _, ph := range []struct {
		name string
		v, o PhaseFields
	}{{jobspec.PhasePrefill, w.V.Prefill, w.orig.Prefill}, {jobspec.PhaseDecode, w.V.Decode, w.orig.Decode}} {
		base := "profiling." + ph.name + "."
		switch path {
		case base + "start_step":
			return ph.v.StartStep == ph.o.StartStep && val == itoa(jobspec.DefaultStartStep)
		case base + "stop_step":
			return ph.v.StopStep == ph.o.StopStep && val == itoa(jobspec.DefaultStopStep)
		}
	}
	return false
}

// userPaths are the keys whose values the user typed in the form; a change
// to one of them is the user's, not an automatic one.
func isUserPath(path string) bool {
	if path == "profiling.type" {
		return true
	}
	for _, ph := range []string{jobspec.PhasePrefill, jobspec.PhaseDecode} {
		for _, k := range []string{"isl", "osl", "concurrency", "start_step", "stop_step"} {
			if path == "profiling."+ph+"."+k {
				return true
			}
		}
	}
	return false
}

// automatic keeps the changes made on the user's behalf.
func automatic(changes []jobspec.Change) []jobspec.Change {
	var out []jobspec.Change
	for _, c := range changes {
		if c.New != "" && isUserPath(c.Path) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// nodeShare is one role whose node count follows its workers' share when
// profiling runs a single worker.
type nodeShare struct {
	ro                  role
	nodes, workers, per string
}

// nodeShares are the roles whose nodes keepNodesPerWorker divides: those
// with several workers whose node count the user did not type.
func (w *Wizard) nodeShares() []nodeShare {
	v, o := w.V, w.orig
	type pair struct {
		ro             role
		nodes, workers string
		typed          bool
	}
	pairs := []pair{{roleAgg, v.AggNodes, v.AggWorkers, v.AggNodes != o.AggNodes}}
	if v.Disaggregated() {
		pairs = []pair{
			{rolePrefill, v.PrefillNodes, v.PrefillWorkers, v.PrefillNodes != o.PrefillNodes},
			{roleDecode, v.DecodeNodes, v.DecodeWorkers, v.DecodeNodes != o.DecodeNodes},
		}
	}
	var out []nodeShare
	for _, p := range pairs {
		if per, ok := singleWorkerNodes(p.nodes, p.workers); ok && !p.typed {
			out = append(out, nodeShare{p.ro, p.nodes, p.workers, per})
		}
	}
	return out
}

// nodesFollowing says, for the profiling step, which node counts follow.
func (w *Wizard) nodesFollowing() []string {
	var out []string
	for _, s := range w.nodeShares() {
		out = append(out, fmt.Sprintf("Nodes: %s nodes %s → %s (each of the %s workers had %s)", s.ro.name, s.nodes, s.per, s.workers, s.per))
	}
	return out
}

// keepNodesPerWorker gives the single profiled worker the nodes each of the
// file's workers had (10 prefill nodes for 5 workers become 2), unless the
// user typed the node count: SGLang refuses a tp that does not divide the
// nodes' GPUs, and a wider worker would leave the rest idle.
func (w *Wizard) keepNodesPerWorker(doc *jobspec.Doc) []jobspec.Change {
	var out []jobspec.Change
	for _, s := range w.nodeShares() {
		path := "resources." + s.ro.nodesKey
		n, _ := strconv.Atoi(s.per)
		if !doc.Has(path) || doc.Set(path, n) != nil {
			continue
		}
		out = append(out, jobspec.Change{Path: path, Old: s.nodes, New: s.per,
			Reason: fmt.Sprintf("%s changed from %s to %s: the single profiled worker keeps the %s node(s) each of the %s workers had",
				path, s.nodes, s.per, s.per, s.workers)})
	}
	return out
}

// writeParallelism gives a new job's workers the tensor-parallel size that
// uses their GPUs (nodes per worker × GPUs per node), as srtctl's recipes
// write it; without it SGLang runs tp 1 on one GPU of each worker.
func (w *Wizard) writeParallelism(doc *jobspec.Doc) error {
	v := w.V
	gpn, err := strconv.Atoi(v.EffectiveGPUsPerNode())
	if err != nil {
		return nil
	}
	pairs := map[role][2]string{roleAgg: {v.AggNodes, v.AggWorkers}}
	if v.Disaggregated() {
		pairs = map[role][2]string{rolePrefill: {v.PrefillNodes, v.PrefillWorkers}, roleDecode: {v.DecodeNodes, v.DecodeWorkers}}
	}
	for _, ro := range roles(v.Disaggregated()) {
		nodes, err1 := strconv.Atoi(pairs[ro][0])
		workers, err2 := strconv.Atoi(pairs[ro][1])
		if err1 != nil || err2 != nil {
			continue
		}
		if v.Profiling() {
			workers = 1
		}
		if err := doc.Set("backend.sglang_config."+ro.section+".tp-size", nodesPerWorker(nodes, workers)*gpn); err != nil {
			return fmt.Errorf("setting the %s workers' tp-size: %w", ro.name, err)
		}
	}
	return nil
}
