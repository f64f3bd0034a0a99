package runner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeSrtctl is a shell stand-in for srtctl on the local transport: it
// answers apply like P1 srtctl, refusing files that contain "refuse-me".
const fakeSrtctl = `#!/bin/sh
[ "$1" = apply ] && [ "$2" = -f ] || { echo "usage: srtctl apply -f FILE" >&2; exit 2; }
if grep -q refuse-me "$3"; then
	echo "2025-12-03 10:11:12 | INFO | 🚀 Submitting job: x" >&2
	echo "Invalid config in $3: Profiling mode requires single worker only. Got prefill_workers=2"
	exit 1
fi
dir="$(pwd)/logs/4242_1P_1D_20251203_101112"
mkdir -p "$dir"
printf '\n✅ Job 4242 submitted!\n📁 Logs: %s\n\n' "$dir"
echo "2025-12-03 10:11:12 | INFO | 🚀 Submitting job: x" >&2
`

func localCluster(t *testing.T) Cluster {
	t.Helper()
	root := t.TempDir()
	bin := filepath.Join(t.TempDir(), "bin")
	os.Mkdir(bin, 0o755)
	if err := os.WriteFile(filepath.Join(bin, "srtctl"), []byte(fakeSrtctl), 0o755); err != nil {
		t.Fatal(err)
	}
	return Cluster{Name: "local", Local: true, SrtctlRoot: root, Env: map[string]string{"PATH": bin + ":" + os.Getenv("PATH")}}
}

func TestLocalSubmit(t *testing.T) {
	cl := localCluster(t)
	hist := OpenHistory(filepath.Join(t.TempDir(), "h.jsonl"))
	conn, err := Connect(context.Background(), cl, ConnectOptions{History: hist})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	job := filepath.Join(t.TempDir(), "my job.yaml")
	os.WriteFile(job, []byte("name: \"local test\"\n"), 0o644)
	sub, err := conn.Submit(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if sub.JobID != "4242" || sub.LogDir != filepath.Join(cl.SrtctlRoot, "logs", "4242_1P_1D_20251203_101112") || sub.Name != "local test" {
		t.Fatalf("%+v", sub)
	}
	if !strings.HasPrefix(sub.RemoteJobFile, filepath.Join(cl.SrtctlRoot, "jobs", "my_job_")) {
		t.Errorf("remote job file %s", sub.RemoteJobFile)
	}
	if entries, _ := os.ReadDir(filepath.Join(cl.SrtctlRoot, "jobs")); len(entries) != 1 {
		t.Errorf("jobs dir holds %v (a temporary file left?)", entries)
	}
	if e, ok, _ := hist.Find("local", "4242"); !ok || e.LogDir != sub.LogDir {
		t.Errorf("history %+v", e)
	}

	os.WriteFile(job, []byte("name: refuse-me\n"), 0o644)
	_, err = conn.Submit(context.Background(), job)
	var se *SubmitError
	// srtctl read the upload; the message names the user's file.
	if !errors.As(err, &se) || se.Message != "Invalid config in "+job+": Profiling mode requires single worker only. Got prefill_workers=2" ||
		!strings.Contains(se.Output, "Invalid config in "+cl.SrtctlRoot+"/jobs/my_job_") {
		t.Fatalf("rejection: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(cl.SrtctlRoot, "jobs")); len(entries) != 1 {
		t.Errorf("rejected job file kept: %v", entries)
	}
}

func TestLocalRunErrorsNameClusterAndCommand(t *testing.T) {
	cl := localCluster(t)
	conn, _ := Connect(context.Background(), cl, ConnectOptions{})
	_, _, err := conn.Run(context.Background(), "sh", "-c", "echo boom >&2; exit 3")
	var ce *CommandError
	if !errors.As(err, &ce) || ce.ExitCode != 3 || err.Error() != `cluster local: sh -c 'echo boom >&2; exit 3': boom` {
		t.Fatalf("%v", err)
	}
	_, _, err = conn.Run(context.Background(), "no-such-tool-xyz")
	if err == nil || !strings.Contains(err.Error(), "cluster local: no-such-tool-xyz: no-such-tool-xyz: command not found") {
		t.Fatalf("%v", err)
	}
	// The cluster's PATH (Env) is the one searched.
	out, _, err := conn.Run(context.Background(), "srtctl")
	if err == nil || !strings.Contains(string(out)+err.Error(), "usage: srtctl apply") {
		t.Fatalf("srtctl from Env PATH not run: %v %s", err, out)
	}
}

func TestLocalFetchSkipsResumesAndChecks(t *testing.T) {
	cl := localCluster(t)
	conn, _ := Connect(context.Background(), cl, ConnectOptions{})
	remote := filepath.Join(cl.SrtctlRoot, "profiles")
	files := map[string][]byte{
		"prefill/1-TP-0-prefill.trace.json.gz": bytes.Repeat([]byte("p"), 300_000),
		"decode/1-TP-0-decode.trace.json.gz":   bytes.Repeat([]byte("d"), 70_000),
		"decode/empty.json":                    nil,
	}
	for rel, data := range files {
		p := filepath.Join(remote, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, data, 0o644)
	}
	os.Symlink("/etc/passwd", filepath.Join(remote, "decode", "link.json"))
	local := filepath.Join(t.TempDir(), "profiles", "4242")
	ctx := context.Background()

	res, err := conn.Fetch(ctx, remote, local, nil)
	if err != nil || res.Files != 3 || res.Copied != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	for rel, data := range files {
		got, err := os.ReadFile(filepath.Join(local, rel))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s differs: %v", rel, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(local, "decode", "link.json")); err == nil {
		t.Error("a symbolic link was followed")
	}

	// Partial: resume from the .part; a wrong-size final file: copied again.
	big := filepath.Join(local, "prefill", "1-TP-0-prefill.trace.json.gz")
	os.Remove(big)
	os.WriteFile(big+".part", bytes.Repeat([]byte("p"), 100_000), 0o644)
	os.WriteFile(filepath.Join(local, "decode", "1-TP-0-decode.trace.json.gz"), []byte("short"), 0o644)
	res, err = conn.Fetch(ctx, remote, local, nil)
	if err != nil || res.Resumed != 1 || res.Copied != 2 || res.Skipped != 1 || res.Bytes != 200_000+70_000 {
		t.Fatalf("%+v %v", res, err)
	}
	if got, _ := os.ReadFile(big); !bytes.Equal(got, files["prefill/1-TP-0-prefill.trace.json.gz"]) {
		t.Error("resumed file differs")
	}
	if _, err := os.Stat(big + ".part"); err == nil {
		t.Error(".part left behind")
	}

	// A file that grows after the listing fails the final size check.
	grow := filepath.Join(remote, "decode", "1-TP-0-decode.trace.json.gz")
	grown := false
	os.Remove(filepath.Join(local, "decode", "1-TP-0-decode.trace.json.gz"))
	_, err = conn.Fetch(ctx, remote, local, func(done, total int64, file string) {
		if file == "prefill/1-TP-0-prefill.trace.json.gz" && !grown {
			grown = true
			f, _ := os.OpenFile(grow, os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte("more"))
			f.Close()
		}
	})
	if err == nil || !strings.Contains(err.Error(), "decode/1-TP-0-decode.trace.json.gz: 70000 bytes here, 70004 on the cluster") {
		t.Fatalf("growing file: %v", err)
	}

	ctx2, cancel := context.WithTimeout(ctx, time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	if _, err := conn.Fetch(ctx2, remote, filepath.Join(t.TempDir(), "x"), nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled fetch: %v", err)
	}
}
