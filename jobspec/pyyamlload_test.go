package jobspec

import (
	"errors"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// TestWhatPyYAMLCannotConstructIsRefused: tags safe_load has no
// constructor for, a standard tag on the wrong kind of node, a !!bool that
// is no boolean and a list or mapping as a key passed validate although
// srtctl (PyYAML) cannot load the file. Verdicts are PyYAML 6.0.3's
// (yaml.safe_load), checked by hand.
func TestWhatPyYAMLCannotConstructIsRefused(t *testing.T) {
	base := jobspectest.ValidP1Disagg
	if !strings.Contains(base, "\nresources:\n") {
		t.Fatal("ValidP1Disagg has no resources section; update this test")
	}
	with := func(extra string) string {
		return strings.Replace(base, "\nresources:\n", "\n"+extra+"resources:\n", 1)
	}
	lineOf := func(src, s string) int { return strings.Count(src[:strings.Index(src, s)], "\n") + 1 }
	refused := map[string]struct{ extra, reason, at string }{
		"local tag":         {"x-a: !foo 1\n", "no constructor for the tag !foo", "!foo"},
		"python tag":        {"x-a: !!python/object:os.system 1\n", "no constructor for the tag !!python/object:os.system", "!!python"},
		"tag of a %TAG":     {"x-b: !e!foo 1\n", "no constructor for the tag tag:example.com,2000:foo", "!e!foo"},
		"str on a mapping":  {"x-a: !!str {a: 1}\n", "the tag !!str needs", "!!str"},
		"map on a value":    {"x-a: !!map 1\n", "the tag !!map needs", "!!map"},
		"bool not boolean":  {"x-a: !!bool maybe\n", `"maybe" is not a boolean`, "!!bool"},
		"list as a key":     {"x-a:\n  ? [a, b]\n  : 1\n", "a list used as a key", "? ["},
		"mapping as a key":  {"x-a:\n  ? {a: 1}\n  : 1\n", "a mapping used as a key", "? {"},
		"alias list as key": {"x-l: &l [a]\nx-a:\n  ? *l\n  : 1\n", "a list used as a key", "? *l"},
	}
	for name, c := range refused {
		src := with(c.extra)
		if strings.Contains(c.extra, "!e!") {
			src = "%TAG !e! tag:example.com,2000:\n---\n" + src
		}
		_, err := Parse("t.yaml", []byte(src))
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Reason, c.reason) {
			t.Errorf("%s: %v, want %q", name, err, c.reason)
			continue
		}
		at := c.at
		col := strings.Index(src[strings.LastIndex(src[:strings.Index(src, at)], "\n")+1:], at) + 1
		if strings.HasPrefix(at, "? ") {
			col += 2 // the key after the indicator
		}
		if se.Line != lineOf(src, at) || se.Col != col {
			t.Errorf("%s: at %d:%d, want %d:%d", name, se.Line, se.Col, lineOf(src, at), col)
		}
	}
	accepted := map[string]string{
		"standard tags":   "x-a: !!str 1\nx-b: !!float 1\nx-c: !!binary aGVsbG8=\nx-d: !!set {a, b}\nx-e: !!omap [a: 1]\nx-f: !!bool Yes\nx-g: !!null x\n",
		"non-specific !":  "x-a: ! 12\n",
		"explicit merge":  "x-m: &m {a: 1}\nx-a:\n  !!merge <<: *m\n",
		"null and scalar": "x-a:\n  ~: 1\n  ? b\n  : 2\n",
	}
	for name, extra := range accepted {
		if _, err := Parse("t.yaml", []byte(with(extra))); err != nil {
			t.Errorf("%s: %v, PyYAML loads it", name, err)
		}
	}
}

// TestExplicitIntAndFloatAreReadAsPyYAMLReadsThem: `!!int` and `!!float`
// values are accepted exactly when PyYAML 6.0.3's construct_yaml_int and
// construct_yaml_float read them (each verdict checked with yaml.safe_load
// on `x: !!int "VALUE"`); a value they refuse makes srtctl fail to load.
func TestExplicitIntAndFloatAreReadAsPyYAMLReadsThem(t *testing.T) {
	cases := []struct {
		v          string
		int, float bool
	}{
		{"0", true, true}, {"-12", true, true}, {"+-12", true, true}, {"1_000", true, true},
		{"0b101", true, false}, {"0b2", false, false}, {"0B101", false, false},
		{"0x1F", true, false}, {"0X1F", false, false}, {"017", true, true}, {"08", false, true},
		{"0o17", true, false}, {"1:30:00", true, true}, {"1::3", false, false}, {"1e3", false, true},
		{"1.5", false, true}, {"abc", false, false}, {"", false, false}, {" 12", true, true},
		{"- 1", true, true}, {"0x", false, false}, {".5", false, true}, {"5.", false, true},
		{"1e", false, false}, {"-.inf", false, true}, {".NaN", false, true}, {"infinity", false, true},
		{"1:30.5", false, true}, {"0x1p3", false, false}, {"-", false, false},
	}
	for _, c := range cases {
		if got := pyyamlInt(c.v); got != c.int {
			t.Errorf("!!int %q: read %v, PyYAML %v", c.v, got, c.int)
		}
		if got := pyyamlFloat(c.v); got != c.float {
			t.Errorf("!!float %q: read %v, PyYAML %v", c.v, got, c.float)
		}
	}
	src := strings.Replace(jobspectest.ValidP1Disagg, "\nresources:\n", "\nx-a: !!int 1e3\nresources:\n", 1)
	var se *SyntaxError
	if _, err := Parse("t.yaml", []byte(src)); !errors.As(err, &se) || !strings.Contains(se.Reason, `"1e3" is not an integer`) {
		t.Errorf("!!int 1e3 in a job file: %v", err)
	}
}

// TestOtherYAML1VersionsLoadAsInPyYAML: PyYAML loads a file declaring
// %YAML 1.0, 1.2 or 1.10 (it warns); yaml.v3 refused it, so validate,
// set and edit refused a file srtctl loads. %YAML 2.0 stays refused, as
// PyYAML refuses it. Edits keep the directive as written.
func TestOtherYAML1VersionsLoadAsInPyYAML(t *testing.T) {
	for _, v := range []string{"1.0", "1.2", "1.10", "1.2 # comment"} {
		src := "%YAML " + v + "\n---\n" + jobspectest.ValidP1Disagg
		d, err := Parse("v.yaml", []byte(src))
		if err != nil {
			t.Errorf("%%YAML %s: %v", v, err)
			continue
		}
		if err := d.Set("name", "renamed"); err != nil {
			t.Errorf("%%YAML %s: set: %v", v, err)
			continue
		}
		if !strings.HasPrefix(string(d.Bytes()), "%YAML "+v+"\n---\n") || !strings.Contains(string(d.Bytes()), `name: "renamed"`) {
			t.Errorf("%%YAML %s: after set:\n%.80s", v, d.Bytes())
		}
	}
	if _, err := Parse("v.yaml", []byte("%YAML 2.0\n---\n"+jobspectest.ValidP1Disagg)); err == nil {
		t.Error("%YAML 2.0 accepted; PyYAML refuses it")
	}
}
