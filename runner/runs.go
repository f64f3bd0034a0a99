package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// srtctl 1.0.x and 2.x put a run in <output base>/<id>/ (srtctl-current.md
// §1.6): the base is `apply -o`, else srtslurm.yaml's output_dir, else
// <srtctl_root>/outputs. srtctl finds srtslurm.yaml in the directory it
// runs in or the two above it; the runner runs it in srtctl_root.

// maxClusterConfig bounds what is read of a remote srtslurm.yaml.
const maxClusterConfig = 1 << 20

// OutputBase is where srtctl 1.0.x and 2.x, run in srtctl_root, put their
// runs: srtslurm.yaml's output_dir (environment variables expanded on the
// cluster) else <srtctl_root>/outputs.
func (c *Conn) OutputBase(ctx context.Context) string {
	root := c.cluster.SrtctlRoot
	fsys := c.FS()
	for _, dir := range []string{root, path.Dir(root), path.Dir(path.Dir(root))} {
		p := path.Join(dir, "srtslurm.yaml")
		f, err := fsys.Open(p)
		if err != nil {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, maxClusterConfig))
		f.Close()
		if err != nil {
			continue
		}
		var cfg struct {
			OutputDir string `yaml:"output_dir"`
		}
		doc, err := jobspec.DecodeYAML(p, data)
		if err != nil || doc.Decode(&cfg) != nil {
			// srtctl ignores a srtslurm.yaml it cannot load, with a warning.
			break
		}
		if cfg.OutputDir == "" {
			break
		}
		out := c.expandRemoteEnv(ctx, cfg.OutputDir)
		if !path.IsAbs(out) {
			out = path.Join(dir, out)
		}
		return out
	}
	return path.Join(root, "outputs")
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// expandRemoteEnv expands $VAR and ${VAR} with the cluster's environment,
// as srtctl's os.path.expandvars does there (an unset variable stays as
// written). Each name is asked with printenv: nothing is evaluated.
func (c *Conn) expandRemoteEnv(ctx context.Context, s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	cache := map[string]string{}
	return envRef.ReplaceAllStringFunc(s, func(ref string) string {
		m := envRef.FindStringSubmatch(ref)
		name := m[1] + m[2]
		v, ok := cache[name]
		if !ok {
			var out []byte
			var err error
			if c.cluster.Local {
				v, ok = os.LookupEnv(name)
				if !ok {
					v = ref
				}
			} else if out, _, err = c.Run(ctx, "printenv", name); err == nil {
				v = strings.TrimRight(string(out), "\n")
			} else {
				v = ref
			}
			cache[name] = v
		}
		return v
	})
}

// FindRunDir finds the run directory <output base>/<id> of a 1.0.x or 2.x
// job, checking the configured output base, then <srtctl_root>/outputs.
func (c *Conn) FindRunDir(ctx context.Context, id string) (string, error) {
	if !ValidJobID(id) {
		return "", fmt.Errorf("%q is not a SLURM job id", id)
	}
	bases := []string{c.OutputBase(ctx), path.Join(c.cluster.SrtctlRoot, "outputs")}
	for _, base := range bases {
		dir := path.Join(base, id)
		if info, err := c.FS().Stat(dir); err == nil && info.IsDir() {
			return dir, nil
		}
	}
	return "", fmt.Errorf("no run directory %s/%s", bases[0], id)
}

// Run is one srtctl run found on the cluster.
type Run struct {
	ID string
	// Dir is the run directory (<base>/<id>) or P1's log directory.
	Dir     string
	ModTime time.Time
	// Today: the run has today's layout (<base>/<id>/logs/sweep_<id>.log).
	Today bool
}

// ListRuns lists the runs under the output base and P1's logs/, newest
// first (at most limit, 0 for all).
func (c *Conn) ListRuns(ctx context.Context, limit int) ([]Run, error) {
	fsys := c.FS()
	var runs []Run
	var errs []error
	base := c.OutputBase(ctx)
	infos, err := fsys.ReadDir(base)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, fmt.Errorf("listing %s: %w", base, err))
	}
	for _, info := range infos {
		if info.IsDir() && ValidJobID(info.Name()) {
			runs = append(runs, Run{ID: info.Name(), Dir: path.Join(base, info.Name()), ModTime: info.ModTime(), Today: true})
		}
	}
	logs := path.Join(c.cluster.SrtctlRoot, "logs")
	infos, err = fsys.ReadDir(logs)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, fmt.Errorf("listing %s: %w", logs, err))
	}
	for _, info := range infos {
		id, _, ok := strings.Cut(info.Name(), "_")
		if info.IsDir() && ok && ValidJobID(id) {
			runs = append(runs, Run{ID: id, Dir: path.Join(logs, info.Name()), ModTime: info.ModTime()})
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].ModTime.After(runs[j].ModTime) })
	if limit > 0 && len(runs) > limit {
		runs = runs[:limit]
	}
	return runs, errors.Join(errs...)
}

// QueuedJob is one of the user's jobs in squeue.
type QueuedJob struct {
	ID, Name, State, WorkDir string
}

// MyQueue is `squeue --me`: the user's queued and running jobs.
func (c *Conn) MyQueue(ctx context.Context) ([]QueuedJob, error) {
	out, _, err := c.Run(ctx, "squeue", "--me", "-h", "-o", "%i|%j|%T|%Z")
	if err != nil {
		return nil, err
	}
	var jobs []QueuedJob
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.SplitN(strings.TrimSpace(l), "|", 4)
		if len(f) == 4 && ValidJobID(f[0]) {
			jobs = append(jobs, QueuedJob{ID: f[0], Name: f[1], State: f[2], WorkDir: f[3]})
		}
	}
	return jobs, nil
}
