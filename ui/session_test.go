package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// sesFollowEngine is a fake engine that runs until its context ends.
type sesFollowEngine struct {
	*monFakeEngine
	info monitor.JobInfo
}

func (e *sesFollowEngine) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// sesBackend is a fake cluster connection.
type sesBackend struct {
	mu        sync.Mutex
	submitted []string
	submitErr error
	logDir    string
	findErr   error
	followed  []monitor.JobInfo
	closed    int
}

func (b *sesBackend) Submit(_ context.Context, path string) (*runner.Submission, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.submitted = append(b.submitted, path)
	if b.submitErr != nil {
		return nil, b.submitErr
	}
	return &runner.Submission{Cluster: "testc", JobID: "4242", Name: "prof-job", LogDir: b.logDir}, nil
}

func (b *sesBackend) FindLogDir(id string) (string, error) {
	if b.findErr != nil {
		return "", b.findErr
	}
	return "/root/logs/" + id + "_1P_1D", nil
}

func (b *sesBackend) Follow(info monitor.JobInfo, _ monitor.Options) FollowEngine {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.followed = append(b.followed, info)
	return &sesFollowEngine{monFakeEngine: monNewFakeEngine(), info: info}
}

func (b *sesBackend) Close() error { b.mu.Lock(); b.closed++; b.mu.Unlock(); return nil }

// sesDialer records how the session connected and answers with backend
// (or fails the BatchMode attempts while batchFails is set).
type sesDialer struct {
	mu         sync.Mutex
	backend    *sesBackend
	batchFails bool
	calls      []string // "batch" or "terminal"
	execs      int
}

func (d *sesDialer) dial(_ context.Context, cl runner.Cluster, o runner.ConnectOptions) (Backend, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if o.Stdin != nil {
		d.calls = append(d.calls, "terminal")
		d.batchFails = false // ssh got its answers: the master is up
		return &sesBackend{}, nil
	}
	d.calls = append(d.calls, "batch")
	if !o.KeepMaster {
		return nil, errors.New("the screens' connection must keep the master for the next command")
	}
	if d.batchFails {
		return nil, &runner.ConnectError{Cluster: cl.Name, Host: cl.Host, Reason: "Permission denied (publickey,password)."}
	}
	return d.backend, nil
}

// exec runs the command at once, the way tea.Exec would with the terminal.
func (d *sesDialer) exec(c tea.ExecCommand, fn tea.ExecCallback) tea.Cmd {
	return func() tea.Msg {
		d.mu.Lock()
		d.execs++
		d.mu.Unlock()
		null, _ := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		defer null.Close()
		c.SetStdin(null)
		c.SetStdout(null)
		c.SetStderr(null)
		return fn(c.Run())
	}
}

func sesClusters(d *sesDialer, history *runner.History) *Clusters {
	return &Clusters{
		Default: "testc",
		Lookup: func(name string) (runner.Cluster, error) {
			if name != "testc" && name != "other" {
				return runner.Cluster{}, errors.New(`unknown cluster "` + name + `"`)
			}
			return runner.Cluster{Name: name, Host: name + ".example.org", SrtctlRoot: "/root"}, nil
		},
		Options: SessionOptions{History: history, dial: d.dial, exec: d.exec, terminal: func() bool { return true }},
	}
}

// sesValidWizard is a new job that passes srtctl's rules, saved to target.
func sesValidWizard(target string) *wizard.Wizard {
	v := wizard.NewValues()
	v.Name, v.ModelPath, v.Container = "prof-job", "/models/m", "/c/s.sqsh"
	v.Account, v.Partition, v.TimeLimit = "acct", "batch", "00:30:00"
	wz := wizard.NewJobWith(v)
	wz.Target = target
	return wz
}

// sesSavedReview opens the review of a valid new job in a pump and saves
// it to dir/job.yaml.
func sesSavedReview(t *testing.T, ctx *Context) (*pump, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "job.yaml")
	wz := sesValidWizard(path)
	res, err := wz.Result()
	if err != nil {
		t.Fatal(err)
	}
	ctx.Width, ctx.Height, ctx.Styles, ctx.NoColor = 100, 30, NewStyles(true), true
	p := newPump(t, NewReviewScreen(ctx, wz, res), 100, 30)
	p.root.ctx = ctx
	p.key("s")
	p.mustSee("Save as: " + path)
	p.key("enter")
	p.mustSee("Saved "+path, "srtctl apply -f "+path)
	return p, path
}

