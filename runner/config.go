package runner

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"go.yaml.in/yaml/v3"
)

// LocalClusterName is the built-in cluster that runs everything on this
// machine, for people already on a login node.
const LocalClusterName = "local"

// Cluster is one named login node.
type Cluster struct {
	Name string
	// Host is an ssh destination or an alias from ~/.ssh/config; unused when Local.
	Host string
	// SrtctlRoot is where srtctl lives on the login node; its logs/ is where
	// jobs write. May start with ~/ (the login home).
	SrtctlRoot string
	// Srtctl is the srtctl command, as words (default ["srtctl"]): a path,
	// or a wrapper such as ["uv", "run", "srtctl"]. A word starting with ~/
	// is in the login home.
	Srtctl []string
	// Workdir is where uploaded job files go (default <SrtctlRoot>/jobs).
	Workdir string
	// SSHOptions are extra ssh arguments placed before the destination,
	// e.g. ["-F", "/path/ssh_config"] or ["-o", "ProxyJump=bastion"].
	SSHOptions []string
	// Local runs commands and reads files on this machine instead of over ssh.
	Local bool
	// Env is extra environment for commands of the local transport (the demo
	// puts its simulated tools first on PATH this way).
	Env map[string]string
	// SrtctlVersion, when set, says which srtctl the cluster runs (p1, p3,
	// v1, v2 or a version number) instead of asking it.
	SrtctlVersion string
}

// SrtctlCommand is the srtctl command's words, defaulted.
func (c Cluster) SrtctlCommand() []string {
	if len(c.Srtctl) == 0 {
		return []string{"srtctl"}
	}
	return c.Srtctl
}

// JobsDir is where uploaded job files go, defaulted.
func (c Cluster) JobsDir() string {
	if c.Workdir != "" {
		return c.Workdir
	}
	return path.Join(c.SrtctlRoot, "jobs")
}

// Where returns how the cluster is reached, for messages.
func (c Cluster) Where() string {
	if c.Local {
		return "this machine"
	}
	return c.Host
}

// Config is the cluster configuration file.
type Config struct {
	// Path is the file the configuration was read from.
	Path string
	// Default names the cluster used when none is given.
	Default  string
	Clusters []Cluster
}

// DefaultConfigPath is $XDG_CONFIG_HOME/srtctl-tui/config.yaml
// (~/.config/srtctl-tui/config.yaml when XDG_CONFIG_HOME is unset).
func DefaultConfigPath() string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "srtctl-tui", "config.yaml")
}

const configTemplate = `# srtctl-tui clusters.
#
# Each cluster is a login node where srtctl is installed. srtctl-tui reaches
# it with your own OpenSSH client: host aliases, keys, ProxyJump and host key
# checking all come from ~/.ssh/config. One master connection per cluster is
# opened on your terminal (so password, 2FA and host key prompts are ssh's
# own) and every command and file transfer goes through it.
#
# The cluster "local" always exists: it runs srtctl on this machine (for use
# on a login node). Its srtctl_root is the nearest directory above the
# current one holding srtslurm.yaml, else the current directory; declare a
# cluster named local here to set it.

# Cluster used when --cluster is not given.
default: local

clusters: []
# clusters:
#   - name: mycluster
#     # ssh destination or alias from ~/.ssh/config
#     host: login.mycluster.example.org
#     # where srtctl lives on the login node; jobs write to its logs/
#     srtctl_root: ~/srt-slurm
#     # the srtctl command (default: srtctl); words, or a list for words
#     # with spaces: a path, ~/bin/srtctl, or a wrapper such as uv run srtctl
#     srtctl: srtctl
#     # where uploaded job files go (default: <srtctl_root>/jobs)
#     workdir: ~/srt-slurm/jobs
#     # extra ssh arguments (optional)
#     ssh_options: ["-o", "ProxyJump=bastion.example.org"]
`

