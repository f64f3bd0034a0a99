package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadConfigCreatesCommentedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "srtctl-tui", "config.yaml")
	cfg, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("config not created: %v", err)
	}
	if !strings.Contains(string(b), "# srtctl-tui clusters") || !strings.Contains(string(b), "#     srtctl_root:") {
		t.Errorf("created file lacks its comments:\n%s", b)
	}
	if info, _ := os.Stat(p); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode().Perm())
	}
	c, err := cfg.Cluster("")
	if err != nil || c.Name != LocalClusterName || !c.Local || c.SrtctlRoot == "" {
		t.Fatalf("default cluster %+v %v", c, err)
	}
	// Uncommenting the example gives a working cluster.
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l == "clusters: []" {
			continue
		}
		if strings.HasPrefix(l, "# clusters:") || strings.HasPrefix(l, "#   ") {
			l = strings.TrimPrefix(l, "# ")
		}
		lines = append(lines, l)
	}
	cfg, err = ParseConfig(p, []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("uncommented example: %v", err)
	}
	c, err = cfg.Cluster("mycluster")
	if err != nil || c.Host != "login.mycluster.example.org" || c.SrtctlRoot != "~/srt-slurm" || strings.Join(c.SrtctlCommand(), " ") != "srtctl" ||
		c.JobsDir() != "~/srt-slurm/jobs" || strings.Join(c.SSHOptions, " ") != "-o ProxyJump=bastion.example.org" {
		t.Fatalf("example cluster %+v %v", c, err)
	}
}

func TestParseConfig(t *testing.T) {
	good := `default: a
clusters:
  - name: a
    host: login-a
    srtctl_root: /home/me/srt-slurm
  - name: b
    host: b
    srtctl_root: /x
    srtctl: /opt/srtctl/bin/srtctl
    ssh_options: -F /tmp/cfg
  - name: local
    local: true
    srtctl_root: /demo
    env: {PATH: "/demo/bin:/usr/bin"}
  - name: wrapped
    host: w
    srtctl_root: /w
    srtctl: uv run --project ~/srt srtctl
  - name: listed
    host: l
    srtctl_root: /l
    srtctl: ["/opt/my tools/srtctl", "--quiet"]
`
	cfg, err := ParseConfig("c.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Names(), ",") != "a,b,listed,local,wrapped" {
		t.Errorf("names %v", cfg.Names())
	}
	a, _ := cfg.Cluster("")
	if a.Name != "a" || a.JobsDir() != "/home/me/srt-slurm/jobs" {
		t.Errorf("default %+v", a)
	}
	b, _ := cfg.Cluster("b")
	if strings.Join(b.SSHOptions, " ") != "-F /tmp/cfg" || strings.Join(b.SrtctlCommand(), "|") != "/opt/srtctl/bin/srtctl" {
		t.Errorf("b %+v", b)
	}
	// The srtctl command is words: a wrapper, or a list for a path with spaces.
	if w, _ := cfg.Cluster("wrapped"); strings.Join(w.SrtctlCommand(), "|") != "uv|run|--project|~/srt|srtctl" {
		t.Errorf("wrapped %q", w.SrtctlCommand())
	}
	if w, _ := cfg.Cluster("listed"); strings.Join(w.SrtctlCommand(), "|") != "/opt/my tools/srtctl|--quiet" {
		t.Errorf("listed %q", w.SrtctlCommand())
	}
	l, _ := cfg.Cluster("local")
	if !l.Local || l.SrtctlRoot != "/demo" || l.Env["PATH"] != "/demo/bin:/usr/bin" {
		t.Errorf("local %+v", l)
	}
	if _, err := cfg.Cluster("nope"); err == nil || !strings.Contains(err.Error(), `unknown cluster "nope" (known: a, b, listed, local, wrapped)`) {
		t.Errorf("unknown cluster error: %v", err)
	}
}