// After Save, y submits on the cluster, records the job, and the job's
// monitor becomes the only screen.
func TestReviewSubmitNowOpensMonitor(t *testing.T) {
	d := &sesDialer{backend: &sesBackend{logDir: "/root/logs/4242_1P_1D"}}
	ctx := &Context{Clusters: sesClusters(d, nil)}
	p, path := sesSavedReview(t, ctx)
	p.mustSee("Submit now? y", "y runs srtctl apply on cluster testc")
	p.key("y")
	if got := d.backend.submitted; len(got) != 1 || got[0] != path {
		t.Fatalf("submitted %v, want [%s]", got, path)
	}
	m, ok := monitorOf(p.root.Top())
	if !ok {
		t.Fatalf("top screen after submit is %T, want the monitor", p.root.Top())
	}
	if len(p.root.screens) != 1 {
		t.Fatalf("%d screens under the monitor; the form should be gone", len(p.root.screens)-1)
	}
	info := m.Status().Info
	if info.ID != "4242" || info.Cluster != "testc" || info.LogDir != "/root/logs/4242_1P_1D" {
		t.Fatalf("monitor follows %+v", info)
	}
	p.mustSee("Job 4242 submitted on testc.")
	if strings.Join(d.calls, ",") != "batch" || d.execs != 0 {
		t.Fatalf("connected with %v and %d terminal handovers; a working BatchMode needs none", d.calls, d.execs)
	}
	// q in the monitor quits with how to re-attach.
	p.key("q")
	if !p.quit || !strings.Contains(p.root.ExitMessage, "srtctl-tui monitor 4242 --cluster testc") {
		t.Fatalf("quit=%v message %q", p.quit, p.root.ExitMessage)
	}
}

// srtctl's refusal is shown verbatim in the review; y tries again, b goes
// back to the form.
func TestReviewShowsSrtctlRefusalVerbatim(t *testing.T) {
	refusal := "Invalid config in /root/jobs/job-1.yaml:\n  slurm.partition: 'nosuch' is not a partition of this cluster\n  (sbatch: error: invalid partition specified: nosuch)"
	d := &sesDialer{backend: &sesBackend{submitErr: &runner.SubmitError{Cluster: "testc", ExitCode: 1, Message: refusal}}}
	ctx := &Context{Clusters: sesClusters(d, nil)}
	wz := sesValidWizard(filepath.Join(t.TempDir(), "job.yaml"))
	ctx.Width, ctx.Height, ctx.Styles, ctx.NoColor = 100, 30, NewStyles(true), true
	p := newPump(t, NewWizardScreen(ctx, wz), 100, 30)
	p.root.ctx = ctx
	p.send(reviewBackMsg{}) // to the last step
	p.key("enter")
	p.key("enter")
	p.key("enter")
	p.mustSee("Step 5/5 Review")
	p.key("s")
	p.key("enter")
	p.key("y")
	v := p.view()
	for _, line := range strings.Split(refusal, "\n") {
		if !strings.Contains(v, line) {
			t.Fatalf("refusal line %q not shown verbatim:\n%s", line, v)
		}
	}
	p.mustSee("srtctl refused the job on cluster testc:", "y submit again", "b back to the form")
	if _, ok := p.root.Top().(*ReviewScreen); !ok {
		t.Fatalf("top screen %T after a refusal", p.root.Top())
	}
	p.key("y")
	if n := len(d.backend.submitted); n != 2 {
		t.Fatalf("y after a refusal submitted %d times in all, want 2", n)
	}
	p.key("b")
	if _, ok := p.root.Top().(*WizardScreen); !ok {
		t.Fatalf("b after a refusal went to %T, want the form", p.root.Top())
	}
}

// When BatchMode cannot connect, the terminal goes to ssh once, then the
// screens' connection is opened in BatchMode on the master it left.
func TestSubmitHandsTerminalToSSHWhenItMustAsk(t *testing.T) {
	d := &sesDialer{backend: &sesBackend{logDir: "/root/logs/4242_1P_1D"}, batchFails: true}
	ctx := &Context{Clusters: sesClusters(d, nil)}
	p, _ := sesSavedReview(t, ctx)
	p.key("y")
	if got := strings.Join(d.calls, ","); got != "batch,terminal,batch" || d.execs != 1 {
		t.Fatalf("connect sequence %q with %d handovers, want batch,terminal,batch with 1", got, d.execs)
	}
	if _, ok := monitorOf(p.root.Top()); !ok {
		t.Fatalf("top screen %T after submit", p.root.Top())
	}
}

// A failed connection is said in the review; y tries again.
func TestSubmitConnectFailureStaysOnReview(t *testing.T) {
	d := &sesDialer{backend: &sesBackend{}}
	cls := sesClusters(d, nil)
	cls.Options.terminal = func() bool { return false }
	d.batchFails = true
	ctx := &Context{Clusters: cls}
	p, _ := sesSavedReview(t, ctx)
	p.key("y")
	p.mustSee("not submitted: cluster testc: cannot connect to testc.example.org: Permission denied", "Try again? y")
	if d.execs != 0 {
		t.Fatal("handed the terminal over without one")
	}
}

