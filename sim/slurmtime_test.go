package sim

import (
	"slices"
	"testing"
	"time"
)

func TestSlurmDuration(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{0, "0:00"},
		{7 * time.Second, "0:07"},
		{62 * time.Second, "1:02"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
		{26*time.Hour + 3*time.Minute + 4*time.Second, "1-02:03:04"},
		{-5 * time.Second, "0:00"},
		{4 * time.Hour, "4:00:00"},
		{30 * time.Minute, "30:00"},
	}
	for _, c := range cases {
		if got := slurmDuration(c.d); got != c.want {
			t.Errorf("slurmDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestScontrolDuration(t *testing.T) {
	if got := scontrolDuration(7 * time.Second); got != "00:00:07" {
		t.Errorf("got %q", got)
	}
	if got := scontrolDuration(4 * time.Hour); got != "04:00:00" {
		t.Errorf("got %q", got)
	}
	if got := scontrolDuration(49*time.Hour + time.Second); got != "2-01:00:01" {
		t.Errorf("got %q", got)
	}
}

func TestParseTimeLimit(t *testing.T) {
	cases := map[string]time.Duration{
		"30":         30 * time.Minute,
		"30:15":      30*time.Minute + 15*time.Second,
		"04:00:00":   4 * time.Hour,
		"2:00:00":    2 * time.Hour,
		"1-12":       36 * time.Hour,
		"1-00:30":    24*time.Hour + 30*time.Minute,
		"1-00:00:05": 24*time.Hour + 5*time.Second,
		"UNLIMITED":  0,
	}
	for in, want := range cases {
		got, ok := parseTimeLimit(in)
		if !ok || got != want {
			t.Errorf("parseTimeLimit(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "abc", "1:2:3:4", "-5", "0:00:00", "x-1"} {
		if _, ok := parseTimeLimit(bad); ok {
			t.Errorf("parseTimeLimit(%q) accepted", bad)
		}
	}
}

func TestNodeListRoundTrip(t *testing.T) {
	cases := map[string][]string{
		"sim-node-[01-03]":     {"sim-node-01", "sim-node-02", "sim-node-03"},
		"sim-node-[01-02,05]":  {"sim-node-01", "sim-node-02", "sim-node-05"},
		"localhost":            {"localhost"},
		"gpu[1-2],cpu7":        {"gpu1", "gpu2", "cpu7"},
		"rack[08-10]-a,login1": {"rack08-a", "rack09-a", "rack10-a", "login1"},
	}
	for in, want := range cases {
		got, err := expandNodeList(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("expandNodeList(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got := compressNodeList([]string{"sim-node-01", "sim-node-02", "sim-node-03", "sim-node-05"}); got != "sim-node-[01-03,05]" {
		t.Errorf("compress = %q", got)
	}
	if got := compressNodeList([]string{"a1", "b2"}); got != "a1,b2" {
		t.Errorf("compress of unrelated names = %q", got)
	}
	for _, bad := range []string{"n[1-", "n[3-1]", "n[a-b]", "n[0-99999999]"} {
		if _, err := expandNodeList(bad); err == nil {
			t.Errorf("expandNodeList(%q) accepted", bad)
		}
	}
}

func FuzzExpandNodeList(f *testing.F) {
	for _, s := range []string{"sim-node-[01-03]", "a[1,3-4]b,c", "n[", "]", "x[0-0]", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nodes, err := expandNodeList(s)
		if err != nil {
			return
		}
		if len(nodes) > maxExpandedNodes {
			t.Fatalf("%d nodes from %q", len(nodes), s)
		}
		// What compress writes, expand reads back.
		if len(nodes) > 0 {
			back, err := expandNodeList(compressNodeList(nodes))
			if err == nil && len(back) != len(nodes) {
				t.Fatalf("round trip of %q: %v -> %v", s, nodes, back)
			}
		}
	})
}
