package sim

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Simulated cluster shape.
const (
	simNodeCount = 16
	simPartition = "gpu"
	simCluster   = "sim"
)

func simNodeName(i int) string { return fmt.Sprintf("sim-node-%02d", i+1) }

// sbatchRequest is what a batch job asks for, from #SBATCH lines and flags.
type sbatchRequest struct {
	name, output, errorPath, partition, account, chdir string
	timeLimit                                          string
	nodes                                              int
	parsable                                           bool
}

// sbatchValueFlags maps every value-taking option the simulation reads to
// a setter; long and short spellings share one.
func (r *sbatchRequest) set(name, val string) (known bool, err error) {
	switch name {
	case "-J", "--job-name":
		r.name = val
	case "-t", "--time":
		if _, ok := parseTimeLimit(val); !ok {
			return true, fmt.Errorf("Invalid --time specification")
		}
		r.timeLimit = val
	case "-o", "--output":
		r.output = val
	case "-e", "--error":
		r.errorPath = val
	case "-p", "--partition":
		r.partition = val
	case "-A", "--account":
		r.account = val
	case "-D", "--chdir":
		r.chdir = val
	case "-N", "--nodes":
		lo, _, _ := strings.Cut(val, "-")
		n, err := strconv.Atoi(lo)
		if err != nil || n <= 0 {
			return true, fmt.Errorf("invalid node count `%s'", val)
		}
		r.nodes = n
	case "-n", "--ntasks", "-c", "--cpus-per-task", "--gres", "--gpus", "--gpus-per-node",
		"--mem", "--exclusive", "--qos", "--export", "--segment", "--dependency", "-d", "--mail-type", "--mail-user":
		// Accepted and ignored: the simulated nodes have whatever is asked.
	default:
		return false, nil
	}
	return true, nil
}

// parseSbatchArgs splits sbatch's command line into options and the script.
func parseSbatchArgs(r *sbatchRequest, args []string) (script string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			return a, nil
		}
		switch a {
		case "--parsable":
			r.parsable = true
			continue
		case "--exclusive", "-H", "--hold", "-Q", "--quiet":
			continue
		}
		name, val, hasVal := a, "", false
		if strings.HasPrefix(a, "--") {
			name, val, hasVal = strings.Cut(a, "=")
			if !hasVal {
				name = a
			}
		} else if len(a) > 2 {
			name, val, hasVal = a[:2], a[2:], true
		}
		if !hasVal {
			if i+1 >= len(args) {
				return "", fmt.Errorf("option '%s' requires an argument", a)
			}
			i++
			val = args[i]
		}
		known, err := r.set(name, val)
		if err != nil {
			return "", err
		}
		if !known {
			return "", fmt.Errorf("unrecognized option '%s'", a)
		}
	}
	return "", fmt.Errorf("error: Batch script is empty!")
}

// readSbatchDirectives applies the script's #SBATCH lines, which sbatch
// reads up to the first command.
func readSbatchDirectives(r *sbatchRequest, script []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(script))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#!") {
			continue
		}
		if !strings.HasPrefix(line, "#") {
			break
		}
		rest, ok := strings.CutPrefix(line, "#SBATCH")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		opt := fields[0]
		name, val, hasVal := strings.Cut(opt, "=")
		if !hasVal {
			if strings.HasPrefix(opt, "--") {
				name = opt
				if len(fields) > 1 {
					val = fields[1]
				}
			} else if len(opt) > 2 {
				name, val = opt[:2], opt[2:]
			} else if len(fields) > 1 {
				val = fields[1]
			}
		}
		if name == "--exclusive" || name == "--parsable" || name == "-H" || name == "--hold" {
			continue
		}
		if _, err := r.set(name, val); err != nil {
			return err
		}
	}
	return nil
}

