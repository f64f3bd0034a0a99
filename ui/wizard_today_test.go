package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// The accessible mode asks the 1.0.x form's steps as plain prompts and
// writes a 1.0.x job its rules accept.
func TestAccessibleNewV1Job(t *testing.T) {
	target := filepath.Join(t.TempDir(), "v1.yaml")
	answers := []string{
		"v1-job", "/models/m", "/c.sqsh", "", // job
		"", "", "", // gpu type, mode, gpus per node
		"", "", // nodes
		"2", "", // workers: 2 prefill, 1 decode
		"",     // profiler: torch
		"", "", // prefill steps
		"", "", // decode steps
		"",             // benchmark: sa-bench
		"", "", "", "", // isl, osl, concurrencies, trace file
		"", "", "", // slurm
		"y", target,
	}
	var out bytes.Buffer
	res, err := RunAccessible(wizard.NewJobFor(jobspec.DialectV1), strings.NewReader(strings.Join(answers, "\n")+"\n"), &out, AccessibleOptions{})
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if res.Path != target {
		t.Fatalf("outcome %+v\n%s", res, out.String())
	}
	data, _ := os.ReadFile(target)
	d, err := jobspec.Parse(target, data)
	if err != nil {
		t.Fatal(err)
	}
	if d.Dialect() != jobspec.DialectV1 || len(d.Validate()) != 0 {
		t.Fatalf("wrote (%s, %v):\n%s", d.Dialect(), d.Validate(), data)
	}
	if v, _ := d.Get("resources.prefill_workers"); v != "2" {
		t.Errorf("prefill workers %q:\n%s", v, data)
	}
	for _, s := range []string{"Step 1/5 · Job (srtctl 1.0.x)", "Profiler (now torch; Enter keeps it)", "sa-bench's warmup requests count toward the steps"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("transcript lacks %q:\n%s", s, out.String())
		}
	}
}
