package wizard

import (
	"fmt"
	"reflect"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// The file being edited can change on disk while the form is open. The
// user may then reload it and keep their answers (Reload), or save their
// version elsewhere (SaveAs).

// Reload reads the edited file again and re-applies the user's answers to
// it: an answer the user changed is kept, an answer they did not change
// takes the file's new value. When the file's new version changes an
// answer the user changed too, nothing is reloaded and conflicts names
// those answers (the user then saves elsewhere, or discards).
func (w *Wizard) Reload() (conflicts []string, err error) {
	if w.base == nil {
		return nil, nil
	}
	doc, err := jobspec.Load(w.base.Name())
	if err != nil {
		return nil, err
	}
	if doc.Dialect() != jobspec.DialectP1 && doc.Dialect() != jobspec.DialectUnknown {
		return nil, fmt.Errorf("%s is now written for another srtctl (%s); it cannot be edited here", doc.Name(), doc.Dialect())
	}
	disk := ValuesFromDoc(doc)
	merged := *w.V
	conflicts = mergeValues(reflect.ValueOf(&merged).Elem(), reflect.ValueOf(w.orig), reflect.ValueOf(disk), "")
	if len(conflicts) > 0 {
		return conflicts, nil
	}
	*w.V = merged
	w.orig, w.base, w.Reloaded, w.saveAs = disk, doc, true, false
	return nil, nil
}

// mergeValues is a three-way merge of the answers, field by field: mine
// (the user's, merged in place), base (what the form started from) and
// theirs (the file's new version).
func mergeValues(mine, base, theirs reflect.Value, prefix string) []string {
	var conflicts []string
	for i := 0; i < mine.NumField(); i++ {
		name := prefix + mine.Type().Field(i).Name
		m, b, t := mine.Field(i), base.Field(i), theirs.Field(i)
		if m.Kind() == reflect.Struct {
			conflicts = append(conflicts, mergeValues(m, b, t, name+".")...)
			continue
		}
		switch {
		case m.String() == b.String():
			m.SetString(t.String())
		case t.String() != b.String() && t.String() != m.String():
			conflicts = append(conflicts, name)
		}
	}
	return conflicts
}

// SaveAs makes the result apply to the version of the file the form
// loaded, to be saved under another name: the file on disk is left as
// someone else changed it.
func (w *Wizard) SaveAs() { w.saveAs = true }

// SavingAs reports whether the result is to be saved as another file.
func (w *Wizard) SavingAs() bool { return w.saveAs }
