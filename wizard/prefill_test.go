package wizard

import "testing"

// Pre-filled answers are the baseline: the wizard is clean until one of
// them changes, and clean again when it is changed back.
func TestNewJobWithTakesValuesAsBaseline(t *testing.T) {
	v := NewValues()
	v.Name = "prof-torch-demo"
	v.ModelPath = "/models/deepseek-r1"
	wz := NewJobWith(v)
	if wz.Dirty() {
		t.Fatal("pre-filled answers count as unsaved changes")
	}
	if !wz.IsNew() || wz.V.Name != "prof-torch-demo" {
		t.Fatalf("not a new job with the given answers: new=%v name=%q", wz.IsNew(), wz.V.Name)
	}
	wz.V.ModelPath = "/models/other"
	if !wz.Dirty() {
		t.Fatal("a changed answer is not an unsaved change")
	}
	wz.V.ModelPath = "/models/deepseek-r1"
	if wz.Dirty() {
		t.Fatal("an answer changed back still counts as a change")
	}
	v.Name = "changed after the call"
	if wz.V.Name != "prof-torch-demo" {
		t.Fatal("the wizard shares the caller's values")
	}
}