func TestParseConfigErrorsSayWhere(t *testing.T) {
	cases := map[string]string{
		"clusters:\n  - name: a\n    hots: x\n":                           `c.yaml:3:5: unknown cluster key "hots"`,
		"clusters:\n  - name: a\n    srtctl_root: /x\n":                   `c.yaml:2:5: cluster "a" has no host`,
		"clusters:\n  - host: a\n":                                        `c.yaml:2:5: cluster without a name`,
		"clusters:\n  - name: a\n    host: h\n    srtctl_root: rel/dir\n": `c.yaml:2:5: cluster "a": srtctl_root "rel/dir" must be absolute`,
		"default: zz\n":  `c.yaml: default cluster "zz" is not defined`,
		"clusters: 3\n":  `c.yaml:1:11: clusters: expected a list`,
		"clusterz: []\n": `c.yaml:1:1: unknown key "clusterz"`,
		"clusters:\n - name: a\n   host: h\n   srtctl_root: /x\n - name: a\n   host: h\n   srtctl_root: /y\n": `c.yaml:5:4: cluster "a" is defined twice`,
		"clusters:\n  - name: a\n    host: -oProxyCommand=x\n    srtctl_root: /x\n":                           `c.yaml:2:5: cluster "a": host "-oProxyCommand=x" starts with '-'`,
		"a: [\n":                   `c.yaml:1:4: sequence end token ']' not found (a [ or { list here or above is not closed`,
		"clusters:\n\t- name: a\n": `c.yaml:2:1: a tab cannot start a token here (YAML indents with spaces only`,
	}
	for in, want := range cases {
		_, err := ParseConfig("c.yaml", []byte(in))
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: got %v, want prefix %q", in, err, want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(configTemplate))
	f.Add([]byte("default: a\nclusters:\n  - name: a\n    host: h\n    srtctl_root: /x\n    env: {A: b}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig("f.yaml", data)
		if err != nil {
			return
		}
		if _, err := cfg.Cluster(""); err != nil {
			t.Fatalf("parsed config without its default cluster: %v", err)
		}
		if _, err := cfg.Cluster(LocalClusterName); err != nil {
			t.Fatalf("no local cluster: %v", err)
		}
	})
}

func TestHistory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "state", "history.jsonl")
	h := OpenHistory(p)
	if e, _, err := h.Entries(); err != nil || len(e) != 0 {
		t.Fatalf("empty history: %v %v", e, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(h.Append(Entry{Cluster: "a", JobID: "1", Name: "first", LogDir: "/l/1_x"}))
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("{not json\n\n")
	f.Close()
	must(h.Append(Entry{Cluster: "b", JobID: "1", Name: "second"}))
	must(h.Append(Entry{Cluster: "a", JobID: "2"}))
	entries, skipped, err := h.Entries()
	if err != nil || len(entries) != 3 || len(skipped) != 1 {
		t.Fatalf("entries %+v skipped %q err %v", entries, skipped, err)
	}
	e, ok, _ := h.Find("", "1")
	if !ok || e.Name != "second" {
		t.Errorf("Find latest: %+v", e)
	}
	e, ok, _ = h.Find("a", "1")
	if !ok || e.LogDir != "/l/1_x" {
		t.Errorf("Find on cluster: %+v", e)
	}
	if _, ok, _ := h.Find("a", "3"); ok {
		t.Error("found a job never submitted")
	}
}

func TestDefaultPathsFollowXDG(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	t.Setenv("XDG_STATE_HOME", "/state")
	if DefaultConfigPath() != "/cfg/srtctl-tui/config.yaml" || DefaultHistoryPath() != "/state/srtctl-tui/history.jsonl" {
		t.Errorf("%s %s", DefaultConfigPath(), DefaultHistoryPath())
	}
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "/home/x")
	if DefaultConfigPath() != "/home/x/.config/srtctl-tui/config.yaml" {
		t.Errorf("%s", DefaultConfigPath())
	}
}
