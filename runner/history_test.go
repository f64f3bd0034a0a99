package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// One damaged line (a job id squeue would refuse, which used to fail the
// state query of every job of its cluster; a line too long for the
// reader, which used to fail the whole history) is skipped and named by
// file:line; the entries around it stay.
func TestDamagedHistoryLinesAreSkippedAndNamed(t *testing.T) {
	p := filepath.Join(t.TempDir(), "history.jsonl")
	lines := []string{
		`{"cluster":"a","id":"1","time":"2026-01-01T00:00:00Z"}`,
		`{"cluster":"a","id":"12; rm -rf ~","time":"2026-01-01T00:00:00Z"}`,
		`{"cluster":"a","id":"` + strings.Repeat("9", 2<<20) + `"}`,
		`{"cluster":"x\u001b[2J","id":"3"}`,
		`{"cluster":"a","id":"4_2","time":"2026-01-01T00:00:00Z"}`,
		`{"cluster":"a","id":"5","time":"not a time"}`,
	}
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	entries, skipped, err := OpenHistory(p).Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].JobID != "1" || entries[1].JobID != "4_2" {
		t.Errorf("entries %+v", entries)
	}
	want := []string{
		p + `:2: job id "12; rm -rf ~" is not a SLURM job id; line skipped`,
		p + ":3: longer than 65536 bytes; line skipped",
		p + `:4: cluster "x\x1b[2J" is not a cluster name; line skipped`,
		p + ":6: not a JSON entry; line skipped",
	}
	if strings.Join(skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(skipped, "\n"), strings.Join(want, "\n"))
	}
}

// A history damaged throughout (5,000 bad lines, each with a long value)
// is reported in a bounded number of short messages: the first
// MaxSkippedNamed by line, then one that counts the rest. Reporting every
// line took 1.3 GB for 20,000 lines of 30 KB.
func TestHistoryDamagedThroughoutIsReportedBriefly(t *testing.T) {
	p := filepath.Join(t.TempDir(), "history.jsonl")
	var b strings.Builder
	b.WriteString(`{"cluster":"a","id":"1"}` + "\n")
	for range 5000 {
		b.WriteString(`{"cluster":"` + strings.Repeat("x ", 500) + `","id":"2"}` + "\n")
	}
	b.WriteString(`{"cluster":"a","id":"3"}` + "\n")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	entries, skipped, err := OpenHistory(p).Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[1].JobID != "3" {
		t.Errorf("entries %+v", entries)
	}
	if len(skipped) != MaxSkippedNamed+1 {
		t.Fatalf("%d messages, want %d and one counting the rest", len(skipped), MaxSkippedNamed+1)
	}
	if want := fmt.Sprintf("%s:%d: %d more damaged lines from here on; skipped", p, MaxSkippedNamed+2, 5000-MaxSkippedNamed); skipped[MaxSkippedNamed] != want {
		t.Errorf("last message %q, want %q", skipped[MaxSkippedNamed], want)
	}
	if n := len(strings.Join(skipped, "")); n > 200*len(skipped) {
		t.Errorf("%d bytes of messages: each quotes its whole value", n)
	}
}

// A config or history someone else can write decides what runs as the
// user (ssh_options: -o ProxyCommand=...; the jobs cancel acts on): it is
// refused as OpenSSH refuses such a ~/.ssh/config, with the chmod to run.
func TestFilesOthersCanWriteAreRefused(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	body := "clusters:\n  - name: c\n    host: h\n    srtctl_root: /r\n    ssh_options: [-o, ProxyCommand=touch /tmp/pwned]\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(cfg); err != nil {
		t.Fatalf("a private config: %v", err)
	}
	for _, mode := range []os.FileMode{0o666, 0o620, 0o602} {
		if err := os.Chmod(cfg, mode); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(cfg)
		if err == nil || !strings.Contains(err.Error(), "can be changed by other users") || !strings.Contains(err.Error(), "run chmod go-w "+cfg) {
			t.Errorf("mode %o: %v", mode, err)
		}
	}
	hist := filepath.Join(dir, "history.jsonl")
	h := OpenHistory(hist)
	if err := h.Append(Entry{Cluster: "c", JobID: "1"}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(hist, 0o646); err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.Entries(); err == nil || !strings.Contains(err.Error(), "chmod go-w "+hist) {
		t.Errorf("Entries of a world-writable history: %v", err)
	}
	if err := h.Append(Entry{Cluster: "c", JobID: "2"}); err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Errorf("Append to a world-writable history: %v", err)
	}
	// Another user's file: as root the test gives it away and loads it;
	// otherwise it checks it as seen by another uid.
	if err := os.Chmod(cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	var other error
	if os.Getuid() == 0 {
		if err := os.Chown(cfg, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		_, other = LoadConfig(cfg)
	} else {
		info, err := os.Stat(cfg)
		if err != nil {
			t.Fatal(err)
		}
		owner, _ := fileOwner(info)
		other = checkPrivate("the cluster configuration", cfg, info, owner+1)
	}
	if other == nil || !strings.Contains(other.Error(), "belongs to another user") {
		t.Errorf("another user's file: %v", other)
	}
}

// The configuration goes through jobspec's gate: the 120 KB of
// nested brackets fails at once with file:line:col, and a named pipe in
// its place is refused instead of blocking.
func TestConfigGoesThroughTheYAMLGate(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	deep := "default: " + strings.Repeat("[", 60000) + strings.Repeat("]", 60000) + "\n"
	if err := os.WriteFile(cfg, []byte(deep), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(cfg)
	if err == nil || !strings.Contains(err.Error(), cfg+":1:73: nesting deeper than 64 levels") {
		t.Errorf("deep config: %v", err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(fifo); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("FIFO config: %v", err)
	}
}