// The local cluster without srtctl on PATH: no "Submit now?", the apply
// command and why.
func TestReviewLocalWithoutSrtctlShowsApplyCommand(t *testing.T) {
	empty := t.TempDir()
	d := &sesDialer{backend: &sesBackend{}}
	cls := sesClusters(d, nil)
	cls.Default = "local"
	cls.Lookup = func(string) (runner.Cluster, error) {
		return runner.Cluster{Name: "local", Local: true, SrtctlRoot: empty, Env: map[string]string{"PATH": empty}}, nil
	}
	ctx := &Context{Clusters: cls}
	p, path := sesSavedReview(t, ctx)
	if strings.Contains(p.view(), "Submit now?") {
		t.Fatalf("submit offered without srtctl:\n%s", p.view())
	}
	p.mustSee("srtctl apply -f "+path, "srtctl is not on this machine's PATH (cluster local)")
	p.key("y")
	if len(d.calls) != 0 {
		t.Fatal("y connected anyway")
	}
	// With srtctl on that PATH it is offered.
	if err := os.WriteFile(filepath.Join(empty, "srtctl"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	p2, _ := sesSavedReview(t, &Context{Clusters: cls})
	p2.mustSee("Submit now? y", "cluster local")
}

// "Monitor a job" lists the history newest first and follows the job
// chosen on its own cluster, finding its log directory when the history
// has none.
func TestJobPickerFollowsHistoryEntry(t *testing.T) {
	hist := runner.OpenHistory(filepath.Join(t.TempDir(), "history.jsonl"))
	at := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	for i, e := range []runner.Entry{
		{Cluster: "testc", JobID: "101", Name: "first-job", LogDir: "/root/logs/101_1P_1D", SubmittedAt: at},
		{Cluster: "other", JobID: "202", Name: "second-job", SubmittedAt: at.Add(time.Hour)},
		{Cluster: "testc", JobID: "303", Name: "third\x1b]0;pwned\x07-job", LogDir: "/root/logs/303_1P_1D", SubmittedAt: at.Add(2 * time.Hour)},
	} {
		if err := hist.Append(e); err != nil {
			t.Fatal(i, err)
		}
	}
	d := &sesDialer{backend: &sesBackend{}}
	ctx := &Context{Clusters: sesClusters(d, hist), Styles: NewStyles(true), NoColor: true, Width: 100, Height: 30}
	start := NewStartScreen(ctx, t.TempDir())
	p := newPump(t, start, 100, 30)
	p.root.ctx = ctx
	p.mustSee("Monitor a job")
	p.key("up") // the last item
	p.key("enter")
	picker, ok := p.root.Top().(*JobPicker)
	if !ok {
		t.Fatalf("top screen %T", p.root.Top())
	}
	v := p.view()
	i3, i2, i1 := strings.Index(v, "303"), strings.Index(v, "202"), strings.Index(v, "101")
	if i3 < 0 || i2 < 0 || i1 < 0 || !(i3 < i2 && i2 < i1) {
		t.Fatalf("not newest first:\n%s", v)
	}
	p.mustSee("CLUSTER", "JOB", "NAME", "SUBMITTED", "other", "second-job", "2026-01-02")
	if strings.Contains(v, "\x1b]0;") {
		t.Fatal("a job name's escape sequence reached the screen")
	}
	if len(picker.Entries()) != 3 {
		t.Fatalf("%d entries", len(picker.Entries()))
	}
	p.key("down")
	p.key("enter")
	m, ok := monitorOf(p.root.Top())
	if !ok {
		t.Fatalf("enter on job 202 opened %T; status %q", p.root.Top(), p.root.status.Text)
	}
	info := m.Status().Info
	if info.ID != "202" || info.Cluster != "other" || info.LogDir != "/root/logs/202_1P_1D" || info.Name != "second-job" {
		t.Fatalf("following %+v", info)
	}
	if len(p.root.screens) != 1 {
		t.Fatalf("%d screens under the monitor", len(p.root.screens)-1)
	}
}

// A job whose log directory cannot be found stays in the list with the
// reason; an empty history says how jobs get there.
func TestJobPickerFailureAndEmptyHistory(t *testing.T) {
	hist := runner.OpenHistory(filepath.Join(t.TempDir(), "history.jsonl"))
	d := &sesDialer{backend: &sesBackend{findErr: errors.New("no log directory /root/logs/7_*")}}
	ctx := &Context{Clusters: sesClusters(d, hist), Styles: NewStyles(true), NoColor: true, Width: 100, Height: 30}
	p := newPump(t, NewJobPicker(ctx), 100, 30)
	p.root.ctx = ctx
	p.mustSee("No jobs in the history yet", hist.Path(), "press i and type its id")
	if err := hist.Append(runner.Entry{Cluster: "testc", JobID: "7", Name: "lost"}); err != nil {
		t.Fatal(err)
	}
	p = newPump(t, NewJobPicker(ctx), 100, 30)
	p.root.ctx = ctx
	p.key("enter")
	if _, ok := p.root.Top().(*JobPicker); !ok {
		t.Fatalf("top %T after a failure", p.root.Top())
	}
	p.mustSee("cannot follow the job: no log directory /root/logs/7_*")
	if p.root.Top().(*JobPicker).busy {
		t.Fatal("still busy after the failure")
	}
	p.key("esc")
	if !p.quit {
		t.Fatal("esc on the only screen did not leave")
	}
}

// The demo's review: the save path is shown but cannot be changed.
func TestReviewKeepTargetCannotBeEdited(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "prof.yaml")
	wz := sesValidWizard(target)
	wz.KeepTarget = true
	res, err := wz.Result()
	if err != nil {
		t.Fatal(err)
	}
	p := newPump(t, NewReviewScreen(&Context{Styles: NewStyles(true), NoColor: true}, wz, res), 100, 30)
	p.key("s")
	p.mustSee("Save as: "+target, "this path is fixed")
	p.key("ctrl+u")
	p.key("backspace")
	p.typeText("/etc/evil.yaml")
	p.mustSee("Save as: " + target)
	p.key("enter")
	p.mustSee("Saved " + target)
	if _, err := os.Stat(target); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/etc/evil.yaml"); err == nil {
		t.Fatal("wrote outside the fixed path")
	}
}

