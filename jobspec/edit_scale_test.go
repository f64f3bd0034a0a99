package jobspec

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// editScaleShapes are files near MaxYAMLSize on which an edit once walked
// the file from its start for every key or every comment line it looked
// at (a set took 5 s on 36,000 keys and 40 s under 170,000 comment lines).
func editScaleShapes() []struct {
	name string
	src  string
	edit func(*Doc) error
} {
	var keys strings.Builder
	for i := 0; keys.Len() < MaxYAMLSize-100; i++ {
		fmt.Fprintf(&keys, "key%d: 1\n", i)
	}
	comments := strings.Repeat("#c\n", (MaxYAMLSize-100)/3)
	return []struct {
		name string
		src  string
		edit func(*Doc) error
	}{
		{"insert among many keys", keys.String(), func(d *Doc) error { return d.Set("profiling.isl", 10) }},
		{"insert above many comment lines", "# top\n" + comments + "model: {path: x}\n", func(d *Doc) error { return d.Set("name", "x") }},
		{"delete under many comment lines", "model: {path: x}\n" + comments + "resources: {a: 1}\n", func(d *Doc) error { return d.Delete("resources") }},
	}
}

// TestEditsCostAboutAParse: an edit of a large file costs a few parses
// of it (it re-parses its result), not time that grows with the square of
// the file. Both sides are measured here, on the same machine, so a slow
// or busy machine slows both; the old code was 50 to 400 times a parse.
func TestEditsCostAboutAParse(t *testing.T) {
	fastest := func(f func()) time.Duration {
		best := time.Duration(1 << 62)
		for range 3 {
			t0 := time.Now()
			f()
			best = min(best, time.Since(t0))
		}
		return best
	}
	for _, sh := range editScaleShapes() {
		t.Run(sh.name, func(t *testing.T) {
			if len(sh.src) > MaxYAMLSize {
				t.Fatalf("%d bytes: above the limit", len(sh.src))
			}
			parse := fastest(func() {
				if _, err := Parse("t.yaml", []byte(sh.src)); err != nil {
					t.Fatal(err)
				}
			})
			edit := fastest(func() {
				d, err := Parse("t.yaml", []byte(sh.src))
				if err != nil {
					t.Fatal(err)
				}
				if err := sh.edit(d); err != nil {
					t.Fatal(err)
				}
			})
			t.Logf("parse %v, parse+edit %v", parse, edit)
			if edit > 15*parse {
				t.Fatalf("parse + edit took %v, %.0f times a parse (%v)", edit, float64(edit)/float64(parse), parse)
			}
		})
	}
}

// BenchmarkYAMLEdit is one edit of each large shape (parse, edit, the
// re-parse of the result): under 1 s each, like BenchmarkYAMLGate.
func BenchmarkYAMLEdit(b *testing.B) {
	for _, sh := range editScaleShapes() {
		b.Run(sh.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(sh.src)))
			for b.Loop() {
				d, err := Parse("t.yaml", []byte(sh.src))
				if err != nil {
					b.Fatal(err)
				}
				if err := sh.edit(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