// LoadConfig reads the configuration at path, creating it with a commented
// template first if it does not exist. The returned configuration always
// has the cluster "local".
func LoadConfig(p string) (*Config, error) {
	data, info, err := jobspec.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		if err := writeFileAtomic(p, []byte(configTemplate), 0o600); err != nil {
			return nil, fmt.Errorf("creating the cluster configuration: %w", err)
		}
		data = []byte(configTemplate)
	} else if err != nil {
		return nil, fmt.Errorf("reading the cluster configuration: %w", err)
	} else if err := checkPrivate("the cluster configuration", p, info, os.Getuid()); err != nil {
		return nil, err
	}
	cfg, err := ParseConfig(p, data)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// ConfigError is a problem at a place in the configuration file.
type ConfigError struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// ParseConfig parses a configuration file's content; name is used in errors.
func ParseConfig(name string, data []byte) (*Config, error) {
	cfg := &Config{Path: name}
	doc, err := jobspec.DecodeYAML(name, data)
	if err != nil {
		var se *jobspec.SyntaxError
		if errors.As(err, &se) {
			return nil, &ConfigError{Path: name, Line: se.Line, Col: se.Col, Msg: se.Reason}
		}
		return nil, err
	}
	bad := func(n *yaml.Node, format string, args ...any) error {
		return &ConfigError{Path: name, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
	}
	if len(doc.Content) > 0 {
		top := doc.Content[0]
		if top.Kind != yaml.MappingNode {
			return nil, bad(top, "expected a mapping with keys default and clusters")
		}
		for i := 0; i+1 < len(top.Content); i += 2 {
			k, v := top.Content[i], top.Content[i+1]
			switch k.Value {
			case "default":
				if v.Kind != yaml.ScalarNode {
					return nil, bad(v, "default: expected a cluster name")
				}
				cfg.Default = v.Value
			case "clusters":
				if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
					continue
				}
				if v.Kind != yaml.SequenceNode {
					return nil, bad(v, "clusters: expected a list of clusters (- name: ...)")
				}
				for _, item := range v.Content {
					c, err := parseCluster(item, bad)
					if err != nil {
						return nil, err
					}
					for _, prev := range cfg.Clusters {
						if prev.Name == c.Name {
							return nil, bad(item, "cluster %q is defined twice; rename one", c.Name)
						}
					}
					cfg.Clusters = append(cfg.Clusters, c)
				}
			default:
				return nil, bad(k, "unknown key %q (known: default, clusters)", k.Value)
			}
		}
	}
	if _, err := cfg.find(LocalClusterName); err != nil {
		cfg.Clusters = append(cfg.Clusters, builtinLocal())
	}
	if cfg.Default == "" {
		cfg.Default = LocalClusterName
	}
	if _, err := cfg.find(cfg.Default); err != nil {
		return nil, &ConfigError{Path: name, Msg: fmt.Sprintf("default cluster %q is not defined (known: %s)", cfg.Default, strings.Join(cfg.Names(), ", "))}
	}
	return cfg, nil
}

