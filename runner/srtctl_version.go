package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// SrtctlVersion is which srtctl a cluster runs, and how that is known.
type SrtctlVersion struct {
	Dialect jobspec.Dialect `json:"dialect"`
	// Version is what srtctl said (2.x's --version), "" when it has none.
	Version string `json:"version,omitempty"`
	// How says where the answer came from: "srtctl_version in <config>",
	// "srtctl --version", "srtctl --help", or "cached <time>".
	How       string    `json:"how"`
	LearnedAt time.Time `json:"learned_at"`
}

// versionCacheTTL bounds how long a learned answer is trusted: clusters
// upgrade srtctl now and then.
const versionCacheTTL = 24 * time.Hour

var (
	versionMu    sync.Mutex
	versionCache = map[string]SrtctlVersion{} // this process's answers, by cluster key
)

// SrtctlVersion learns which srtctl the cluster runs, once per cluster:
// the configuration's srtctl_version wins; else an answer learned before
// (in this process, or cached on disk for a day); else srtctl is asked
// (--version, which 2.x answers, then --help, whose commands tell 1.0.x
// from P1) in srtctl_root, where srtctl reads its srtslurm.yaml.
func (c *Conn) SrtctlVersion(ctx context.Context) (SrtctlVersion, error) {
	cl := c.cluster
	if cl.SrtctlVersion != "" {
		d, ok := ParseSrtctlVersion(cl.SrtctlVersion)
		if !ok {
			return SrtctlVersion{}, fmt.Errorf("cluster %s: srtctl_version %q: use p1, p3, v1 (1.0.x) or v2 (2.x), or a version such as 1.0.68", cl.Name, cl.SrtctlVersion)
		}
		return SrtctlVersion{Dialect: d, Version: cl.SrtctlVersion, How: "srtctl_version in the cluster configuration"}, nil
	}
	versionMu.Lock()
	defer versionMu.Unlock()
	if v, ok := knownLocked(cl); ok {
		return v, nil
	}
	key := versionKey(cl)
	v, err := c.askSrtctlVersion(ctx)
	if err != nil {
		return v, err
	}
	versionCache[key] = v
	writeVersionCache(key, v)
	return v, nil
}

// KnownSrtctlVersion is what is known of the cluster's srtctl without
// asking it: srtctl_version in the configuration, or an answer learned
// before (this process, or the disk cache).
func KnownSrtctlVersion(cl Cluster) (SrtctlVersion, bool) {
	if cl.SrtctlVersion != "" {
		d, ok := ParseSrtctlVersion(cl.SrtctlVersion)
		return SrtctlVersion{Dialect: d, Version: cl.SrtctlVersion, How: "srtctl_version in the cluster configuration"}, ok
	}
	versionMu.Lock()
	defer versionMu.Unlock()
	return knownLocked(cl)
}

func knownLocked(cl Cluster) (SrtctlVersion, bool) {
	key := versionKey(cl)
	if v, ok := versionCache[key]; ok {
		return v, true
	}
	if v, ok := readVersionCache(key); ok {
		v.How = "cached " + v.LearnedAt.Format(time.RFC3339) + " (" + v.How + ")"
		versionCache[key] = v
		return v, true
	}
	return SrtctlVersion{}, false
}

var versionNumber = regexp.MustCompile(`\b(\d+)\.(\d+)(?:\.\d+)?\b`)

func (c *Conn) askSrtctlVersion(ctx context.Context) (SrtctlVersion, error) {
	cl := c.cluster
	now := time.Now()
	argv := append(append([]string{}, cl.SrtctlCommand()...), "--version")
	out, _, _, err := c.runIn(ctx, cl.SrtctlRoot, argv)
	if err == nil {
		if d, ok := ParseSrtctlVersion(string(out)); ok {
			return SrtctlVersion{Dialect: d, Version: strings.TrimSpace(firstLine(string(out))), How: "srtctl --version", LearnedAt: now}, nil
		}
	} else if !isCommandRefusal(err) {
		return SrtctlVersion{}, err
	}
	argv = append(append([]string{}, cl.SrtctlCommand()...), "--help")
	_, _, combined, err := c.runIn(ctx, cl.SrtctlRoot, argv)
	if err != nil && !isCommandRefusal(err) {
		return SrtctlVersion{}, err
	}
	return SrtctlVersion{Dialect: dialectFromHelp(string(combined)), How: "srtctl --help", LearnedAt: now}, nil
}

// isCommandRefusal is srtctl running and exiting non-zero (argparse's
// exit 2 for an unknown option), as opposed to not running at all.
func isCommandRefusal(err error) bool {
	var ce *CommandError
	return errors.As(err, &ce) && !ce.Transport && ce.ExitCode > 0 && ce.ExitCode != 127
}

// dialectFromHelp reads the commands srtctl's help lists: 2.x has migrate
// and schema, 1.0.x has preflight and resolve-override, P1 has neither.
func dialectFromHelp(help string) jobspec.Dialect {
	switch {
	case strings.Contains(help, "migrate") || strings.Contains(help, "schema-docs"):
		return jobspec.DialectV2
	case strings.Contains(help, "preflight") || strings.Contains(help, "resolve-override"):
		return jobspec.DialectV1
	}
	return jobspec.DialectP1
}

// ParseSrtctlVersion reads a dialect name (p1, p3, v1, v2) or a version
// ("1.0.68", "srtctl 2.0.0").
func ParseSrtctlVersion(s string) (jobspec.Dialect, bool) {
	if d, ok := jobspec.ParseDialect(s); ok && d != jobspec.DialectUnknown {
		return d, true
	}
	m := versionNumber.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	switch {
	case m[1] == "1" && m[2] == "0":
		return jobspec.DialectV1, true
	case m[1] == "2":
		return jobspec.DialectV2, true
	}
	return "", false
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// versionKey names a cluster by what decides its srtctl: where and which.
func versionKey(cl Cluster) string {
	return strings.Join([]string{cl.Name, cl.Host, cl.SrtctlRoot, strings.Join(cl.SrtctlCommand(), " ")}, "\x1f")
}

// versionCachePath is <user cache dir>/srtctl-tui/srtctl-versions.json.
func versionCachePath() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "srtctl-tui", "srtctl-versions.json")
}

func readVersionCache(key string) (SrtctlVersion, bool) {
	p := versionCachePath()
	if p == "" {
		return SrtctlVersion{}, false
	}
	b, err := os.ReadFile(p)
	if err != nil || len(b) > 1<<20 {
		return SrtctlVersion{}, false
	}
	var m map[string]SrtctlVersion
	if json.Unmarshal(b, &m) != nil {
		return SrtctlVersion{}, false
	}
	v, ok := m[key]
	if !ok || time.Since(v.LearnedAt) > versionCacheTTL || v.LearnedAt.After(time.Now().Add(time.Minute)) {
		return SrtctlVersion{}, false
	}
	if _, known := ParseSrtctlVersion(string(v.Dialect)); !known {
		return SrtctlVersion{}, false
	}
	return v, true
}

// writeVersionCache records an answer; a cache that cannot be written only
// means asking again next time.
func writeVersionCache(key string, v SrtctlVersion) {
	p := versionCachePath()
	if p == "" {
		return
	}
	m := map[string]SrtctlVersion{}
	if b, err := os.ReadFile(p); err == nil && len(b) <= 1<<20 {
		_ = json.Unmarshal(b, &m)
	}
	for k, old := range m {
		if time.Since(old.LearnedAt) > versionCacheTTL {
			delete(m, k)
		}
	}
	m[key] = v
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil || os.MkdirAll(filepath.Dir(p), 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".srtctl-versions-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}
