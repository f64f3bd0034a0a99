package wizard

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Conversions the form offers for a file older than the cluster's srtctl.
const (
	ConvertToV1 = "v1" // P1 or P3 file, 1.0.x cluster
	ConvertToV2 = "v2" // 1.0.x file, 2.x cluster
)

// todayEdits writes the answers of the 1.0.x/2.x form that differ from
// the file's (every answer for a new job); the file keeps every byte the
// answers do not change.
type todayEdits struct {
	doc   *jobspec.Doc
	isNew bool
	err   error
}

func (e *todayEdits) set(path, val, old string, asInt bool) {
	if e.err != nil || (!e.isNew && val == old) || (e.isNew && val == "") {
		return
	}
	var err error
	switch {
	case val == "":
		err = e.doc.Delete(path)
	case asInt:
		n, convErr := strconv.Atoi(strings.TrimSpace(val))
		if convErr != nil {
			err = fmt.Errorf("%q is not a whole number", val)
		} else {
			err = e.doc.Set(path, n)
		}
	default:
		err = e.doc.Set(path, val)
	}
	if err != nil {
		e.err = fmt.Errorf("setting %s: %w", path, err)
	}
}

// setValue writes a value of another type (a list) when the text changed.
func (e *todayEdits) setValue(path, val, old string, value func() any) {
	if e.err != nil || (!e.isNew && val == old) || (e.isNew && val == "") {
		return
	}
	var err error
	if val == "" {
		err = e.doc.Delete(path)
	} else {
		err = e.doc.Set(path, value())
	}
	if err != nil {
		e.err = fmt.Errorf("setting %s: %w", path, err)
	}
}

// applyToday writes the 1.0.x/2.x form's answers into doc: after the
// offered conversion, when there is one.
func (w *Wizard) applyToday(doc *jobspec.Doc, res *Result) error {
	if err := w.convert(doc, res); err != nil {
		return err
	}
	v, o, t, to := w.V, w.orig, w.T, w.torig
	dia := t.Dialect
	e := &todayEdits{doc: doc, isNew: w.base == nil}
	if e.isNew {
		if dia == jobspec.DialectV2 {
			e.set("schema", "2", "", true)
		}
		e.set("name", v.Name, "", false)
		e.set("model.path", v.ModelPath, "", false)
		e.set("model.container", v.Container, "", false)
		e.set("model.precision", v.Precision, "", false)
		e.set("resources.gpu_type", v.GPUType, "", false)
		e.set("resources.gpus_per_node", w.gpusPerNode(), "", true)
		if dia == jobspec.DialectV2 {
			// The minimum a 2.x recipe needs besides the roles: the engine
			// (one for every role).
			e.set("engine", "sglang", "", false)
		}
		for _, i := range w.modes() {
			e.set(nodesPath(dia, i), w.nodes(i), "", true)
		}
	} else {
		e.set("name", v.Name, o.Name, false)
		e.set("model.path", v.ModelPath, o.ModelPath, false)
		e.set("model.container", v.Container, o.Container, false)
		e.set("model.precision", v.Precision, o.Precision, false)
	}
	for _, i := range w.modes() {
		e.set(workersPath(dia, i), t.Workers[i], to.Workers[i], true)
	}
	e.set("benchmark.type", t.Benchmark, to.Benchmark, false)
	benchTraffic := t.Benchmark == "sa-bench" || t.Benchmark == "sglang-bench"
	if benchTraffic || !e.isNew {
		e.set("benchmark.isl", t.ISL, to.ISL, true)
		e.set("benchmark.osl", t.OSL, to.OSL, true)
	}
	if benchTraffic || t.Benchmark == "trace-replay" || !e.isNew {
		e.setValue("benchmark.concurrencies", t.Concurrencies, to.Concurrencies, func() any { return concurrencyValue(t.Concurrencies) })
	}
	if t.Benchmark == "trace-replay" || !e.isNew {
		e.set("benchmark.trace_file", t.TraceFile, to.TraceFile, false)
	}
	e.set("profiling.type", t.Profiling, to.Profiling, false)
	if t.stepped() {
		for _, i := range w.modes() {
			base := "profiling." + todayModes[i].phase + "."
			// A profiled phase needs its block: write the window when the
			// file has none, even if the answers are the defaults.
			missing := !doc.Has("profiling." + todayModes[i].phase)
			oldStart, oldStop := to.Start[i], to.Stop[i]
			if missing {
				oldStart, oldStop = "", ""
			}
			e.set(base+"start_step", t.Start[i], oldStart, true)
			e.set(base+"stop_step", t.Stop[i], oldStop, true)
			if dia == jobspec.DialectV2 && t.Profiling == "nsys" {
				e.setDefaulted(base+"capture_scope", t.Scope[i], to.Scope[i], "all", false)
				e.setDefaulted(base+"worker_index", t.Index[i], to.Index[i], "0", true)
				e.setDefaulted(base+"worker_rank", t.Rank[i], to.Rank[i], "0", true)
			}
		}
	}
	if t.Profiling == "nsys-time" {
		e.set("profiling.delay_secs", t.Delay, to.Delay, true)
		e.set("profiling.duration_secs", t.Duration, to.Duration, true)
	}
	if t.Profiling == "nsys" || t.Profiling == "nsys-time" || !e.isNew {
		e.setValue("profiling.extra_nsys_args", t.NsysArgs, to.NsysArgs, func() any { return strings.Fields(t.NsysArgs) })
	}
	e.set("slurm.account", v.Account, o.Account, false)
	e.set("slurm.partition", v.Partition, o.Partition, false)
	e.set("slurm.time_limit", v.TimeLimit, o.TimeLimit, false)
	return e.err
}

// setDefaulted writes a value whose default is def: a new or absent key
// left at its default stays absent.
func (e *todayEdits) setDefaulted(path, val, old, def string, asInt bool) {
	if !e.doc.Has(path) && val == def {
		return
	}
	if e.isNew {
		e.isNew = false
		defer func() { e.isNew = true }()
	}
	e.set(path, val, old, asInt)
}

// concurrencyValue is how concurrencies are written: "4x8" and a single
// number as text (as srtctl's recipes write them), "4, 8" as a list.
func concurrencyValue(s string) any {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "[]"))
	if !strings.Contains(s, ",") {
		return s
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, _ := strconv.Atoi(strings.TrimSpace(f))
		out = append(out, n)
	}
	return out
}

// convert applies the offered conversion to the fresh copy of the file:
// P1/P3 -> 1.0.x by jobspec's edits, 1.0.x -> 2.x with the cluster's own
// `srtctl migrate` output when the caller got it (Migrated), else
// jobspec's migration. The review's diff then shows the conversion.
func (w *Wizard) convert(doc *jobspec.Doc, res *Result) error {
	switch w.Convert {
	case ConvertToV1:
		changes, err := doc.ConvertToV1(w.from)
		if err != nil {
			return fmt.Errorf("converting to srtctl 1.0.x: %w", err)
		}
		res.Changes = append(res.Changes, changes...)
	case ConvertToV2:
		out := w.Migrated
		how := "the cluster's srtctl migrate"
		if out == nil {
			var err error
			if out, err = jobspec.MigrateToV2(doc); err != nil {
				return fmt.Errorf("migrating to srtctl 2.x: %w", err)
			}
			how = "srtctl-tui's migration (the cluster's srtctl migrate was not run)"
		}
		if err := doc.Replace(out); err != nil {
			return fmt.Errorf("migrating to srtctl 2.x: %w", err)
		}
		res.Notes = append(res.Notes, "converted to the 2.x layout (schema: 2) by "+how)
	}
	return nil
}
