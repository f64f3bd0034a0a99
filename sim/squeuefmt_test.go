package sim

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var testNow = time.Date(2025, 12, 3, 10, 0, 0, 0, time.UTC)

func runningJob() *jobRecord {
	return &jobRecord{
		ID: 4211, Name: "gb200-fp8-profiling", User: "alice", Partition: "gpu",
		TimeLimitSecs: 4 * 3600, NumNodes: 2, Nodes: []string{"sim-node-01", "sim-node-02"},
		SubmitTime: testNow.Add(-70 * time.Second), StartTime: testNow.Add(-67 * time.Second),
		State: stateRunning, Reason: "None", ExitCode: "0:0",
	}
}

func TestSqueueFormatFields(t *testing.T) {
	j := runningJob()
	f := parseSqueueFormat("%i|%j|%T|%M|%D|%N|%R|%r|%L|%l|%P|%u|%t")
	got := renderFormat(f, j, testNow)
	want := "4211|gb200-fp8-profiling|RUNNING|1:07|2|sim-node-[01-02]|sim-node-[01-02]|None|3:58:53|4:00:00|gpu|alice|R"
	if got != want {
		t.Errorf("running:\n got %q\nwant %q", got, want)
	}
	hdr := renderFormat(f, nil, testNow)
	if hdr != "JOBID|NAME|STATE|TIME|NODES|NODELIST|NODELIST(REASON)|REASON|TIME_LEFT|TIME_LIMIT|PARTITION|USER|ST" {
		t.Errorf("header %q", hdr)
	}

	p := runningJob()
	p.State, p.Reason, p.StartTime = statePending, "Priority", time.Time{}
	if got := renderFormat(f, p, testNow); got != "4211|gb200-fp8-profiling|PENDING|0:00|2||(Priority)|Priority|4:00:00|4:00:00|gpu|alice|PD" {
		t.Errorf("pending: %q", got)
	}

	c := runningJob()
	c.finish(stateCancelled, "None", "0:15", testNow.Add(-2*time.Second))
	if got := renderFormat(parseSqueueFormat("%T %M %t"), c, testNow); got != "CANCELLED 1:05 CA" {
		t.Errorf("cancelled: %q", got)
	}
}

func TestSqueueDefaultFormatWidths(t *testing.T) {
	f := parseSqueueFormat(squeueDefaultFormat)
	hdr := renderFormat(f, nil, testNow)
	if hdr != "             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)" {
		t.Errorf("header %q", hdr)
	}
	line := renderFormat(f, runningJob(), testNow)
	// %.8j truncates the name to 8 characters, as squeue does.
	if line != "              4211       gpu gb200-fp    alice  R       1:07      2 sim-node-[01-02]" {
		t.Errorf("line %q", line)
	}
}

func TestSqueueFormatEdgeCases(t *testing.T) {
	j := runningJob()
	cases := map[string]string{
		"%%":       "%",
		"100%":     "100%",
		"%5":       "%5",
		"%-5i":     "%-5i", // '-' is not part of squeue's syntax
		"%10i.":    "4211      .",
		"%.3j":     "gb2",
		"%Q":       "", // unknown letter prints nothing
		"x%iy":     "x4211y",
		"%i\t%T":   "4211\tRUNNING",
		"%.10T|%M": "   RUNNING|1:07",
	}
	for format, want := range cases {
		if got := renderFormat(parseSqueueFormat(format), j, testNow); got != want {
			t.Errorf("format %q: got %q, want %q", format, got, want)
		}
	}
}

func TestParseSqueueArgs(t *testing.T) {
	o, err := parseSqueueArgs([]string{"-h", "-j", "12,13", "-t", "all", "-o", "%i %T"})
	if err != nil || !o.noHeader || len(o.jobIDs) != 2 || o.format != "%i %T" || !o.states[stateCancelled] {
		t.Fatalf("got %+v, %v", o, err)
	}
	o, err = parseSqueueArgs([]string{"--noheader", "--jobs=7", "--format=%T", "--states=R,PD"})
	if err != nil || !o.noHeader || o.jobIDs[0] != 7 || o.format != "%T" || !o.states[stateRunning] || o.states[stateCompleted] {
		t.Fatalf("long forms: %+v, %v", o, err)
	}
	o, err = parseSqueueArgs([]string{"-hj7", "-o%i"})
	if err != nil || !o.noHeader || len(o.jobIDs) != 1 || o.jobIDs[0] != 7 || o.format != "%i" {
		t.Fatalf("joined short flags: %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"--bogus"}, {"-j"}, {"-j", "x"}, {"-t", "WHATEVER"}} {
		if _, err := parseSqueueArgs(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func FuzzSqueueFormat(f *testing.F) {
	for _, s := range []string{squeueDefaultFormat, "%i|%T|%M", "%%%", "%.", "%.99999999999i", "%.18", "a%zb%Ac"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, format string) {
		fields := parseSqueueFormat(format)
		line := renderFormat(fields, runningJob(), testNow)
		_ = renderFormat(fields, nil, testNow)
		if len(line) > len(format)*(1<<16)+64 {
			t.Fatalf("output of %d bytes for a %d-byte format", len(line), len(format))
		}
		// A format without '%' is printed as it is.
		if !strings.Contains(format, "%") && line != format {
			t.Fatalf("literal %q printed as %q", format, line)
		}
		if utf8.ValidString(format) && !strings.Contains(format, "%") && !utf8.ValidString(line) {
			t.Fatalf("invalid UTF-8 from %q", format)
		}
	})
}
