package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"go.yaml.in/yaml/v3"
)

const srtctlUsage = `usage: srtctl {apply,dry-run,validate} -f CONFIG

SIMULATED srtctl (srtctl-tui stand-in for srtctl P1):
  apply -f FILE      check FILE, submit it with sbatch, create its log directory
  dry-run -f FILE    check FILE and show the batch script; submit nothing
  validate -f FILE   same as dry-run
`

// defaultTimeLimit is what the stand-in asks SLURM for when the job file
// sets no slurm.time_limit.
const defaultTimeLimit = "04:00:00"

// runSrtctl is the stand-in srtctl: apply, dry-run and validate, with
// srtctl P1's checks, files and messages.
func runSrtctl(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	if code, done := srtctlToday(args, stdout, stderr); done {
		return code
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, srtctlUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd := args[0]
	if cmd != "apply" && cmd != "dry-run" && cmd != "validate" {
		fmt.Fprintf(stderr, "%ssrtctl: error: invalid choice: '%s' (choose from 'apply', 'dry-run', 'validate')\n", srtctlUsage, cmd)
		return 2
	}
	if cfg, ok := todayRelease(); ok && cmd == "apply" {
		return runTodayApply(args[1:], cfg, stdout, stderr, now())
	}
	path, err := configFlag(args[1:])
	if err != nil {
		fmt.Fprintf(stderr, "%ssrtctl %s: error: %v\n", srtctlUsage, cmd, err)
		return 2
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "❌ %v\n", err)
		return 1
	}
	cfg, err := loadClusterConfig(cwd)
	if err != nil {
		fmt.Fprintf(stderr, "❌ %v\n", err)
		return 1
	}
	doc, problem := loadJob(path)
	if problem != "" {
		fmt.Fprintf(stderr, "Invalid config in %s: %s\n", path, problem)
		return 1
	}
	sub, err := newSubmission(doc, cfg, now())
	if err != nil {
		fmt.Fprintf(stderr, "Invalid config in %s: %v\n", path, err)
		return 1
	}
	if cmd != "apply" {
		fmt.Fprintf(stdout, "🔍 Dry run (SIMULATED srtctl): %s is valid; nothing submitted.\n\n", path)
		fmt.Fprintf(stdout, "sbatch %s <script>\n\n%s", strings.Join(sub.script.Options, " "), sub.script.render())
		return 0
	}
	return sub.apply(stdout, stderr)
}

// configFlag reads -f/--file (also -fFILE and --file=FILE).
func configFlag(args []string) (string, error) {
	path := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-f" || a == "--file" || a == "--config":
			if i+1 >= len(args) {
				return "", fmt.Errorf("argument %s: expected one argument", a)
			}
			i++
			path = args[i]
		case strings.HasPrefix(a, "--file="):
			path = strings.TrimPrefix(a, "--file=")
		case strings.HasPrefix(a, "-f") && len(a) > 2:
			path = a[2:]
		default:
			return "", fmt.Errorf("unrecognized arguments: %s", a)
		}
	}
	if path == "" {
		return "", errors.New("the following arguments are required: -f/--file")
	}
	return path, nil
}

// submission is one job about to be submitted.
type submission struct {
	doc     *jobspec.Doc
	cfg     clusterConfig
	name    string
	dirName string // <id> is prepended once sbatch answers
	script  batchScript
	now     time.Time
}

func newSubmission(doc *jobspec.Doc, cfg clusterConfig, now time.Time) (*submission, error) {
	job := doc.Job()
	if job.Sweep {
		return nil, errors.New("this is a sweep file; the simulated srtctl submits single jobs only (expand the sweep first)")
	}
	plan, workersTag, nodes, err := buildPlan(doc, job, cfg)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	suffix := "_" + workersTag + "_" + now.Format("20060102_150405")
	reqNodes := 1
	if cfg.JobNodes {
		reqNodes = nodes
	}
	timeLimit := job.Slurm.TimeLimit
	if timeLimit == "" {
		timeLimit = defaultTimeLimit
	}
	opts := []string{"--job-name=" + job.Name, "--time=" + timeLimit,
		"--output=" + filepath.Join(cfg.Root, "logs", "slurm-%j.out")}
	if job.Slurm.Account != "" {
		opts = append(opts, "--account="+job.Slurm.Account)
	}
	if job.Slurm.Partition != "" {
		opts = append(opts, "--partition="+job.Slurm.Partition)
	}
	return &submission{
		doc: doc, cfg: cfg, name: job.Name, dirName: suffix, now: now,
		script: batchScript{
			Exe: exe, LogsDir: filepath.Join(cfg.Root, "logs"), DirSuffix: suffix,
			Plan: plan, Nodes: reqNodes, Submitted: now, Options: opts,
		},
	}, nil
}

