package trace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nsysOutput is what `nsys stats --report cuda_gpu_kern_sum --format csv`
// prints (2024 layout): progress lines, a blank line, then the table.
const nsysOutput = `Generating SQLite file /logs/profiles/decode_0.sqlite from /logs/profiles/decode_0.nsys-rep
Processing [/logs/profiles/decode_0.sqlite] with [/opt/nvidia/nsight-systems/2024.5.1/host-linux-x64/reports/cuda_gpu_kern_sum.py]... 

"Time (%)","Total Time (ns)","Instances","Avg (ns)","Med (ns)","Min (ns)","Max (ns)","StdDev (ns)","Name"
"80.5","7720000000","12800","603125.0","600000.0","2240","1360000","1000.5","void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}>(int)>(int)"
"16.9","1620000000","3200","505000.0","505000.0","478000","607000","20.0","cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16_knob_7_64x128x128_4x1x1_cga1x1x1_kernel0_0"
"2.6","250000000","1000","250000.0","250000.0","1000","500000","1.0","nvjet_sm90_tst_64x64_64x13_2x1_v_bz_TNT"
`

// nsysOldOutput is the 2021 gpukernsum layout.
const nsysOldOutput = `"Time(%)","Total Time (ns)","Instances","Average","Minimum","Maximum","StdDev","Name"
"60.0","600","2","300.0","200","400","1.0","kernelA"
"40.0","400","4","100.0","100","100","0.0","kernelB"
`

func TestParseNsysKernelCSV(t *testing.T) {
	s, err := ParseNsysKernelCSV(strings.NewReader(nsysOutput))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Kernels) != 3 || s.GPUEvents != 17000 || s.Kind != KindNsys {
		t.Fatalf("got %d kernels, %d launches", len(s.Kernels), s.GPUEvents)
	}
	k := s.Kernels[0]
	if k.Count != 12800 || k.TotalUS != 7.72e6 || k.MinUS != 2.24 || k.MaxUS != 1360 || ShortName(k.Name) != "at::native::elementwise_kernel" {
		t.Fatalf("first kernel: %+v", k)
	}
	if share := s.Share(k); share < 80.4 || share > 80.6 {
		t.Fatalf("share %v, nsys says 80.5", share)
	}

	old, err := ParseNsysKernelCSV(strings.NewReader(nsysOldOutput))
	if err != nil || len(old.Kernels) != 2 || old.Kernels[0].MinUS != 0.2 || old.Kernels[1].Count != 4 {
		t.Fatalf("old layout: %v %+v", err, old)
	}

	empty, err := ParseNsysKernelCSV(strings.NewReader("Processing...\nSKIPPED: /x/decode_0.sqlite does not contain CUDA kernel data.\n"))
	if err != nil || len(empty.Kernels) != 0 {
		t.Fatalf("report without kernels: %v %+v", err, empty)
	}
	if _, err := ParseNsysKernelCSV(strings.NewReader("ERROR: something else\n")); err == nil {
		t.Fatal("output without a table accepted")
	}
	bad := strings.Replace(nsysOldOutput, `"2","300.0"`, `"two","300.0"`, 1)
	if _, err := ParseNsysKernelCSV(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("bad count: %v", err)
	}
}

// fakeNsys puts an `nsys` on PATH that records its arguments and prints
// the kernel table.
func fakeNsys(t *testing.T) (argsFile string) {
	t.Helper()
	bin := t.TempDir()
	argsFile = filepath.Join(bin, "args")
	out := filepath.Join(bin, "out.csv")
	if err := os.WriteFile(out, []byte(nsysOutput), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\ncat " + out + "\n"
	if err := os.WriteFile(filepath.Join(bin, "nsys"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return argsFile
}

func TestSummarizePathWithNsys(t *testing.T) {
	argsFile := fakeNsys(t)
	report := filepath.Join(t.TempDir(), "decode_3.nsys-rep")
	if err := os.WriteFile(report, []byte("report"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := SummarizePath(ctx, report)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(argsFile)
	if want := "stats\n--report\ncuda_gpu_kern_sum\n--format\ncsv\n" + report + "\n"; string(args) != want {
		t.Fatalf("nsys ran with %q, want %q", args, want)
	}
	if s.Kind != KindNsys || s.Phase != "decode" || s.Rank != "3" || len(s.Kernels) != 3 || s.Size != 6 {
		t.Fatalf("got %+v", s)
	}
}

func TestSummarizePathWithoutNsys(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	report := filepath.Join(dir, "prefill_0.nsys-rep")
	if err := os.WriteFile(report, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := SummarizePath(context.Background(), report)
	if err != nil || s.Kind != KindNsysReport || s.Size != 2048 || s.Phase != "prefill" {
		t.Fatalf("got %+v, %v", s, err)
	}
	if hints := OpenHints("/a b/decode_0.nsys-rep"); !strings.Contains(hints[0], "'/a b/decode_0.nsys-rep'") {
		t.Fatalf("paths are not quoted for the shell: %q", hints)
	}
}

func TestPhaseRankAndFind(t *testing.T) {
	phases := map[string]string{
		"/logs/1/profiles/prefill/1795954250-TP-0.trace.json.gz": "prefill",
		"/logs/1/profiles/decode/x.json":                         "decode",
		"1795954250-TP-0-decode-big.trace.json.gz":               "decode",
		"/logs/profiles/decode_0.nsys-rep":                       "decode",
		"/logs/profiles/aggregated/a.json":                       "aggregated",
		"/home/predecoder/trace.json":                            "",
	}
	for path, want := range phases {
		if got := PhaseOf(path); got != want {
			t.Errorf("PhaseOf(%q) = %q, want %q", path, got, want)
		}
	}
	ranks := map[string]string{
		"1795954250-TP-0-decode.trace.json.gz":   "TP-0",
		"1795954250-TP-12-DP-3.trace.json.gz":    "TP-12-DP-3",
		"/logs/profiles/decode_7.nsys-rep":       "7",
		"/logs/profiles/prefill/trace.json.gz":   "",
		"/logs/STP-1/1795954250-TP-2.trace.json": "TP-2",
	}
	for path, want := range ranks {
		if got := RankOf(path); got != want {
			t.Errorf("RankOf(%q) = %q, want %q", path, got, want)
		}
	}

	dir := t.TempDir()
	for _, f := range []string{"decode/b-TP-0.trace.json.gz", "prefill/a-TP-0.trace.json", "decode_0.nsys-rep", "prefill_0.qdstrm", "notes.txt", "prefill/x.log"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Find([]string{dir, filepath.Join(dir, "notes.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range got {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, r)
	}
	want := "prefill/a-TP-0.trace.json prefill_0.qdstrm decode/b-TP-0.trace.json.gz decode_0.nsys-rep notes.txt"
	if strings.Join(rel, " ") != want {
		t.Fatalf("Find: %q, want %q", strings.Join(rel, " "), want)
	}
	if _, err := Find([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("a missing path is not an error")
	}
}
