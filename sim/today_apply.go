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
	"strconv"
	"strings"
	"time"

	"al.essio.dev/pkg/shellescape"
	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// todayApplyArgs are the apply options of srtctl 1.0.x and 2.x the
// stand-in honours (srtctl-current.md §1.7, §2.6).
type todayApplyArgs struct {
	file   string
	json   bool
	output string // -o: the output base
}

func parseTodayApplyArgs(args []string) (todayApplyArgs, error) {
	var a todayApplyArgs
	for i := 0; i < len(args); i++ {
		arg := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("argument %s: expected one argument", arg)
			}
			i++
			return args[i], nil
		}
		var err error
		switch {
		case arg == "-f" || arg == "--file" || arg == "--config":
			a.file, err = next()
		case strings.HasPrefix(arg, "--file="):
			a.file = strings.TrimPrefix(arg, "--file=")
		case arg == "-o" || arg == "--output":
			a.output, err = next()
		case arg == "--tags" || arg == "--setup-script" || arg == "--set" || arg == "--unset":
			_, err = next()
		case arg == "--json":
			a.json = true
		case arg == "-y" || arg == "--yes" || arg == "--no-preflight":
		case strings.HasPrefix(arg, "-f") && len(arg) > 2:
			a.file = arg[2:]
		default:
			err = fmt.Errorf("unrecognized arguments: %s", arg)
		}
		if err != nil {
			return a, err
		}
	}
	if a.file == "" {
		return a, errors.New("the following arguments are required: -f/--file")
	}
	return a, nil
}

// todayRelease is the cluster configuration of the directory srtctl runs
// in when it plays 1.0.x or 2.x.
func todayRelease() (clusterConfig, bool) {
	cwd, err := os.Getwd()
	if err != nil {
		return clusterConfig{}, false
	}
	cfg, err := loadClusterConfig(cwd)
	return cfg, err == nil && cfg.Release != ReleaseP1
}

// todayDefaultTimeLimit is srtctl 1.0.x's default time limit.
const todayDefaultTimeLimit = "01:00:00"

// runTodayApply is `srtctl apply` of 1.0.x and 2.x once the file has
// passed that release's load-time checks: it submits a batch job that
// writes today's run layout under <output base>/<id>/ and says so, as
// one JSON line with --json and as Rich's prose otherwise.
func runTodayApply(args []string, cfg clusterConfig, stdout, stderr io.Writer, now time.Time) int {
	a, err := parseTodayApplyArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "usage: srtctl apply [-h] -f CONFIG [-o OUTPUT] [--json] [-y]\nsrtctl apply: error: %v\n", err)
		return 2
	}
	prose := stdout
	if a.json {
		prose = stderr
	}
	fail := func(msg string) int {
		if a.json {
			b, _ := json.Marshal(map[string]string{"status": "error", "error": msg})
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			richPrint(stdout, "Error: "+msg)
		}
		return 1
	}
	doc, err := jobspec.Load(a.file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fail("Config not found: " + a.file)
		}
		return fail("Invalid config in " + a.file + ": " + err.Error())
	}
	plan, err := buildTodayPlan(doc, cfg)
	if err != nil {
		return fail("Invalid config in " + a.file + ": " + err.Error())
	}
	fmt.Fprintf(stderr, "%s | INFO | Loaded config: %s\n", now.Format("2006-01-02 15:04:05"), plan.Name)
	base := a.output
	if base == "" {
		base = cfg.OutputDir
	}
	if base == "" {
		base = filepath.Join(cfg.Root, "outputs")
	}
	base, err = filepath.Abs(os.ExpandEnv(base))
	if err != nil {
		return fail(err.Error())
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return fail(err.Error())
	}
	exe, err := os.Executable()
	if err != nil {
		return fail(err.Error())
	}
	limit, _ := doc.Get("slurm.time_limit")
	opts := []string{"--job-name=" + orDefault(os.Getenv("RUNNER_NAME"), plan.Name),
		"--time=" + orDefault(strings.Trim(limit, `"'`), todayDefaultTimeLimit),
		// The script sends its own output to logs/sweep_<id>.log: SLURM
		// cannot create <base>/<id>/logs before the id exists.
		"--output=/dev/null"}
	for _, k := range []string{"account", "partition"} {
		if v, ok := doc.Get("slurm." + k); ok && v != "" {
			opts = append(opts, "--"+k+"="+v)
		}
	}
	nodes := 1
	if cfg.JobNodes {
		nodes = plan.nodes()
	}
	script := renderTodayScript(exe, base, plan, nodes, now)
	richPrint(prose, "🚀 Submitting: "+plan.Name)
	id, err := sbatchSubmit(script, opts, plan.Pace)
	if err != nil {
		return fail(err.Error())
	}
	run := filepath.Join(base, id)
	if err := writeTodayRunDir(run, id, doc, plan, script, now); err != nil {
		return fail(err.Error())
	}
	logs := filepath.Join(run, "logs")
	richPrint(prose, "✅ Job "+id+" submitted!")
	richPrint(prose, "📁 Logs: "+logs)
	richPrint(prose, "📋 Monitor: tail -f "+filepath.Join(logs, "sweep_"+id+".log"))
	richPrint(prose, "📊 Queue: squeue --job "+id)
	fmt.Fprintln(prose)
	richPrint(prose, "Running:")
	richPrint(prose, "  Model:     "+plan.Model)
	richPrint(prose, "  Container: "+plan.Container)
	richPrint(prose, "  Backend:   "+plan.Backend)
	richPrint(prose, "  Benchmark: "+plan.Benchmark)
	richPrint(prose, "Tip: Add an identity: block to the recipe to record who ran it and why (SIMULATED srtctl).")
	if a.json {
		rec := map[string]any{"status": "submitted", "slurm_job_id": id, "job_name": plan.Name, "output_dir": run,
			"metadata_path": filepath.Join(run, id+".json"), "config_path": a.file, "tags": nil}
		b, _ := json.Marshal(rec)
		// Python's json.dumps separates with ", " and ": ".
		fmt.Fprintf(stdout, "%s\n", pythonJSON(b))
	}
	return 0
}