// runSbatch submits a batch script to the simulated scheduler and starts a
// detached supervisor for it, which runs the script once the job leaves
// PENDING.
func runSbatch(args []string, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "sbatch: "+format+"\n", a...)
		return 1
	}
	var r sbatchRequest
	scriptArg, err := parseSbatchArgs(&r, args)
	if err != nil {
		return fail("%v", err)
	}
	script, err := os.ReadFile(scriptArg)
	if err != nil {
		return fail("error: Unable to open file %s", scriptArg)
	}
	// Command-line options win over #SBATCH lines: read the lines first,
	// then the flags again.
	var fromScript sbatchRequest
	if err := readSbatchDirectives(&fromScript, script); err != nil {
		return fail("error: %v", err)
	}
	mergeRequest(&fromScript, &r)
	r = fromScript
	s, err := openStore()
	if err != nil {
		return fail("error: %v", err)
	}
	wd := r.chdir
	if wd == "" {
		if wd, err = os.Getwd(); err != nil {
			return fail("error: %v", err)
		}
	}
	wd, _ = filepath.Abs(wd)
	exe, err := os.Executable()
	if err != nil {
		return fail("error: %v", err)
	}
	u := currentUser()
	now := time.Now()
	var job *jobRecord
	err = s.locked(func() error {
		id, err := s.nextID()
		if err != nil {
			return err
		}
		nodes := max(r.nodes, 1)
		if nodes > simNodeCount {
			// SLURM uses up the id even for a request it refuses.
			return errNodeConfig
		}
		limit, _ := parseTimeLimit(r.timeLimit)
		name := r.name
		if name == "" {
			name = filepath.Base(scriptArg)
		}
		job = &jobRecord{
			ID: id, Name: name, User: u.name, UID: u.uid, GID: u.gid,
			Account: r.account, Partition: orDefault(r.partition, simPartition),
			TimeLimitSecs: int64(limit / time.Second), NumNodes: nodes,
			SubmitTime: now, State: statePending, Reason: "Priority", ExitCode: "0:0",
			WorkDir: wd, Command: absFrom(wd, scriptArg),
		}
		job.Nodes = allocateNodes(s, nodes)
		job.StdOut = expandOutputPath(wd, orDefault(r.output, "slurm-%j.out"), job)
		job.StdErr = expandOutputPath(wd, orDefault(r.errorPath, orDefault(r.output, "slurm-%j.out")), job)
		if err := writeFileAtomic(s.scriptPath(id), script, 0o755); err != nil {
			return err
		}
		pid, err := startSupervisor(exe, s.dir, id)
		if err != nil {
			return err
		}
		job.SupervisorPID = pid
		return s.save(job)
	})
	if err == errNodeConfig {
		return fail("error: Batch job submission failed: Requested node configuration is not available")
	}
	if err != nil {
		return fail("error: Batch job submission failed: %v", err)
	}
	if r.parsable {
		fmt.Fprintf(stdout, "%d\n", job.ID)
	} else {
		fmt.Fprintf(stdout, "Submitted batch job %d\n", job.ID)
	}
	return 0
}

var errNodeConfig = fmt.Errorf("requested node configuration is not available")

// mergeRequest copies every option set in over onto dst.
func mergeRequest(dst, over *sbatchRequest) {
	set := func(d *string, v string) {
		if v != "" {
			*d = v
		}
	}
	set(&dst.name, over.name)
	set(&dst.output, over.output)
	set(&dst.errorPath, over.errorPath)
	set(&dst.partition, over.partition)
	set(&dst.account, over.account)
	set(&dst.chdir, over.chdir)
	set(&dst.timeLimit, over.timeLimit)
	if over.nodes > 0 {
		dst.nodes = over.nodes
	}
	dst.parsable = dst.parsable || over.parsable
}

// allocateNodes picks the first nodes no pending or running job holds, so
// two simulated jobs do not appear on the same node; a full cluster
// shares nodes rather than queueing forever.
func allocateNodes(s *store, n int) []string {
	busy := map[string]bool{}
	if jobs, err := s.list(); err == nil {
		for _, j := range jobs {
			if !isTerminal(j.State) {
				for _, name := range j.Nodes {
					busy[name] = true
				}
			}
		}
	}
	var out []string
	for i := 0; i < simNodeCount && len(out) < n; i++ {
		if !busy[simNodeName(i)] {
			out = append(out, simNodeName(i))
		}
	}
	for i := 0; len(out) < n; i++ {
		out = append(out, simNodeName(i))
	}
	return out
}

// expandOutputPath fills sbatch's %j (job id), %x (name) and %u (user)
// and makes the path absolute against the job's working directory.
func expandOutputPath(wd, pattern string, j *jobRecord) string {
	p := strings.NewReplacer("%j", strconv.Itoa(j.ID), "%x", j.Name, "%u", j.User, "%%", "%").Replace(pattern)
	return absFrom(wd, p)
}

func absFrom(wd, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(wd, p)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// startSupervisor launches the job's supervisor in its own session, so it
// outlives sbatch and the shell that ran it, as slurmstepd does.
func startSupervisor(exe, stateDir string, id int) (int, error) {
	cmd := exec.Command(exe, strconv.Itoa(id))
	cmd.Args[0] = ToolSupervisor
	cmd.Env = append(os.Environ(), StateEnv+"="+stateDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	// Reap it if sbatch lives long enough; sbatch exits at once in practice.
	go cmd.Wait() //nolint:errcheck
	return pid, nil
}
