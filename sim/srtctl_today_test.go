package sim

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
)

// todayRoot makes a working directory whose srtslurm.yaml has the stand-in
// play release, and changes into it.
func todayRoot(t *testing.T, release string) string {
	t.Helper()
	t.Setenv(ReleaseEnv, "")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "srtslurm.yaml"), []byte("simulation:\n  srtctl: "+release+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

func srtctlRun(args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	code := runSrtctl(args, &out, &errOut, time.Now)
	return out.String(), errOut.String(), code
}

func copyTestdata(t *testing.T, sim, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sim, "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// repoSim is this package's directory, read before a test changes the
// working directory.
func repoSim(t *testing.T) string {
	return filepath.Join(jobspectest.RepoRoot(t), "sim")
}

func TestStandInV1(t *testing.T) {
	sim := repoSim(t)
	dir := todayRoot(t, ReleaseV1)
	// 1.0.x has no --version: argparse wants a command; its help lists them.
	if _, errOut, code := srtctlRun("--version"); code != 2 || !strings.Contains(errOut, "the following arguments are required: command") {
		t.Errorf("--version: %d %q", code, errOut)
	}
	if out, _, code := srtctlRun("--help"); code != 0 || !strings.Contains(out, "{apply,dry-run,preflight,monitor,view,resolve-override,diff,check}") {
		t.Errorf("--help: %d %q", code, out)
	}
	if _, errOut, code := srtctlRun("migrate", "-f", "x.yaml"); code != 2 || !strings.Contains(errOut, "invalid choice: 'migrate'") {
		t.Errorf("migrate on 1.0.x: %d %q", code, errOut)
	}
	good := copyTestdata(t, sim, dir, "v1-1p1d-tp4-profile.yaml")
	if out, _, code := srtctlRun("dry-run", "-f", good); code != 0 || !strings.Contains(out, "DRY-RUN") {
		t.Errorf("dry-run of a 1.0.x file: %d %q", code, out)
	}
	// P1 traffic keys: srtctl's field errors, as one dict, on stdout.
	p1 := filepath.Join(dir, "p1.yaml")
	if err := os.WriteFile(p1, []byte(jobspectest.ValidP1Disagg), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := srtctlRun("dry-run", "-f", p1)
	want := "Error: Invalid config in " + p1 + ": {'profiling': {'prefill': {'isl': ['Unknown field.'], 'osl': ['Unknown field.'], 'concurrency': ['Unknown field.']}, 'decode': {'isl': ['Unknown field.'], 'osl': ['Unknown field.'], 'concurrency': ['Unknown field.']}}}\n"
	if code != 1 || out != want {
		t.Errorf("P1 file on 1.0.x: %d\n got %q\nwant %q", code, out, want)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(jobspectest.ValidV1Disagg2x2, "decode_workers: 2", "decode_workers: 0", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = srtctlRun("apply", "--json", "-f", bad)
	if code != 1 || out != `{"error":"Invalid config in `+bad+`: Disaggregated mode requires prefill_workers and decode_workers to be \u003e 0.","status":"error"}`+"\n" {
		t.Errorf("apply --json of a refused file: %d %q", code, out)
	}
	if out, _, code := srtctlRun("dry-run", "-f", filepath.Join(dir, "missing.yaml")); code != 1 || out != "Error: Config not found: "+filepath.Join(dir, "missing.yaml")+"\n" {
		t.Errorf("missing file: %d %q", code, out)
	}
}

func TestStandInV2(t *testing.T) {
	sim := repoSim(t)
	dir := todayRoot(t, ReleaseV2)
	if out, _, code := srtctlRun("--version"); code != 0 || out != V2Version+"\n" {
		t.Errorf("--version: %d %q", code, out)
	}
	good := copyTestdata(t, sim, dir, "v2-profiling.yaml")
	if out, _, code := srtctlRun("dry-run", "-f", good); code != 0 || !strings.Contains(out, "DRY-RUN") {
		t.Errorf("dry-run of a 2.x file: %d %q", code, out)
	}
	// The gate prints without "Invalid config in F: ".
	v1 := copyTestdata(t, sim, dir, "v1-1p1d-tp4-profile.yaml")
	out, _, code := srtctlRun("dry-run", "-f", v1)
	if code != 1 || !strings.HasPrefix(out, "Error: recipe has no `schema:` key, which marks the pre-2.0 layout;") {
		t.Errorf("1.0.x file on 2.x: %d %q", code, out)
	}
	// migrate prints the 2.x file; --in-place rewrites it, which then loads.
	out, _, code = srtctlRun("migrate", "-f", v1)
	if code != 0 || !strings.Contains(out, "\nschema: 2\n") || !strings.Contains(out, "roles:") {
		t.Errorf("migrate: %d %.200q", code, out)
	}
	out, _, code = srtctlRun("migrate", "-f", v1, "--in-place")
	if code != 0 || !strings.Contains(out, "schema 1 -> 2") {
		t.Errorf("migrate --in-place: %d %q", code, out)
	}
	if out, _, code := srtctlRun("dry-run", "-f", v1); code != 0 {
		t.Errorf("the migrated file does not load: %d %q", code, out)
	}
}
