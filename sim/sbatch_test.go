package sim

import (
	"testing"
	"time"
)

func TestSbatchOptions(t *testing.T) {
	script := []byte("#!/bin/bash\n#SBATCH --job-name=from-script\n#SBATCH -N 2\n#SBATCH --time 01:00:00\n#SBATCH --output=o-%j.out\n\n#SBATCH --partition=ignored-after-command\necho hi\n#SBATCH --nodes=9\n")
	var fromScript sbatchRequest
	if err := readSbatchDirectives(&fromScript, script); err != nil {
		t.Fatal(err)
	}
	if fromScript.name != "from-script" || fromScript.nodes != 2 || fromScript.timeLimit != "01:00:00" || fromScript.output != "o-%j.out" || fromScript.partition != "ignored-after-command" {
		t.Errorf("directives: %+v", fromScript)
	}
	var cli sbatchRequest
	path, err := parseSbatchArgs(&cli, []string{"--job-name=a b; $(x)", "-t", "30", "--parsable", "-pgpu", "job.sh", "arg"})
	if err != nil || path != "job.sh" || cli.name != "a b; $(x)" || cli.timeLimit != "30" || !cli.parsable || cli.partition != "gpu" {
		t.Errorf("cli: %q %+v %v", path, cli, err)
	}
	mergeRequest(&fromScript, &cli)
	if fromScript.name != "a b; $(x)" || fromScript.nodes != 2 || fromScript.timeLimit != "30" {
		t.Errorf("command line does not win: %+v", fromScript)
	}
	for _, bad := range [][]string{{"--time=soon", "x.sh"}, {"--bogus", "x.sh"}, {"-N", "0", "x.sh"}, {"--parsable"}} {
		var r sbatchRequest
		if _, err := parseSbatchArgs(&r, bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	j := &jobRecord{ID: 42, Name: "n", User: "u"}
	if got := expandOutputPath("/wd", "logs/%x-%j.out", j); got != "/wd/logs/n-42.out" {
		t.Errorf("output path %q", got)
	}
}

func TestJobRecordFinishKeepsFirstEnd(t *testing.T) {
	j := runningJob()
	if !j.finish(stateCancelled, "None", "0:15", testNow) {
		t.Fatal("running job did not finish")
	}
	if j.finish(stateCompleted, "None", "0:0", testNow.Add(time.Second)) || j.State != stateCancelled || j.ExitCode != "0:15" {
		t.Errorf("a later end overwrote the first: %+v", j)
	}
	if j.purged(testNow.Add(minJobAge)) || !j.purged(testNow.Add(minJobAge+time.Second)) {
		t.Error("MinJobAge not honoured")
	}
}

func FuzzSbatchDirectives(f *testing.F) {
	f.Add("#!/bin/bash\n#SBATCH --job-name=x\n#SBATCH -N 3\n#SBATCH --time=1-00:00:00\n")
	f.Add("#SBATCH\n#SBATCH -\n#SBATCH --nodes\n#SBATCH -t")
	f.Fuzz(func(t *testing.T, script string) {
		var r sbatchRequest
		if err := readSbatchDirectives(&r, []byte(script)); err != nil {
			return
		}
		if r.nodes < 0 {
			t.Fatalf("negative nodes from %q", script)
		}
		if r.timeLimit != "" {
			if _, ok := parseTimeLimit(r.timeLimit); !ok {
				t.Fatalf("accepted time %q", r.timeLimit)
			}
		}
	})
}
