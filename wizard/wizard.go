package wizard

import (
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/huh/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Wizard is one run of the form over one job: the answers, what the file
// said when it was opened, and what was wrong with it.
type Wizard struct {
	// V is what the form edits; the form's fields point into it.
	V    *Values
	orig Values
	// base is the file being edited; nil for a new job.
	base *jobspec.Doc
	// Problems are the errors the file had when opened; Fixes the
	// automatic changes that resolve them with the file's own answers.
	Problems []jobspec.Finding
	Fixes    []jobspec.Change
	// ReadOnly is set for a file the form cannot edit faithfully (another
	// srtctl dialect); Notice says why.
	ReadOnly bool
	Notice   string
	// Target is where a new job is offered to be saved (srtctl-tui new
	// FILE); empty to derive it from the job name.
	Target string
	// Reloaded is set once the file changed on disk and the answers were
	// re-applied to its new version; saveAs when the user chose to save
	// their version as another file instead.
	Reloaded bool
	saveAs   bool
	// KeepTarget makes Target the only place the job may be saved: the
	// review shows it but does not let it be changed (the demo writes
	// nothing outside its temporary directory).
	KeepTarget bool
	// Force lets Save replace a file that is read-only, hard-linked or
	// another user's (edit --force); see jobspec.SaveOptions.
	Force bool

	// T are the answers of the form for srtctl 1.0.x and 2.x files (nil
	// for P1); torig what the file said.
	T     *TodayValues
	torig TodayValues
	// Convert is the conversion offered for a file older than the
	// cluster's srtctl (ConvertToV1, ConvertToV2, or ""); from is the
	// file's own dialect. Migrated is the cluster's `srtctl migrate`
	// output for ConvertToV2, when the caller ran it.
	Convert  string
	from     jobspec.Dialect
	Migrated []byte
	// Detected is the file's dialect as the form took it.
	Detected jobspec.Detection
}

// NewJob starts a wizard for a new job.
func NewJob() *Wizard {
	v := NewValues()
	return &Wizard{V: &v, orig: v}
}

// NewJobWith starts a wizard for a new job whose answers are v, taken as
// the starting point: only answers changed afterwards count as unsaved.
func NewJobWith(v Values) *Wizard {
	return &Wizard{V: &v, orig: v}
}

// Edit starts a wizard over an existing file for a P1 srtctl: a file that
// could be P1 or 1.0.x opens in the P1 form, as before 1.0.x files were
// editable; a 1.0.x or 2.x file in their form, a P3 file read-only. A
// file that breaks a rule opens with the problems and the fixes the
// answers imply. The commands use EditFor with the cluster's srtctl.
func Edit(doc *jobspec.Doc) *Wizard { return EditFor(doc, jobspec.DialectP1) }

// EditFor is Edit for a job meant for the given srtctl (the cluster's,
// "" when unknown): it decides a file that could be P1 or 1.0.x, and an
// older file opens converted for it (see Convert).
func EditFor(doc *jobspec.Doc, cluster jobspec.Dialect) *Wizard {
	v := ValuesFromDoc(doc)
	w := &Wizard{V: &v, orig: v, base: doc, Detected: doc.Detect(cluster)}
	if w.editToday(doc, cluster) {
		return w
	}
	switch dia := w.Detected.Dialect; dia {
	case jobspec.DialectP1, jobspec.DialectUnknown:
	default:
		w.ReadOnly = true
		w.Notice = fmt.Sprintf("%s is written for srtctl %s (%s). This form writes srtctl P1 (early December 2025) "+
			"job files, whose profiling section differs: %s. Editing it here would mix the two, so it opens "+
			"read-only: use a text editor, or `srtctl-tui validate --dialect %s` to check it.",
			doc.Name(), dialectName(dia), doc.DialectReason(), dialectDiff(dia), dia)
		return w
	}
	for _, f := range doc.ValidateAs(jobspec.DialectP1) {
		if f.Severity == jobspec.Error {
			w.Problems = append(w.Problems, f)
		}
	}
	if len(w.Problems) > 0 {
		if res, err := w.Result(); err == nil {
			w.Fixes = res.Changes
		}
	}
	return w
}

// RulesName names the srtctl whose rules the form's file is checked by:
// "srtctl 2.x", "srtctl 1.0.x", "srtctl P1".
func (w *Wizard) RulesName() string {
	if w.T != nil {
		return w.T.Dialect.Title()
	}
	return "srtctl P1"
}

func dialectName(d jobspec.Dialect) string {
	switch d {
	case jobspec.DialectP3:
		return "P3 (late December 2025)"
	case jobspec.DialectV1:
		return "1.0.x (2026)"
	case jobspec.DialectV2:
		return "2.x (schema: 2)"
	}
	return string(d)
}

func dialectDiff(d jobspec.Dialect) string {
	switch d {
	case jobspec.DialectP3:
		return "P3 keeps isl/osl/concurrency at the top of profiling and only steps per phase"
	case jobspec.DialectV1, jobspec.DialectV2:
		return "today's srtctl has no isl/osl/concurrency under profiling (traffic comes from the benchmark) and allows several workers"
	}
	return "the rules differ"
}

// IsNew reports whether the wizard builds a new job.
func (w *Wizard) IsNew() bool { return w.base == nil }

// Base is the file being edited (nil for a new job).
func (w *Wizard) Base() *jobspec.Doc { return w.base }

// FileName is the edited file's name, or "new job".
func (w *Wizard) FileName() string {
	if w.base == nil {
		return "new job"
	}
	return w.base.Name()
}

// Dirty reports whether the answers differ from what the form started with.
func (w *Wizard) Dirty() bool { return *w.V != w.orig || w.T != nil && *w.T != w.torig }

// SuggestedPath is where a new job is offered to be saved: the job name
// made safe as a file name, in the current directory.
func (w *Wizard) SuggestedPath() string {
	if w.base != nil && w.saveAs {
		name := w.base.Name()
		ext := filepath.Ext(name)
		return strings.TrimSuffix(name, ext) + "-mine" + ext
	}
	if w.base != nil {
		return w.base.Name()
	}
	if w.Target != "" {
		return w.Target
	}
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '-'
	}, strings.TrimSpace(w.V.Name))
	name = strings.Trim(name, ".-")
	if name == "" {
		name = "job"
	}
	return filepath.Clean(name + ".yaml")
}

