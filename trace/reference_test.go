package trace

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// python3 runs the reference; CI has it, so its absence is a failure.
func python3(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		t.Fatal("python3 is needed to compare with reference_summary.py")
	}
	return p
}

// runReference runs reference_summary.py on path and returns its output.
func runReference(t *testing.T, path string, args ...string) []byte {
	t.Helper()
	script := sharedTrace(t, "reference_summary.py")
	cmd := exec.Command(python3(t), append([]string{script, path}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference_summary.py %s: %v: %s", path, err, stderr.String())
	}
	return out
}

func ourJSON(t *testing.T, path string, top int) []byte {
	t.Helper()
	sum, err := SummarizeFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ref, full bytes.Buffer
	if err := writeJSON(&ref, []*FileSummary{sum}, JSONOptions{Top: top, ReferenceOnly: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&full, []*FileSummary{sum}, top); err != nil {
		t.Fatal(err)
	}
	// The full output is the reference's members, then the analyses.
	if head := bytes.TrimSuffix(ref.Bytes(), []byte("\n}\n")); !bytes.HasPrefix(full.Bytes(), head) {
		t.Fatalf("the full JSON does not start with the reference's members:\n%s", firstDiff(full.Bytes(), ref.Bytes()))
	}
	return ref.Bytes()
}

// firstDiff shows the first line where two outputs differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, gl, wl)
		}
	}
	return "same lines, different bytes"
}

// TestMatchesReferenceScript: on every real trace the --json output is
// byte for byte what reference_summary.py prints.
func TestMatchesReferenceScript(t *testing.T) {
	for _, path := range sharedTraces(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel() // the script takes seconds on the big trace
			want := runReference(t, path)
			got := ourJSON(t, path, 20)
			if !bytes.Equal(got, want) {
				t.Fatalf("differs from reference_summary.py: %s", firstDiff(got, want))
			}
		})
	}
	t.Run("top 3", func(t *testing.T) {
		path := sharedTrace(t, "1795954250-TP-0-prefill.trace.json.gz")
		if got, want := ourJSON(t, path, 3), runReference(t, path, "3"); !bytes.Equal(got, want) {
			t.Fatalf("differs from reference_summary.py 3: %s", firstDiff(got, want))
		}
	})
}

// TestMatchesReferenceOnSyntheticTraces covers what the real traces do not:
// overlapping and touching intervals across streams, memcpy and memset,
// names with escapes and non-ASCII, integers, large and tiny values, a
// top-level array, no GPU events at all, plain and gzipped files.
func TestMatchesReferenceOnSyntheticTraces(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 24 {
		name := fmt.Sprintf("synthetic-%02d.trace.json", i)
		if i%2 == 1 {
			name += ".gz"
		}
		path := filepath.Join(dir, name)
		writeTrace(t, path, syntheticTrace(rng, i))
		t.Run(name, func(t *testing.T) {
			want := runReference(t, path)
			got := ourJSON(t, path, 20)
			if !bytes.Equal(got, want) {
				t.Fatalf("differs from reference_summary.py: %s", firstDiff(got, want))
			}
		})
	}
}

