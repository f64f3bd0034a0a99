package runner

import (
	"strings"
	"testing"
	"unicode"
)

func TestParseApplyOutput(t *testing.T) {
	cases := []struct{ out, id, dir string }{
		{"\n✅ Job 1234 submitted!\n📁 Logs: /home/u/srt-slurm/logs/1234_1P_1D_20251203_101112\n\n", "1234", "/home/u/srt-slurm/logs/1234_1P_1D_20251203_101112"},
		{"2025-12-03 10:11:12 | INFO | 🚀 Submitting job: x\n\n✅ Job 77 submitted!\n📁 Logs: /r/logs/77_2A_20251203_101112  \n", "77", "/r/logs/77_2A_20251203_101112"},
		{"Submitted batch job 99\n", "99", ""},
		{"✅ Job 5_3 submitted!\n", "5_3", ""},
		{"nothing useful\n", "", ""},
		{"📁 Logs: /with space/logs/1_1P_1D_x\n✅ Job 1 submitted!", "1", "/with space/logs/1_1P_1D_x"},
	}
	for _, c := range cases {
		id, dir := ParseApplyOutput(c.out)
		if id != c.id || dir != c.dir {
			t.Errorf("ParseApplyOutput(%q) = %q, %q; want %q, %q", c.out, id, dir, c.id, c.dir)
		}
	}
}

func FuzzParseApplyOutput(f *testing.F) {
	f.Add("\n✅ Job 1234 submitted!\n📁 Logs: /home/u/logs/1234_1P_1D_20251203_101112\n\n")
	f.Add("Submitted batch job 7\n")
	f.Add("📁 Logs: \n✅ Job  submitted!")
	f.Fuzz(func(t *testing.T, out string) {
		id, dir := ParseApplyOutput(out)
		if id != "" && !ValidJobID(id) {
			t.Fatalf("job id %q is not a SLURM id", id)
		}
		if strings.ContainsAny(dir, "\n") || (dir != "" && strings.TrimSpace(dir) != dir) {
			t.Fatalf("log dir %q spans lines or has outer spaces", dir)
		}
	})
}

func TestSrtctlMessage(t *testing.T) {
	out := "2025-12-03 10:11:12 | INFO | 🚀 Submitting job: x\nInvalid config in /r/jobs/a.yaml: Profiling mode requires single worker only. Got prefill_workers=2\n"
	if got := srtctlMessage(out); got != "Invalid config in /r/jobs/a.yaml: Profiling mode requires single worker only. Got prefill_workers=2" {
		t.Errorf("got %q", got)
	}
	out = "❌ Error submitting job: sbatch failed\nstderr: Batch job submission failed: Requested node configuration is not available\n"
	if got := srtctlMessage(out); got != strings.TrimSpace(out) {
		t.Errorf("got %q", got)
	}
	if got := srtctlMessage("  something odd  \n"); got != "something odd" {
		t.Errorf("got %q", got)
	}
}

func TestParseSqueue(t *testing.T) {
	st, ok := parseSqueue("12", "11|RUNNING|1:00|1|n1|None\n12|PENDING|0:00|2||Resources\n")
	if !ok || st.State != "PENDING" || st.Nodes != 2 || st.Reason != "Resources" || st.Ended {
		t.Fatalf("%+v %v", st, ok)
	}
	if st.Describe() != "PENDING (Resources)" {
		t.Errorf("describe %q", st.Describe())
	}
	st, ok = parseSqueue("12", "12|RUNNING|1-02:03:04|1|localhost|None\n")
	if !ok || st.State != "RUNNING" || st.Elapsed != "1-02:03:04" || st.NodeList != "localhost" {
		t.Fatalf("%+v", st)
	}
	if st.Describe() != "RUNNING 1-02:03:04 on localhost" {
		t.Errorf("describe %q", st.Describe())
	}
	if _, ok := parseSqueue("12", ""); ok {
		t.Error("empty output parsed")
	}
	if _, ok := parseSqueue("1", "12|RUNNING|1:00|1|n|None"); ok {
		t.Error("another job's line taken")
	}
}

