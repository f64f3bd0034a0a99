package runner

import (
	"strings"
	"testing"
)

func TestParseApplyOutputJoinsRichWrappedLogsPath(t *testing.T) {
	dir := "/home/alice/" + strings.Repeat("very-long-directory/", 5) + "outputs/81234/logs"
	cases := map[string]string{
		// The path does not fit beside the label: Rich moves it down and
		// folds it at 80 cells.
		"moved and folded": "🚀 Submitting: x\n✅ Job 81234 submitted!\n📁 Logs:\n" + dir[:80] + "\n" + dir[80:] +
			"\n📋 Monitor: tail -f " + dir + "/sweep_81234.log\n📊 Queue: squeue --job 81234\n\nRunning:\n",
		"one line":  "✅ Job 81234 submitted!\n📁 Logs: " + dir + "\n📋 Monitor: tail -f x\n",
		"last line": "✅ Job 81234 submitted!\n📁 Logs:\n" + dir[:40] + "\n" + dir[40:],
	}
	for name, out := range cases {
		id, got := ParseApplyOutput(out)
		if id != "81234" || got != dir {
			t.Errorf("%s: got id %q dir %q, want %q", name, id, got, dir)
		}
	}
}

func TestApplyJSONReadsTheSubmittedLine(t *testing.T) {
	out := `{"status": "submitted", "slurm_job_id": "77", "job_name": "n", "output_dir": "/o/77", "metadata_path": "/o/77/77.json", "config_path": "f.yaml", "tags": null}` + "\n"
	rec, ok := applyJSON("noise\n" + out)
	if !ok || rec.SlurmJobID != "77" || rec.OutputDir != "/o/77" {
		t.Fatalf("got %+v %v", rec, ok)
	}
	rec, ok = applyJSON(`{"status": "error", "error": "Invalid config in f.yaml: boom"}`)
	if !ok || rec.Status != "error" || rec.Error != "Invalid config in f.yaml: boom" {
		t.Fatalf("got %+v %v", rec, ok)
	}
	if _, ok := applyJSON(`{"status": "submitted", "slurm_job_id": "7; rm -rf /"}`); ok {
		t.Fatal("a job id that is not one was accepted")
	}
}

func FuzzApplyJSON(f *testing.F) {
	f.Add(`{"status": "submitted", "slurm_job_id": "77", "output_dir": "/o/77"}`)
	f.Add(`{"status": "error", "error": "x"}` + "\n" + `{"status": "no-submissions"}`)
	f.Add("📁 Logs:\n/a/b\nc/logs\n")
	f.Fuzz(func(t *testing.T, out string) {
		rec, ok := applyJSON(out)
		if ok && rec.Status == "submitted" && !ValidJobID(rec.SlurmJobID) {
			t.Fatalf("accepted job id %q", rec.SlurmJobID)
		}
		if j := joinWrappedLogs(out); strings.ContainsAny(j, " \t\n") {
			t.Fatalf("joined path %q has blanks", j)
		}
	})
}
