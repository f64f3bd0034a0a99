package jobspec

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{base, aggBase, p3Base, "", "a: [1, {b: c}]\n", "a: &x {b: 1}\nc: *x\n", "a: |\n  x\n", "- 1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f.yaml", data)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("non-syntax error type %T: %v", err, err)
			}
			return
		}
		if !bytes.Equal(d.Bytes(), data) {
			t.Fatal("Bytes differ from the input")
		}
		_ = d.Job().ProfiledPhases()
		_ = d.Dialect()
		for _, dia := range []Dialect{DialectP1, DialectP3, DialectCurrent} {
			for _, fd := range d.ValidateAs(dia) {
				if fd.Message == "" {
					t.Fatal("empty message")
				}
			}
		}
	})
}

// FuzzSet edits arbitrary documents: an edit either fails and leaves the
// bytes alone, or yields a document that parses and reads back the value.
func FuzzSet(f *testing.F) {
	f.Add([]byte(base), "profiling.decode.concurrency", "128", int64(7))
	f.Add([]byte(base), "slurm.account", "acct", int64(0))
	f.Add([]byte("a: {b: 1}\n"), "a.c.d", "x", int64(1))
	f.Add([]byte("a:\n"), "a.b", "yes", int64(2))
	f.Add([]byte("l:\n- 1\n- 2\n"), "l.1", "", int64(3))
	f.Fuzz(func(t *testing.T, data []byte, path, sval string, n int64) {
		d, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		var val any = sval
		switch n % 4 {
		case 1:
			val = int(n)
		case 2:
			val = n%8 == 2
		case 3:
			val = strings.Split(sval, ",")
		}
		before := append([]byte(nil), d.Bytes()...)
		if err := d.Set(path, val); err != nil {
			if !bytes.Equal(d.Bytes(), before) {
				t.Fatal("a failed Set changed the bytes")
			}
			return
		}
		if _, err := Parse("f.yaml", d.Bytes()); err != nil {
			t.Fatalf("Set produced an unparsable file: %v", err)
		}
		if !d.Has(path) {
			t.Fatalf("path %q missing after Set", path)
		}
		before = append([]byte(nil), d.Bytes()...)
		if err := d.Delete(path); err != nil {
			if !bytes.Equal(d.Bytes(), before) {
				t.Fatal("a failed Delete changed the bytes")
			}
			return
		}
		if _, err := Parse("f.yaml", d.Bytes()); err != nil {
			t.Fatalf("Delete produced an unparsable file: %v", err)
		}
	})
}
