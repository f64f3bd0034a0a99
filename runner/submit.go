package runner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// Submission is a job srtctl accepted.
type Submission struct {
	Cluster string
	JobID   string
	// LogDir is the job's log directory on the cluster (absolute).
	LogDir string
	// Name is the job file's name: field.
	Name          string
	LocalJobFile  string
	RemoteJobFile string
	// Output is srtctl's stdout and stderr, made safe to print.
	Output      string
	SubmittedAt time.Time
}

// SubmitError is srtctl refusing a job (or failing to submit it). Message
// is srtctl's own text, verbatim apart from terminal control sequences.
type SubmitError struct {
	Cluster  string
	Command  string
	ExitCode int
	// Message is what srtctl said about the failure.
	Message string
	// Output is everything srtctl printed.
	Output string
}

func (e *SubmitError) Error() string {
	return fmt.Sprintf("cluster %s: srtctl did not submit the job (exit %d):\n%s", e.Cluster, e.ExitCode, e.Message)
}

// Submit uploads the job file to the cluster's workdir under a unique name
// (written under a temporary name, then renamed), runs
// `cd <srtctl_root> && <srtctl> apply -f <file>` and reads the job id and
// log directory from srtctl's output. It records the job in the history
// when the options have one.
func (c *Conn) Submit(ctx context.Context, localJobFile string) (*Submission, error) {
	data, err := readJobFile(localJobFile)
	if err != nil {
		return nil, err
	}
	fsys, err := c.writeFS()
	if err != nil {
		return nil, err
	}
	cl := c.cluster
	remote, err := upload(fsys, cl.JobsDir(), localJobFile, data)
	if err != nil {
		return nil, fmt.Errorf("cluster %s: uploading %s to %s: %w", cl.Name, localJobFile, cl.JobsDir(), err)
	}
	today := todayDialect(data)
	sub := &Submission{Cluster: cl.Name, Name: jobName(data), LocalJobFile: localJobFile,
		RemoteJobFile: remote, SubmittedAt: time.Now()}
	var argv []string
	var output string
	if today {
		sub.JobID, sub.LogDir, argv, output, err = c.applyToday(ctx, remote)
	} else {
		argv = append(append([]string{}, cl.SrtctlCommand()...), "apply", "-f", remote)
		var combined []byte
		_, _, combined, err = c.runIn(ctx, cl.SrtctlRoot, argv)
		output = safetext.Plain(string(combined))
		sub.JobID, sub.LogDir = ParseApplyOutput(output)
	}
	sub.Output = output
	if err != nil {
		var ce *CommandError
		var se *SubmitError
		switch {
		case errors.As(err, &se):
			_ = fsys.Remove(remote)
			// srtctl names the uploaded copy, which is gone: name the
			// user's file instead (apply --json's error record too).
			se.Message = localNames(se.Message, remote, localJobFile)
			return nil, se
		case errors.As(err, &ce) && !ce.Transport && ce.ExitCode > 0 && ce.ExitCode != 127:
			_ = fsys.Remove(remote) // nothing was submitted; keep the workdir clean
			return nil, &SubmitError{Cluster: cl.Name, Command: ce.Command, ExitCode: ce.ExitCode,
				Message: localNames(srtctlMessage(output), remote, localJobFile), Output: output}
		}
		return nil, err
	}
	if sub.JobID == "" {
		return nil, &SubmitError{Cluster: cl.Name, Command: shellCommand(cl.SrtctlRoot, argv),
			Message: "srtctl exited 0 but printed no job id:\n" + strings.TrimSpace(output), Output: output}
	}
	if sub.LogDir != "" && !path.IsAbs(sub.LogDir) {
		sub.LogDir = path.Join(cl.SrtctlRoot, sub.LogDir)
	}
	if sub.LogDir == "" && today {
		sub.LogDir, _ = c.FindRunDir(ctx, sub.JobID)
	}
	if sub.LogDir == "" {
		sub.LogDir, _ = findLogDir(fsys, path.Join(cl.SrtctlRoot, "logs"), sub.JobID)
	}
	if c.opts.History != nil {
		abs, _ := filepath.Abs(localJobFile)
		if err := c.opts.History.Append(Entry{Cluster: sub.Cluster, JobID: sub.JobID, Name: sub.Name,
			LogDir: sub.LogDir, JobFile: abs, RemoteJobFile: remote, SubmittedAt: sub.SubmittedAt}); err != nil {
			return sub, fmt.Errorf("job %s was submitted, but recording it failed: %w", sub.JobID, err)
		}
	}
	return sub, nil
}

// readJobFile reads a job file through jobspec's gate: a regular file (a
// pipe would hang the upload) of at most jobspec.MaxYAMLSize bytes.
func readJobFile(p string) ([]byte, error) {
	data, _, err := jobspec.ReadFile(p)
	return data, err
}