func parseCluster(n *yaml.Node, bad func(*yaml.Node, string, ...any) error) (Cluster, error) {
	var c Cluster
	if n.Kind != yaml.MappingNode {
		return c, bad(n, "expected a cluster mapping (name, host, srtctl_root, ...)")
	}
	str := func(k, v *yaml.Node) (string, error) {
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			return "", bad(v, "%s: expected a string", k.Value)
		}
		return v.Value, nil
	}
	// words: a string split at spaces, or a list of words as written.
	words := func(k, v *yaml.Node) ([]string, error) {
		switch v.Kind {
		case yaml.ScalarNode:
			w, err := str(k, v)
			return strings.Fields(w), err
		case yaml.SequenceNode:
			var out []string
			for _, o := range v.Content {
				w, err := str(k, o)
				if err != nil {
					return nil, err
				}
				out = append(out, w)
			}
			return out, nil
		}
		return nil, bad(v, "%s: expected words or a list of words", k.Value)
	}

	var err error
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "name":
			c.Name, err = str(k, v)
		case "host":
			c.Host, err = str(k, v)
		case "srtctl_root":
			c.SrtctlRoot, err = str(k, v)
		case "srtctl":
			c.Srtctl, err = words(k, v)
		case "workdir":
			c.Workdir, err = str(k, v)
		case "local":
			if v.Kind != yaml.ScalarNode || (v.Value != "true" && v.Value != "false") {
				return c, bad(v, "local: expected true or false")
			}
			c.Local = v.Value == "true"
		case "ssh_options":
			c.SSHOptions, err = words(k, v)
		case "srtctl_version":
			c.SrtctlVersion, err = str(k, v)
			if _, ok := ParseSrtctlVersion(c.SrtctlVersion); err == nil && !ok {
				return c, bad(v, "srtctl_version %q: use p1, p3, v1 (1.0.x) or v2 (2.x), or a version such as 1.0.68", c.SrtctlVersion)
			}
		case "env":
			if v.Kind != yaml.MappingNode {
				return c, bad(v, "env: expected a mapping of NAME: value")
			}
			c.Env = map[string]string{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				s, err := str(v.Content[j], v.Content[j+1])
				if err != nil {
					return c, err
				}
				c.Env[v.Content[j].Value] = s
			}
		default:
			return c, bad(k, "unknown cluster key %q (known: name, host, srtctl_root, srtctl, srtctl_version, workdir, ssh_options, local, env)", k.Value)
		}
		if err != nil {
			return c, err
		}
	}
	switch {
	case c.Name == "":
		return c, bad(n, "cluster without a name: add name: <short name>")
	case strings.ContainsAny(c.Name, " \t/"):
		return c, bad(n, "cluster name %q: use letters, digits, - and _", c.Name)
	case !c.Local && c.Host == "":
		return c, bad(n, "cluster %q has no host: add host: <ssh destination or alias>", c.Name)
	case !c.Local && strings.HasPrefix(c.Host, "-"):
		return c, bad(n, "cluster %q: host %q starts with '-'", c.Name, c.Host)
	case c.SrtctlRoot == "" && !c.Local:
		return c, bad(n, "cluster %q has no srtctl_root: add srtctl_root: <directory of srtctl on the login node>", c.Name)
	case c.SrtctlRoot != "" && !path.IsAbs(c.SrtctlRoot) && !strings.HasPrefix(c.SrtctlRoot, "~/"):
		return c, bad(n, "cluster %q: srtctl_root %q must be absolute or start with ~/", c.Name, c.SrtctlRoot)
	case c.Workdir != "" && !path.IsAbs(c.Workdir) && !strings.HasPrefix(c.Workdir, "~/"):
		return c, bad(n, "cluster %q: workdir %q must be absolute or start with ~/", c.Name, c.Workdir)
	}
	if c.Local && c.SrtctlRoot == "" {
		c.SrtctlRoot = localRoot()
	}
	return c, nil
}

func builtinLocal() Cluster {
	return Cluster{Name: LocalClusterName, Local: true, SrtctlRoot: localRoot()}
}

// localRoot is the nearest directory at or above the current one holding
// srtslurm.yaml (an srt-slurm checkout), else the current directory.
func localRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "srtslurm.yaml")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return wd
		}
	}
}

// Names lists the cluster names, sorted.
func (c *Config) Names() []string {
	names := make([]string, 0, len(c.Clusters))
	for _, cl := range c.Clusters {
		names = append(names, cl.Name)
	}
	sort.Strings(names)
	return names
}

// Cluster returns the cluster called name, or the default one for "".
func (c *Config) Cluster(name string) (Cluster, error) {
	if name == "" {
		name = c.Default
	}
	return c.find(name)
}

func (c *Config) find(name string) (Cluster, error) {
	for _, cl := range c.Clusters {
		if cl.Name == name {
			return cl, nil
		}
	}
	return Cluster{}, fmt.Errorf("unknown cluster %q (known: %s); add it to %s", name, strings.Join(c.Names(), ", "), c.Path)
}

// writeFileAtomic writes data to a temporary file beside p and renames it.
func writeFileAtomic(p string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), p)
}
