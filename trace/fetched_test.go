package trace

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFetchedBaseFindsProfilesAboveTheRunFolder(t *testing.T) {
	for _, c := range []struct {
		paths     []string
		base, run string
		ok        bool
	}{
		{[]string{"profiles/12/prefill/a.json.gz", "profiles/12/decode/b.json.gz"}, "profiles", "profiles/12", true},
		{[]string{"/x/profiles/12/a.json.gz"}, "/x/profiles", "/x/profiles/12", true},
		{[]string{"/x/profiles/12/prefill/a.json.gz", "/x/profiles/13/prefill/b.json.gz"}, "", "", false}, // two runs: no one folder
		{[]string{"logs/12/profiles/a.json.gz"}, "", "", false},
		{[]string{"traces/a.json.gz"}, "", "", false},
		{nil, "", "", false},
	} {
		base, run, ok := FetchedBase(c.paths)
		if base != c.base || run != c.run || ok != c.ok {
			t.Errorf("FetchedBase(%q) = %q, %q, %v; want %q, %q, %v", c.paths, base, run, ok, c.base, c.run, c.ok)
		}
	}
}

func TestFetchedRunsNewestFirstSkippingThisAndEmpty(t *testing.T) {
	base := t.TempDir()
	put := func(rel string, age time.Duration) {
		p := filepath.Join(base, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		when := time.Now().Add(-age)
		if err := os.Chtimes(p, when, when); err != nil {
			t.Fatal(err)
		}
	}
	put("1/prefill/x-TP-0-prefill.trace.json.gz", 2*time.Hour)
	put("1/decode/x-TP-0-decode.trace.json.gz", 3*time.Hour)
	put("2/y.json", time.Hour)
	put("3/notes.txt", 0)
	put("4/z-decode.json.gz", 0)
	runs, err := FetchedRuns(base, filepath.Join(base, "4"))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].ID != "2" || runs[1].ID != "1" {
		t.Fatalf("runs: %+v", runs)
	}
	if got := runs[1].Phases; len(got) != 2 || got[0] != "prefill" || got[1] != "decode" {
		t.Fatalf("phases of 1: %q", got)
	}
	if got := runs[0].Phases; len(got) != 1 || got[0] != "" {
		t.Fatalf("phases of 2: %q", got)
	}
	if d := time.Since(runs[1].Time); d < 2*time.Hour-time.Minute || d > 2*time.Hour+time.Minute {
		t.Fatalf("time of 1 is %v ago, want its newest file's (2h)", d)
	}
}