// squeue's, sacct's and scontrol's fields reach the terminal in jobs, the
// monitor and the UI: none keeps an escape sequence or a control character.
func TestParsedSlurmFieldsAreSafe(t *testing.T) {
	evil := "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[8m\u202e\t"
	for name, p := range map[string]func() (JobState, bool){
		"squeue": func() (JobState, bool) {
			return parseSqueue("3", "3|RUNNING"+evil+"|1:00"+evil+"|1|node"+evil+"1|None"+evil+"\n")
		},
		"sacct": func() (JobState, bool) {
			return parseSacct("3", "3|FAILED"+evil+"|1:0"+evil+"|1:00|1|node"+evil+"1\n")
		},
		"scontrol": func() (JobState, bool) {
			return parseScontrol("3", "JobId=3 JobState=PENDING"+evil+" Reason=Held"+evil+" NodeList=n"+evil+" ExitCode=0:0"+evil)
		},
	} {
		st, ok := p()
		if !ok {
			t.Fatalf("%s: not parsed", name)
		}
		for _, f := range []string{st.State, st.Reason, st.Elapsed, st.NodeList, st.ExitCode, st.Describe()} {
			if strings.IndexFunc(f, func(r rune) bool { return unicode.IsControl(r) || r == '\u202e' }) >= 0 {
				t.Errorf("%s: %q keeps a control character", name, f)
			}
		}
	}
}

func TestParseSacctAndScontrol(t *testing.T) {
	st, ok := parseSacct("5", "5|CANCELLED by 1001|0:15|00:01:02|1|localhost\n")
	if !ok || st.State != "CANCELLED" || !st.Ended || st.ExitCode != "0:15" || st.Elapsed != "00:01:02" {
		t.Fatalf("%+v", st)
	}
	line := "JobId=7 JobName=x UserId=u(1) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 RunTime=00:00:05 NodeList=localhost NumNodes=1 Command=/a b/c"
	st, ok = parseScontrol("7", line)
	if !ok || st.State != "FAILED" || st.Reason != "NonZeroExitCode" || st.ExitCode != "3:0" || !st.Ended || st.Nodes != 1 {
		t.Fatalf("%+v", st)
	}
	if st.Describe() != "FAILED 00:00:05 on localhost (exit 3:0)" {
		t.Errorf("describe %q", st.Describe())
	}
	if _, ok := parseScontrol("8", line); ok {
		t.Error("wrong job parsed")
	}
	// A job named "x JobState=COMPLETED ExitCode=0:0" cannot pass for a
	// finished one: the line is ambiguous and skipped.
	faked := "JobId=9 JobName=x JobState=COMPLETED ExitCode=0:0 UserId=u(1) JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0 NumNodes=1"
	if st, ok := parseScontrol("9", faked); ok {
		t.Errorf("a job name faked the state: %+v", st)
	}
	if (JobState{State: "UNKNOWN", Ended: true}).Describe() != "ended (state unknown)" {
		t.Error("unknown describe")
	}
}

func FuzzParseSlurm(f *testing.F) {
	f.Add("12", "12|RUNNING|1:00|1|n1|None\n")
	f.Add("5", "5|CANCELLED by 1001|0:15|00:01:02|1|localhost\n")
	f.Add("7", "JobId=7 JobState=FAILED ExitCode=3:0")
	f.Add("8", "8|RUNNING\x1b]52;c;eA==\x07|1:00|1|n\x1b[2J|None\n")
	f.Fuzz(func(t *testing.T, id, out string) {
		for _, p := range []func(string, string) (JobState, bool){parseSqueue, parseSacct, parseScontrol} {
			st, ok := p(id, out)
			if !ok {
				continue
			}
			if st.JobID != id {
				t.Fatalf("parsed job %q for %q", st.JobID, id)
			}
			if strings.IndexFunc(st.State, unicode.IsSpace) >= 0 || strings.ContainsAny(st.State, "+") {
				t.Fatalf("state %q not normalised", st.State)
			}
			if d := st.Describe(); strings.IndexFunc(d, unicode.IsControl) >= 0 {
				t.Fatalf("control character left in %q (from %q)", d, out)
			}
		}
	})
}

func TestSafeStem(t *testing.T) {
	for in, want := range map[string]string{
		"/a/job.yaml":            "job",
		"my job $(x).yaml":       "my_job___x_",
		"../../.hidden.yml":      "hidden",
		"/x/.yaml":               "job",
		strings.Repeat("a", 200): strings.Repeat("a", 60),
	} {
		if got := safeStem(in); got != want {
			t.Errorf("safeStem(%q) = %q, want %q", in, got, want)
		}
	}
}