// buildPlan decides what the profile job will do, and names the log
// directory's worker tag (1P_1D or 1A).
func buildPlan(doc *jobspec.Doc, job jobspec.Job, cfg clusterConfig) (plan jobPlan, tag string, nodes int, err error) {
	r := job.Resources
	gpn := r.GPUsPerNodeOrDefault()
	val := func(p *int, def int) int {
		if p == nil {
			return def
		}
		return *p
	}
	plan = jobPlan{
		Name: job.Name, Model: orDefault(job.Model.Path, "/model"), Profiling: job.Profiling.TypeOrDefault(),
		Disaggregated: r.Disaggregated(), Traces: cfg.Traces, Pace: cfg.Pace,
	}
	tp := sglangTP(doc)
	var nodesOf [3]int
	if r.Disaggregated() {
		nodesOf[0], nodesOf[1] = max(val(r.PrefillNodes, 1), 1), max(val(r.DecodeNodes, 1), 1)
		plan.Workers[0], plan.Workers[1] = val(r.PrefillWorkers, 1), val(r.DecodeWorkers, 1)
		tag = fmt.Sprintf("%dP_%dD", plan.Workers[0], plan.Workers[1])
	} else {
		nodesOf[2] = max(val(r.AggNodes, 1), 1)
		plan.Workers[2] = val(r.AggWorkers, 1)
		tag = fmt.Sprintf("%dA", plan.Workers[2])
	}
	for i := range nodesOf {
		plan.GPUs[i] = nodesOf[i] * gpn
	}
	nodes = nodesOf[0] + nodesOf[1] + nodesOf[2]
	for _, name := range job.ProfiledPhases() {
		ph := job.PhaseFor(name)
		if ph == nil {
			ph = &jobspec.Phase{}
		}
		i := modeIndex(name)
		ranks := 1
		if plan.Profiling == "nsys" {
			ranks = nodesOf[i] / max(plan.Workers[i], 1)
		} else if tp[i] > 0 {
			ranks = tp[i]
		}
		node := 0
		if name == jobspec.PhaseDecode {
			node = nodesOf[0]
		}
		plan.Phases = append(plan.Phases, phasePlan{
			Name: name, ISL: ph.ISL, OSL: ph.OSL, Concurrency: ph.Concurrency,
			StartStep: ph.StartStep, StopStep: ph.StopStep,
			Ranks: min(max(ranks, 1), maxTraceRanks), Node: node,
		})
	}
	return plan, tag, nodes, nil
}

// tpKeys are the spellings of the tensor-parallel size srtctl looks for,
// in its order.
var tpKeys = []string{"tensor-parallel-size", "tensor_parallel_size", "tp-size", "tp_size"}

// sglangTP reads each mode's TP size from backend.sglang_config (0 when
// absent or a placeholder); aggregated falls back to prefill, as srtctl's
// GPU check does.
func sglangTP(doc *jobspec.Doc) [3]int {
	var out [3]int
	for i, mode := range []string{"prefill", "decode", "aggregated"} {
		for _, k := range tpKeys {
			if v, ok := doc.Get("backend.sglang_config." + mode + "." + k); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
					out[i] = n
				}
				break
			}
		}
	}
	if out[2] == 0 {
		out[2] = out[0]
	}
	return out
}

var submittedRE = regexp.MustCompile(`Submitted batch job (\d+)`)

