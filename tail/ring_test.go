package tail

import (
	"fmt"
	"slices"
	"testing"
)

func TestRing(t *testing.T) {
	r := NewRing(3)
	r.Append("a", "b")
	if !slices.Equal(r.Lines(), []string{"a", "b"}) || r.Dropped() != 0 {
		t.Fatalf("%q", r.Lines())
	}
	r.Append("c", "d")
	if !slices.Equal(r.Lines(), []string{"b", "c", "d"}) || r.Dropped() != 1 || r.At(0) != "b" || r.At(2) != "d" {
		t.Fatalf("%q dropped %d", r.Lines(), r.Dropped())
	}
	// More lines than the capacity in one batch: the last ones win.
	r.Append("1", "2", "3", "4", "5")
	if !slices.Equal(r.Lines(), []string{"3", "4", "5"}) || r.Dropped() != 6 || r.Len() != 3 || r.Cap() != 3 {
		t.Fatalf("%q dropped %d", r.Lines(), r.Dropped())
	}
	r.Append("6")
	if !slices.Equal(r.Lines(), []string{"4", "5", "6"}) {
		t.Fatalf("%q", r.Lines())
	}
	r.Reset()
	if r.Len() != 0 || r.Dropped() != 0 || len(r.Lines()) != 0 {
		t.Fatal("reset")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("At out of range should panic")
		}
	}()
	r.At(0)
}

func TestRingMatchesSliceModel(t *testing.T) {
	r := NewRing(7)
	var model []string
	n := 0
	for step := range 200 {
		batch := make([]string, step%11)
		for i := range batch {
			batch[i] = fmt.Sprint(n)
			n++
		}
		r.Append(batch...)
		model = append(model, batch...)
		want := model[max(0, len(model)-7):]
		if !slices.Equal(r.Lines(), want) || r.Dropped() != int64(len(model)-len(want)) {
			t.Fatalf("step %d: %q, want %q", step, r.Lines(), want)
		}
	}
	if NewRing(0).Cap() != DefaultRingLines {
		t.Fatal("default capacity")
	}
}