// upload writes data to dir/<stem>_<time>_<random>.yaml through a temporary
// name, so srtctl never reads a half-written file.
func upload(fsys writeFS, dir, localName string, data []byte) (string, error) {
	if err := fsys.MkdirAll(dir); err != nil {
		return "", err
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("%s_%s_%s.yaml", safeStem(localName), time.Now().Format("20060102_150405"), hex.EncodeToString(rnd[:]))
	final := path.Join(dir, name)
	tmp := path.Join(dir, "."+name+".part")
	w, err := fsys.Create(tmp)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		_ = fsys.Remove(tmp)
		return "", err
	}
	if err := w.Close(); err != nil {
		_ = fsys.Remove(tmp)
		return "", err
	}
	if err := fsys.Rename(tmp, final); err != nil {
		_ = fsys.Remove(tmp)
		return "", err
	}
	return final, nil
}

// safeStem is the local file's name without extension, reduced to
// characters that need no quoting anywhere.
func safeStem(p string) string {
	base := filepath.Base(p)
	base = strings.TrimSuffix(strings.TrimSuffix(base, filepath.Ext(base)), ".")
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.TrimLeft(b.String(), ".")
	if s == "" {
		s = "job"
	}
	return s
}

func jobName(data []byte) string {
	var top struct {
		Name any `yaml:"name"`
	}
	doc, err := jobspec.DecodeYAML("job", data)
	if err != nil || doc.Decode(&top) != nil || top.Name == nil {
		return ""
	}
	return safetext.Plain(fmt.Sprint(top.Name))
}

var (
	applyJobLine  = regexp.MustCompile(`(?m)Job ([0-9]+(?:_[0-9]+)?) submitted`)
	applyLogsLine = regexp.MustCompile(`(?m)Logs:[ \t]*(\S[^\n]*?)[ \t]*$`)
	sbatchJobLine = regexp.MustCompile(`(?m)Submitted batch job ([0-9]+)`)
	// srtctl's own progress log lines ("<time> | INFO | ..."), not part of a
	// failure's message.
	srtctlInfoLine = regexp.MustCompile(`^[^|]*\| *(INFO|DEBUG) *\|`)
	srtctlProblems = []string{"Invalid config in ", "❌", "Error", "error:", "Traceback"}
)

// ParseApplyOutput reads the job id and log directory from what
// `srtctl apply` printed: its "✅ Job <id> submitted!" and "📁 Logs: <dir>"
// lines, else sbatch's "Submitted batch job <id>" (the log directory is then
// found by the caller).
func ParseApplyOutput(out string) (jobID, logDir string) {
	if m := applyJobLine.FindStringSubmatch(out); m != nil {
		jobID = m[1]
	} else if m := sbatchJobLine.FindStringSubmatch(out); m != nil {
		jobID = m[1]
	}
	if m := applyLogsLine.FindStringSubmatch(out); m != nil {
		logDir = strings.TrimSpace(safetext.Plain(m[1]))
	}
	if joined := joinWrappedLogs(out); joined != "" {
		logDir = safetext.Plain(joined)
	}
	return jobID, logDir
}

// localNames makes srtctl's message name the user's file where it names
// the uploaded copy (by path, else by its unique file name): the user
// edits their file, not the cluster's temporary one.
func localNames(msg, remote, local string) string {
	msg = strings.ReplaceAll(msg, remote, local)
	return strings.ReplaceAll(msg, path.Base(remote), local)
}

// srtctlMessage is the part of srtctl's output that explains a failure:
// from the first line that reports a problem to the end, else everything.
func srtctlMessage(out string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if !srtctlInfoLine.MatchString(l) {
			lines = append(lines, l)
		}
	}
	for i, l := range lines {
		for _, p := range srtctlProblems {
			if strings.Contains(l, p) {
				return strings.Join(lines[i:], "\n")
			}
		}
	}
	return strings.TrimSpace(out)
}

// FindLogDir finds <srtctl_root>/logs/<id>_* on the cluster (the newest if
// several): the log directory of a job that is not in the local history, or
// whose srtctl did not print its Logs: line.
//
// A 1.0.x or 2.x run's directory, <output base>/<id> (FindRunDir), is
// looked for first.
func (c *Conn) FindLogDir(id string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if dir, err := c.FindRunDir(ctx, id); err == nil {
		return dir, nil
	}
	logs := path.Join(c.cluster.SrtctlRoot, "logs")
	dir, err := findLogDir(c.FS(), logs, id)
	if err != nil {
		return "", fmt.Errorf("cluster %s: %w", c.cluster.Name, err)
	}
	return dir, nil
}

func findLogDir(fsys FS, logs, id string) (string, error) {
	infos, err := fsys.ReadDir(logs)
	if err != nil {
		return "", fmt.Errorf("listing %s: %w", logs, err)
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].ModTime().After(infos[j].ModTime()) })
	for _, info := range infos {
		if info.IsDir() && strings.HasPrefix(info.Name(), id+"_") {
			return path.Join(logs, info.Name()), nil
		}
	}
	return "", fmt.Errorf("no log directory %s/%s_*", logs, id)
}