func writeTrace(t *testing.T, path string, doc string) {
	t.Helper()
	data := []byte(doc)
	if strings.HasSuffix(path, ".gz") {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// syntheticTrace builds a trace with random GPU work on three streams.
func syntheticTrace(rng *rand.Rand, variant int) string {
	names := []string{
		"void at::native::elementwise_kernel<128, 4>(int)",
		"nvjet_sm90_tst_192x192_64x4_1x2_h_bz_coopB_TNN",
		`quote " and backslash \ name`,
		"non-ASCII µs → ✓ 😀",
		"tab\tand\nnewline",
		"Memcpy DtoD (Device -> Device)",
	}
	cats := []string{"kernel", "kernel", "kernel", "gpu_memcpy", "gpu_memset", "cpu_op", "cuda_runtime"}
	var events []string
	n := 1 + rng.IntN(400)
	if variant == 0 {
		n = 0 // no GPU work at all
	}
	base := 5097228756155.837 + float64(variant)*1e6
	for range n {
		stream := rng.IntN(3)
		ts := base + float64(rng.IntN(200000))/1000
		var dur string
		switch rng.IntN(6) {
		case 0:
			dur = strconv.Itoa(rng.IntN(50)) // an integer
		case 1:
			dur = "0"
		case 2:
			dur = strconv.FormatFloat(rng.Float64()*1e-4, 'g', -1, 64) // tiny
		default:
			dur = strconv.FormatFloat(float64(rng.IntN(2000000))/1000, 'f', 3, 64)
		}
		if rng.IntN(4) == 0 {
			base = ts // touching and overlapping intervals
		}
		name, _ := jsonString(names[rng.IntN(len(names))])
		ev := fmt.Sprintf(`{"ph": "X", "cat": %q, "name": %s, "pid": 0, "tid": %d, "ts": %s, "dur": %s, "args": {"stream": %d, "grid": [1, 2, 3], "x": {"y": "}]"}}}`,
			cats[rng.IntN(len(cats))], name, stream, strconv.FormatFloat(ts, 'f', 3, 64), dur, stream)
		events = append(events, ev)
		if rng.IntN(10) == 0 {
			events = append(events, fmt.Sprintf(`{"ph": "f", "cat": "ac2g", "name": "ac2g", "ts": %s, "bp": "e"}`, strconv.FormatFloat(ts, 'f', 3, 64)))
		}
	}
	list := "[\n" + strings.Join(events, ",\n") + "\n]"
	if variant%5 == 4 {
		return list // a bare array of events
	}
	return `{"schemaVersion": 1, "deviceProperties": [{"name": "H200"}], "traceEvents": ` + list + `, "traceName": "x"}`
}

// jsonString quotes s as JSON with \u escapes for non-ASCII, like torch.
func jsonString(s string) (string, error) {
	var b strings.Builder
	pyString(&b, s)
	return b.String(), nil
}

// TestPythonRounding: round3 and pyFloat print what Python's
// json.dumps(round(x, 3)) prints, ties, exponents and signs included.
func TestPythonRounding(t *testing.T) {
	py := python3(t)
	values := []float64{0, math.Copysign(0, -1), 0.0625, 2.675, 1.0005, 0.0005, 0.0015, -0.0005, 1e16, 1e15 + 0.5,
		12345678901234567, 1e-5, 1.5e-5, 0.0001, 1e300, -1e300, 5e-324, 9583057.964, 11636697.796, 123.4565,
		math.Inf(1), math.Inf(-1), math.NaN(), 99999999999999.9995, 0.1 + 0.2}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		values = append(values, math.Ldexp(rng.Float64(), rng.IntN(120)-40)*float64(1-2*rng.IntN(2)))
		values = append(values, float64(rng.IntN(1e9))/1e4+0.0005) // near ties
	}
	var in strings.Builder
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			fmt.Fprintf(&in, "%v\n", v)
		} else {
			in.WriteString(strconv.FormatFloat(v, 'x', -1, 64) + "\n")
		}
	}
	prog := `import json, sys
for line in sys.stdin:
    s = line.strip()
    x = float(s) if s in ("NaN", "+Inf", "-Inf") or not s.startswith(("0x", "-0x")) else float.fromhex(s)
    print(json.dumps(round(x, 3)))`
	cmd := exec.Command(py, "-c", strings.ReplaceAll(prog, `"+Inf"`, `"+Inf", "Inf"`))
	cmd.Stdin = strings.NewReader(strings.ReplaceAll(in.String(), "+Inf", "inf"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(values) {
		t.Fatalf("python printed %d lines for %d values", len(lines), len(values))
	}
	for i, v := range values {
		if got := pyFloat(round3(v)); got != lines[i] {
			t.Errorf("round(%v, 3): got %s, Python %s", v, got, lines[i])
		}
	}
}