// pythonJSON respaces compact JSON the way json.dumps prints it.
func pythonJSON(b []byte) string {
	var out strings.Builder
	inStr, esc := false, false
	for _, c := range string(b) {
		out.WriteRune(c)
		switch {
		case esc:
			esc = false
		case c == '\\' && inStr:
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && (c == ',' || c == ':'):
			out.WriteByte(' ')
		}
	}
	return out.String()
}

// sbatchSubmit runs the sbatch on PATH and returns the job id.
func sbatchSubmit(script string, opts []string, pace float64) (string, error) {
	tmp, err := os.CreateTemp("", "srtctl-sbatch-*.sh")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(script)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	argv := append(append([]string{"sbatch"}, opts...), tmp.Name())
	cmd := exec.Command("sbatch", argv[1:]...)
	cmd.Env = append(os.Environ(), PaceEnv+"="+strconv.FormatFloat(pace, 'g', -1, 64))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	runErr := cmd.Run()
	m := submittedRE.FindStringSubmatch(out.String())
	if runErr != nil || m == nil {
		return "", fmt.Errorf("%s\nstderr: %s", calledProcessError(argv, runErr, out.String()), strings.TrimSpace(errOut.String()))
	}
	return m[1], nil
}

func renderTodayScript(exe, base string, plan todayPlan, nodes int, now time.Time) string {
	var s strings.Builder
	s.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&s, "#SBATCH --nodes=%d\n", nodes)
	s.WriteString("#SBATCH --ntasks-per-node=1\n#\n")
	fmt.Fprintf(&s, "# SIMULATED: rendered by the srtctl stand-in of srtctl-tui (srtctl %s) at %s.\n", plan.Release, now.Format(time.RFC3339))
	s.WriteString("# It runs a simulated sweep (no model servers, no GPUs) that writes the\n")
	s.WriteString("# files a real srtctl run writes under <output base>/<job id>/, on the same schedule.\n")
	s.WriteString("\nset -eu\n")
	fmt.Fprintf(&s, "RUN_DIR=%s/\"${SLURM_JOB_ID}\"\n", shellescape.Quote(base))
	s.WriteString("mkdir -p \"$RUN_DIR/logs\"\n")
	s.WriteString("exec >>\"$RUN_DIR/logs/sweep_${SLURM_JOB_ID}.log\" 2>&1\n")
	fmt.Fprintf(&s, "exec -a %s %s --run-dir \"$RUN_DIR\" --plan %s\n", ToolTodayJob, shellescape.Quote(exe), shellescape.Quote(plan.encode()))
	return s.String()
}

// writeTodayRunDir writes what apply leaves in <base>/<id>/ beside the logs.
func writeTodayRunDir(run, id string, doc *jobspec.Doc, plan todayPlan, script string, now time.Time) error {
	if err := os.MkdirAll(filepath.Join(run, "logs"), 0o755); err != nil {
		return err
	}
	meta, _ := json.MarshalIndent(map[string]any{
		"job_id": id, "job_name": plan.Name, "submitted_at": now.Format(time.RFC3339), "output_dir": run,
		"profiling": plan.Profiling, "srtctl_release": plan.Release, "simulated": true,
	}, "", "  ")
	for _, f := range []struct {
		name string
		data []byte
		perm os.FileMode
	}{
		{"config.yaml", doc.Bytes(), 0o644},
		{"sbatch_script.sh", []byte(script), 0o755},
		{id + ".json", append(meta, '\n'), 0o644},
	} {
		if err := writeFileAtomic(filepath.Join(run, f.name), f.data, f.perm); err != nil {
			return err
		}
	}
	return nil
}

// richWidth is the width Rich wraps at: COLUMNS when set, else 80 (its
// width off a terminal, which is what an ssh command gets).
func richWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}

// richPrint prints one line the way Rich's console.print wraps it: words
// that do not fit move to the next line, a word longer than the width is
// folded at the width.
func richPrint(w io.Writer, line string) {
	for _, l := range richWrap(line, richWidth()) {
		fmt.Fprintln(w, l)
	}
}

func richWrap(line string, width int) []string {
	var out []string
	cur, curW := "", 0
	flush := func() {
		out = append(out, strings.TrimRight(cur, " "))
		cur, curW = "", 0
	}
	for _, word := range strings.SplitAfter(line, " ") {
		ww := cellWidth(strings.TrimRight(word, " "))
		if curW > 0 && curW+ww > width {
			flush()
		}
		for cellWidth(word) > width && width > 0 {
			head, rest := foldAt(word, width-curW)
			cur += head
			flush()
			word = rest
		}
		cur += word
		curW += cellWidth(word)
	}
	if cur != "" || len(out) == 0 {
		flush()
	}
	return out
}

// foldAt splits s after the first n cells.
func foldAt(s string, n int) (string, string) {
	w := 0
	for i, r := range s {
		rw := runeCells(r)
		if w+rw > n {
			return s[:i], s[i:]
		}
		w += rw
	}
	return s, ""
}

func cellWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeCells(r)
	}
	return n
}

// runeCells counts emoji as two cells, as Rich does.
func runeCells(r rune) int {
	if r >= 0x1F300 || (r >= 0x2600 && r <= 0x27BF) {
		return 2
	}
	return 1
}
