package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// How a job ended, asked once it left the queue, on the real cluster (which
// keeps accounting with slurmdbd): sacct answers; on a cluster without
// accounting (the same connection told so) scontrol gives the same answer.
func TestStateOfAnEndedJobFromSacctAndScontrol(t *testing.T) {
	tc := needCluster(t)
	conn := connect(t, tc.cluster(t, 40), ConnectOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, _, err := conn.Run(ctx, "sbatch", "--parsable", "-o", "/dev/null", "-J", "srtctl-tui-acct", "--wrap", "sleep 1; exit 3")
	if err != nil {
		t.Fatalf("sbatch: %v", err)
	}
	id := strings.TrimSpace(string(out))
	tc.scancelLater(t, id)

	var st JobState
	waitFor(t, 40*time.Second, 300*time.Millisecond, "the job to fail", func() (bool, string) {
		conn.forgetState(id)
		st, err = conn.State(ctx, id)
		return err == nil && st.Ended && st.Source == "sacct", st.State + " from " + st.Source
	})
	if st.State != "FAILED" || st.ExitCode != "3:0" || st.NodeList != "localhost" || st.Nodes != 1 {
		t.Fatalf("sacct's answer: %+v", st)
	}

	conn.forgetState(id)
	conn.stateMu.Lock()
	conn.noAccounting = true
	conn.stateMu.Unlock()
	st2, err := conn.State(ctx, id)
	if err != nil || st2.Source != "scontrol" {
		t.Fatalf("without accounting: %+v %v", st2, err)
	}
	if st2.State != st.State || st2.ExitCode != st.ExitCode || !st2.Ended {
		t.Fatalf("scontrol says %+v, sacct said %+v", st2, st)
	}

	// The history's list asks the same way.
	conn.forgetState(id)
	conn.stateMu.Lock()
	conn.noAccounting = false
	conn.stateMu.Unlock()
	all, err := conn.States(ctx, []string{id})
	if err != nil || all[id].Source != "sacct" || all[id].State != "FAILED" {
		t.Fatalf("States: %+v %v", all, err)
	}
}

// Accounting lags the queue by a second or two: for a job squeue no longer
// lists, sacct may still say RUNNING. Then scontrol's final answer wins, and
// sacct's stands only when scontrol knows nothing. (SLURM's commands are
// stand-ins here: the real race cannot be produced on demand.)
func TestSacctLaggingBehindTheQueue(t *testing.T) {
	bin := t.TempDir()
	scontrolAnswer := filepath.Join(t.TempDir(), "scontrol.out")
	for name, script := range map[string]string{
		"squeue":   "#!/bin/sh\nexit 0\n",
		"sacct":    "#!/bin/sh\necho '77|RUNNING|0:0|00:01:00|1|node1'\necho '78|RUNNING|0:0|00:02:00|1|node2'\n",
		"scontrol": "#!/bin/sh\ncat " + scontrolAnswer + "\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(scontrolAnswer, []byte("JobId=77 JobName=x JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:01:01 NodeList=node1 NumNodes=1\n"), 0o644)
	cl := Cluster{Name: "local", Local: true, SrtctlRoot: t.TempDir(), Env: map[string]string{"PATH": bin + ":" + os.Getenv("PATH")}}
	conn, err := Connect(context.Background(), cl, ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()

	st, err := conn.State(ctx, "77")
	if err != nil || st.State != "COMPLETED" || !st.Ended || st.Source != "scontrol" {
		t.Fatalf("job 77 (scontrol knows it ended): %+v %v", st, err)
	}
	st, err = conn.State(ctx, "78")
	if err != nil || st.State != "RUNNING" || st.Ended || st.Source != "sacct" {
		t.Fatalf("job 78 (only sacct knows it): %+v %v", st, err)
	}
	conn.forgetState("77")
	conn.forgetState("78")
	all, err := conn.States(ctx, []string{"77", "78"})
	if err != nil || all["77"].Source != "scontrol" || all["77"].State != "COMPLETED" || all["78"].Source != "sacct" || all["78"].State != "RUNNING" {
		t.Fatalf("States: %+v %v", all, err)
	}
}

// A job that just ended, on a cluster without accounting, whose name fakes
// scontrol's words ("x JobState=COMPLETED"): its state comes from squeue
// -t all, in '|'-separated fields no name can fake. (scontrol's line is
// real SLURM's order; SLURM's commands are stand-ins to make the name.)
func TestEndedJobStateCannotBeFakedByItsName(t *testing.T) {
	bin := t.TempDir()
	for name, script := range map[string]string{
		// Only a query of every state lists the ended job, as SLURM does.
		"squeue": "#!/bin/sh\ncase \"$*\" in *'-t all'*) echo '91|FAILED|0:07|1|node1|NonZeroExitCode' ;; esac\n",
		"sacct":  "#!/bin/sh\necho 'sacct: error: Slurm accounting storage is disabled' >&2\nexit 1\n",
		"scontrol": "#!/bin/sh\necho 'JobId=91 JobName=x JobState=COMPLETED ExitCode=0:0 UserId=u(1) GroupId=g(1) MCS_label=N/A " +
			"Priority=1 Nice=0 Account=a QOS=normal JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 RunTime=00:00:07 NumNodes=1 NodeList=node1'\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cl := Cluster{Name: "local", Local: true, SrtctlRoot: t.TempDir(), Env: map[string]string{"PATH": bin + ":" + os.Getenv("PATH")}}
	conn, err := Connect(context.Background(), cl, ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	st, err := conn.State(context.Background(), "91")
	if err != nil || st.State != "FAILED" || !st.Ended || st.Source != "squeue" {
		t.Fatalf("State: %+v %v, want FAILED from squeue", st, err)
	}
	conn.forgetState("91")
	all, err := conn.States(context.Background(), []string{"91"})
	if err != nil || all["91"].State != "FAILED" || all["91"].Source != "squeue" {
		t.Fatalf("States: %+v %v, want FAILED from squeue", all, err)
	}
}
