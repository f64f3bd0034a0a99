package ui

import (
	"os"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// editToEnd renames the job in the form, lets the file change on disk,
// then presses Enter through the remaining fields.
func editToEnd(t *testing.T, path string, p *pump, onDisk func(string) string) {
	t.Helper()
	p.key("ctrl+u")
	p.typeText("mine")
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(onDisk(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40 && !strings.Contains(p.view(), "changed on disk"); i++ {
		p.key("enter")
	}
}

// The file changes on disk while editing, elsewhere than the user's
// answers: r reloads it and re-applies them, and the review shows both.
func TestChangedOnDiskReloadKeepsMyAnswers(t *testing.T) {
	path, doc := writeJob(t, jobspectest.ValidP1Disagg)
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	p := newPump(t, ws, 100, 40)
	editToEnd(t, path, p, func(s string) string { return strings.Replace(s, `path: "/m"`, `path: "/m2"`, 1) })
	p.mustSee("changed on disk", "r reload it and re-apply your answers", "a save your version as another file", "esc keep editing")
	p.key("r")
	p.mustSee("Step 5/5 Review", "re-applied to its new version", `+name: "mine"`)
	if strings.Contains(p.view(), `path: "/m"`) {
		t.Fatalf("the review undoes the change on disk:\n%s", p.view())
	}
	p.key("s")
	got, _ := os.ReadFile(path)
	if !strings.Contains(string(got), `name: "mine"`) || !strings.Contains(string(got), `path: "/m2"`) {
		t.Fatalf("saved:\n%s", got)
	}
}

// When the disk's version changes the same answer, reload is not offered;
// a saves the user's version as another file and leaves the file alone.
func TestChangedOnDiskConflictSavesAsAnotherFile(t *testing.T) {
	path, doc := writeJob(t, jobspectest.ValidP1Disagg)
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, wizard.Edit(doc))
	p := newPump(t, ws, 100, 40)
	theirs := func(s string) string { return strings.Replace(s, `name: "t"`, `name: "theirs"`, 1) }
	editToEnd(t, path, p, theirs)
	p.key("r")
	p.mustSee("also changes what you changed (Name)")
	p.key("a")
	p.mustSee("Step 5/5 Review", "Your version")
	p.key("s")
	p.mustSee("Save as: ", "job-mine.yaml")
	p.key("enter")
	mine, err := os.ReadFile(strings.TrimSuffix(path, ".yaml") + "-mine.yaml")
	if err != nil || !strings.Contains(string(mine), `name: "mine"`) {
		t.Fatalf("not saved as another file: %v\n%s", err, mine)
	}
	if got, _ := os.ReadFile(path); string(got) != theirs(jobspectest.ValidP1Disagg) {
		t.Fatalf("the changed file was written:\n%s", got)
	}
}