// Pre-filled answers (the demo's form) are no unsaved changes: ctrl+c
// quits at once; after a real edit it asks.
func TestPrefilledFormQuitsWithoutAskingUntilEdited(t *testing.T) {
	ws := NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, sesValidWizard("x.yaml"))
	p := newPump(t, ws, 100, 30)
	p.key("ctrl+c")
	if !p.quit {
		t.Fatalf("ctrl+c on the untouched pre-filled form did not quit:\n%s", p.view())
	}
	ws = NewWizardScreen(&Context{Styles: NewStyles(true), NoColor: true}, sesValidWizard("x.yaml"))
	p = newPump(t, ws, 100, 30)
	p.typeText("x")
	p.key("ctrl+c")
	if p.quit {
		t.Fatal("ctrl+c after an edit quit without asking")
	}
	p.mustSee("Unsaved changes")
}

// While srtctl apply runs, the review says so, ignores y, and the first
// ctrl+c warns instead of quitting; the second quits.
func TestReviewWhileSubmitting(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	ctx := &Context{}
	p, _ := sesSavedReview(t, ctx)
	r := p.root.Top().(*ReviewScreen)
	calls := 0
	r.Submit = func(string) tea.Cmd {
		calls++
		return func() tea.Msg { <-block; return nil }
	}
	r.SubmitTo = "testc"
	p.key("y")
	p.mustSee("Submitting on cluster testc: srtctl apply -f", "The monitor opens once srtctl has taken the job.")
	p.key("y")
	if calls != 1 {
		t.Fatalf("y while submitting submitted again (%d calls)", calls)
	}
	p.key("ctrl+c")
	if p.quit {
		t.Fatal("the first ctrl+c during srtctl apply quit")
	}
	p.mustSee("quitting now may leave the job submitted but not followed")
	p.key("ctrl+c")
	if !p.quit {
		t.Fatal("the second ctrl+c did not quit")
	}
}

// "Monitor a job" follows a job that is not in the history: i asks for its
// id and follows it on the default cluster (it used to print a command).
func TestJobPickerFollowsJobByID(t *testing.T) {
	hist := runner.OpenHistory(filepath.Join(t.TempDir(), "history.jsonl"))
	d := &sesDialer{backend: &sesBackend{}}
	ctx := &Context{Clusters: sesClusters(d, hist), Styles: NewStyles(true), NoColor: true, Width: 100, Height: 30}
	p := newPump(t, NewJobPicker(ctx), 100, 30)
	p.root.ctx = ctx
	p.mustSee("i follow a job by its id")
	p.key("i")
	p.mustSee("Job id: ", "on cluster "+ctx.Clusters.Default, "enter follow this job", "esc cancel")
	p.typeText("12x")
	p.key("enter")
	p.mustSee(`"12x" is not a SLURM job id`)
	p.key("backspace")
	p.key("enter")
	m, ok := monitorOf(p.root.Top())
	if !ok {
		t.Fatalf("top %T; status %q", p.root.Top(), p.root.status.Text)
	}
	if info := m.Status().Info; info.ID != "12" || info.Cluster != ctx.Clusters.Default || info.LogDir == "" {
		t.Fatalf("following %+v", info)
	}
}
