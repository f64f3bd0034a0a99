package jobspectest_test

import (
	"slices"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// The fixtures are what their comments say, so a test built on one starts
// from the file it thinks it has.
func TestFixturesAreWhatTheySay(t *testing.T) {
	for name, src := range map[string]string{
		"ValidP1Disagg": jobspectest.ValidP1Disagg,
		"ValidP1Agg":    jobspectest.ValidP1Agg,
		"P1Example":     string(jobspectest.P1Example(t)),
	} {
		d, err := jobspec.Parse(name+".yaml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.Dialect() != jobspec.DialectP1 {
			t.Errorf("%s: dialect %s", name, d.Dialect())
		}
		if fs := d.Validate(); len(fs) != 0 {
			t.Errorf("%s: findings %v", name, fs)
		}
	}

	d, err := jobspec.Parse("broken.yaml", []byte(jobspectest.BrokenP1))
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, f := range d.Validate() {
		if f.Severity == jobspec.Error {
			errs = append(errs, f.Path)
		}
	}
	slices.Sort(errs)
	if d.Dialect() != jobspec.DialectP1 || !slices.Equal(errs, []string{"benchmark.type", "resources.decode_workers"}) {
		t.Errorf("BrokenP1: dialect %s, errors at %v", d.Dialect(), errs)
	}
}

func TestCorpusIsAllThere(t *testing.T) {
	files := jobspectest.Corpus(t)
	if !slices.Contains(files, jobspectest.P1ExamplePath(t)) {
		t.Errorf("the P1 example %s is not among the %d corpus files", jobspectest.P1ExamplePath(t), len(files))
	}
}