// apply submits the job with the sbatch on PATH and writes srtctl's files
// into the log directory.
func (s *submission) apply(stdout, stderr io.Writer) int {
	logf := func(level, format string, a ...any) {
		fmt.Fprintf(stderr, "%s | %s | %s\n", time.Now().Format("2006-01-02 15:04:05,000"), level, fmt.Sprintf(format, a...))
	}
	logf("INFO", "🚀 Submitting job: %s", s.name)
	logsDir := s.script.LogsDir
	if err := os.MkdirAll(logsDir, 0o755); err != nil {
		logf("ERROR", "❌ Error submitting job: %v", err)
		return 1
	}
	text := s.script.render()
	tmp, err := os.CreateTemp("", "srtctl-sbatch-*.sh")
	if err != nil {
		logf("ERROR", "❌ Error submitting job: %v", err)
		return 1
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(text)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		logf("ERROR", "❌ Error submitting job: %v", err)
		return 1
	}
	argv := append(append([]string{"sbatch"}, s.script.Options...), tmp.Name())
	cmd := exec.Command("sbatch", argv[1:]...)
	// sbatch exports the submitter's environment to the job (and the
	// simulated scheduler reads the pace from it too).
	cmd.Env = append(os.Environ(), PaceEnv+"="+strconv.FormatFloat(s.script.Plan.Pace, 'g', -1, 64))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	m := submittedRE.FindStringSubmatch(out.String())
	if runErr != nil || m == nil {
		logf("ERROR", "❌ Error submitting job: %s", calledProcessError(argv, runErr, out.String()))
		logf("ERROR", "stderr: %s", strings.TrimRight(errOut.String(), "\n"))
		return 1
	}
	id := m[1]
	dir := filepath.Join(logsDir, id+s.dirName)
	if err := s.writeLogDir(dir, id, text); err != nil {
		logf("ERROR", "❌ Error writing the log directory %s: %v", dir, err)
		return 1
	}
	fmt.Fprintf(stdout, "\n✅ Job %s submitted!\n📁 Logs: %s\n\n", id, dir)
	return 0
}

// calledProcessError words a failed sbatch the way Python's
// subprocess.CalledProcessError does, which is what srtctl prints.
func calledProcessError(argv []string, err error, stdout string) string {
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = "'" + a + "'"
	}
	cmd := "[" + strings.Join(quoted, ", ") + "]"
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return fmt.Sprintf("Command '%s' returned non-zero exit status %d.", cmd, ee.ExitCode())
	case err != nil:
		return fmt.Sprintf("[Errno 2] No such file or directory: 'sbatch' (%v)", err)
	}
	return fmt.Sprintf("could not parse a job id from sbatch's output %q", strings.TrimSpace(stdout))
}

// writeLogDir writes what srtctl writes next to the job's logs.
func (s *submission) writeLogDir(dir, id, script string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	meta := map[string]any{
		"job_id":       id,
		"job_name":     s.name,
		"submitted_at": s.now.Format(time.RFC3339),
		"log_dir":      dir,
		"srtctl_root":  s.cfg.Root,
		"profiling":    s.script.Plan.Profiling,
		"phases":       phaseNames(s.script.Plan),
		"simulated":    true,
	}
	metaJSON, _ := json.MarshalIndent(meta, "", "  ")
	files := []struct {
		name string
		data []byte
		perm os.FileMode
	}{
		{"sbatch_script.sh", []byte(script), 0o755},
		{"config.yaml", s.doc.Bytes(), 0o644},
		{"sglang_config.yaml", sglangConfigYAML(s.doc), 0o644},
		{id + ".json", append(metaJSON, '\n'), 0o644},
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), f.data, f.perm); err != nil {
			return err
		}
	}
	return nil
}

func phaseNames(p jobPlan) []string {
	names := []string{}
	for _, ph := range p.Phases {
		names = append(names, ph.Name)
	}
	return names
}

// sglangConfigYAML is backend.sglang_config on its own, as srtctl dumps it.
func sglangConfigYAML(doc *jobspec.Doc) []byte {
	root := doc.Root()
	n := lookupNode(root, "backend", "sglang_config")
	if n == nil {
		return []byte("{}\n")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return []byte("{}\n")
	}
	enc.Close()
	return buf.Bytes()
}

func lookupNode(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}
