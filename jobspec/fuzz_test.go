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
		for _, dia := range []Dialect{DialectP1, DialectP3, DialectV1, DialectV2} {
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

// FuzzConvertBackendMode: the per-mode rewrite either fails and leaves the
// bytes alone, or leaves a document that a second run does not change.
func FuzzConvertBackendMode(f *testing.F) {
	for _, s := range []string{base, aggBase,
		"backend:\n  sglang_config:\n    decode: &d\n      tp-size: 4\n    prefill: *d\n",
		"backend:\n  sglang_config:\n    aggregated: {tp-size: 4}\n  aggregated_environment:\n    A: \"1\"\n",
		"backend:\n  sglang_config:\n    \"decode\" :\n      # c\n      disaggregation-mode: decode\n",
	} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, toAgg bool) {
		d, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		if _, err := d.ConvertBackendMode(toAgg); err != nil {
			if !bytes.Equal(d.Bytes(), data) {
				t.Fatalf("failed (%v) but changed the bytes", err)
			}
			return
		}
		once := string(d.Bytes())
		again, err := d.ConvertBackendMode(toAgg)
		if err != nil || len(again) != 0 || string(d.Bytes()) != once {
			t.Fatalf("second run: err=%v changes=%v\nfirst:\n%s\nsecond:\n%s", err, again, once, d.Bytes())
		}
	})
}

// FuzzConvert runs the conversions on arbitrary documents: each either
// fails, or gives a document that parses and reads as its target dialect.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{base, aggBase, p3Base, v1Base, v1Agg, "name: x\nresources:\n  decode_nodes: 0\n", "a: 1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		if out, err := MigrateToV2(d); err == nil {
			m, err := Parse("m.yaml", out)
			if err != nil {
				t.Fatalf("migrated file does not parse: %v\n%s", err, out)
			}
			if m.Dialect() != DialectV2 {
				t.Fatalf("migrated file reads as %s", m.Dialect())
			}
		}
		before := append([]byte(nil), d.Bytes()...)
		if _, err := d.ConvertToV1(DialectP1); err != nil && !bytes.Equal(before, d.Bytes()) {
			t.Fatal("a failed conversion changed the bytes")
		}
	})
}