// Steps returns fresh groups bound to w.V, in order. accessible leaves out
// the notes (the accessible runner prints each step's Info instead).
func (w *Wizard) Steps(accessible bool) []Step { return w.steps(accessible) }

// Form builds the full-screen form over w.V. A completed huh form ignores
// input, so going back from the review builds a new one; the answers live
// in w.V and are kept.
func (w *Wizard) Form(theme huh.Theme) (*huh.Form, []Step) {
	steps := w.steps(false)
	groups := make([]*huh.Group, len(steps))
	for i, s := range steps {
		groups[i] = s.Group
	}
	f := huh.NewForm(groups...).WithShowHelp(false)
	if theme != nil {
		f = f.WithTheme(theme)
	}
	return f, steps
}

func (w *Wizard) problemsText() string {
	var b strings.Builder
	for i, p := range w.Problems {
		if i == 4 {
			fmt.Fprintf(&b, "... and %d more\n", len(w.Problems)-i)
			break
		}
		fmt.Fprintf(&b, "%d:%d %s\n", p.Line, p.Col, p.Message)
	}
	if len(w.Fixes) > 0 {
		b.WriteString("\nProposed fix, applied when you save:\n")
		for _, c := range w.Fixes {
			b.WriteString("  " + ChangeText(c) + "\n")
		}
		b.WriteString("Or set the profiler to none in step 3 to keep the file's workers and benchmark.")
	}
	if props := w.Proposals(); len(props) > 0 {
		b.WriteString("\nTo fix it:\n")
		for _, p := range props {
			b.WriteString("  " + p.Text + "\n")
		}
		b.WriteString("Continue goes to the first of these fields.")
	} else if len(w.Fixes) == 0 {
		b.WriteString("\nChange the answers in the next steps to fix it; the review shows what is still wrong.")
	}
	return strings.TrimRight(b.String(), "\n")
}

// ChangeText is one automatic change in words.
func ChangeText(c jobspec.Change) string {
	if c.Reason != "" {
		return c.Reason
	}
	switch {
	case c.Old == "":
		return fmt.Sprintf("%s set to %s", c.Path, c.New)
	case c.New == "":
		return fmt.Sprintf("%s removed (was %s)", c.Path, c.Old)
	}
	return fmt.Sprintf("%s changed from %s to %s", c.Path, c.Old, c.New)
}
