package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"time"

	"al.essio.dev/pkg/shellescape"
)

// config is what the flags set.
type config struct {
	bin                string
	cols, rows         int
	burst              int
	burstMin, burstMax time.Duration
	settle             time.Duration // silence before the burst and before the idle window
	idleWindow         time.Duration
	idleAfter          int // markers after the idle window, each after idleGap of silence
	idleGap            time.Duration
	sample             time.Duration // how often the pane is captured
	showTimeout        time.Duration
	tail               bool
}

// modeRun is one cluster's run: the monitor in its pane, the markers, the
// CPU measured while idle.
type modeRun struct {
	name    string // "ssh" or "local"
	cluster string // the --cluster argument
	cfg     config
	fx      *fixture
	scr     *screen
	ms      markers
	seq     int
	last    time.Time // the last write to profile_prefill.out

	captures []time.Duration // how long each capture-pane took
	cpu      cpuResult
	tailCmd  *exec.Cmd
}

// cpuResult is CPU use while idle, in percent of one core.
type cpuResult struct {
	window                           time.Duration
	monitor, children, master, sshd  float64
	tailClient, tailServer           float64
	haveMaster, haveSSHD, haveTail   bool
	rssKB                            int
	wakeups                          float64 // context switches of srtctl-tui per second
	clientErr, serverErr, tailErrMsg string
}

func (r *modeRun) run(ctx context.Context) error {
	r.last = time.Now()
	if r.cfg.tail && r.name == "ssh" {
		if err := r.startTail(ctx); err != nil {
			return err
		}
		defer r.stopTail()
	}
	// The monitor is up once this line, the file's last, is on screen.
	ready := "ready-" + newToken("bm"+r.name[:1], 0)
	if _, err := r.fx.prefill.WriteString("[bench] " + r.name + " monitor starting " + ready + "\n"); err != nil {
		return err
	}
	r.last = time.Now()
	scr, err := startScreen(ctx, r.name, r.cfg.cols, r.cfg.rows, r.fx.monitorEnv(), r.cfg.bin,
		"monitor", r.fx.jobID, "--cluster", r.cluster, "--log-dir", r.fx.logDir)
	if err != nil {
		return err
	}
	r.scr = scr
	defer scr.close()
	want := []string{ready}
	if r.fx.jobState() == "RUNNING" {
		want = append(want, "RUNNING")
	}
	if err := scr.waitFor(ctx, 30*time.Second, want...); err != nil {
		return err
	}
	fmt.Printf("  %s: monitor up (pid %d); %v of silence, then %d lines every %v-%v\n",
		r.name, scr.pid, r.cfg.settle, r.cfg.burst, r.cfg.burstMin, r.cfg.burstMax)

	// The burst's first line comes after the settle: an after-idle line.
	if !sleepCtx(ctx, time.Until(r.last.Add(r.cfg.settle))) {
		return ctx.Err()
	}
	if err := r.burstLines(ctx); err != nil {
		return err
	}

	fmt.Printf("  %s: %v to settle, then %v with nothing written (CPU)\n", r.name, r.cfg.settle, r.cfg.idleWindow)
	if !sleepCtx(ctx, time.Until(r.last.Add(r.cfg.settle))) {
		return ctx.Err()
	}
	if err := r.measureIdle(ctx); err != nil {
		return err
	}

	fmt.Printf("  %s: %d lines, each after %v or more of silence\n", r.name, r.cfg.idleAfter, r.cfg.idleGap)
	for i := 0; i < r.cfg.idleAfter; i++ {
		if i > 0 {
			gap := r.cfg.idleGap + rand.N(2*time.Second)
			if !sleepCtx(ctx, time.Until(r.last.Add(gap))) {
				return ctx.Err()
			}
		}
		if err := r.write(kindIdle); err != nil {
			return err
		}
		r.sampleUntilShown(ctx, nil)
	}
	if !alive(scr.pid) {
		text, _ := scr.capture()
		return fmt.Errorf("%s: the monitor exited during the run; the pane shows:\n%s", r.name, text)
	}
	return nil
}

// write appends a new marker line of kind.
func (r *modeRun) write(kind string) error {
	r.seq++
	m := &marker{token: newToken("bm"+r.name[:1], r.seq), kind: kind, quiet: time.Since(r.last)}
	r.ms.add(m)
	r.last = m.written
	_, err := r.fx.prefill.WriteString("[bench] marker " + m.token + "\n")
	return err
}

// burstLines writes cfg.burst lines at random intervals while sampling
// the pane.
func (r *modeRun) burstLines(ctx context.Context) error {
	done := make(chan error, 1)
	go func() {
		for i := 0; i < r.cfg.burst; i++ {
			kind := kindBurst
			if i == 0 {
				kind = kindIdle
			} else if !sleepCtx(ctx, r.cfg.burstMin+rand.N(r.cfg.burstMax-r.cfg.burstMin+1)) {
				done <- ctx.Err()
				return
			}
			if err := r.write(kind); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	return r.sampleUntilShown(ctx, done)
}

// sampleUntilShown captures the pane every cfg.sample until the writer
// (done; nil means it has finished) is done and every marker is on screen,
// or showTimeout after the last write. The time a marker is shown is the
// end of the first capture holding it: an upper bound, by at most one
// sampling period plus one capture.
func (r *modeRun) sampleUntilShown(ctx context.Context, done <-chan error) error {
	writing := done != nil
	var werr error
	for {
		start := time.Now()
		text, err := r.scr.capture()
		end := time.Now()
		if err != nil {
			return fmt.Errorf("capture-pane: %v", err)
		}
		r.captures = append(r.captures, end.Sub(start))
		pending := r.ms.sawOnScreen(text, end)
		if writing {
			select {
			case werr = <-done:
				writing = false
			default:
			}
		}
		if !writing && (pending == 0 || werr != nil || time.Since(r.lastWrite()) > r.cfg.showTimeout) {
			return werr
		}
		if !sleepCtx(ctx, time.Until(start.Add(r.cfg.sample))) {
			return ctx.Err()
		}
	}
}

func (r *modeRun) lastWrite() time.Time {
	r.ms.mu.Lock()
	defer r.ms.mu.Unlock()
	if len(r.ms.list) == 0 {
		return time.Time{}
	}
	return r.ms.list[len(r.ms.list)-1].written
}

// startTail follows the same file with tail -F over its own ssh
// connection, for comparison: the remote tail is woken by inotify.
func (r *modeRun) startTail(ctx context.Context) error {
	path := r.fx.prefill.Name()
	cmd := exec.CommandContext(ctx, "ssh", "-F", r.fx.env.sshConfig, "-o", "ControlPath=none", "-o", "BatchMode=yes",
		r.fx.env.host, "exec tail -n 0 -F "+shellescape.Quote(path))
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("tail -F over ssh: %v", err)
	}
	r.tailCmd = cmd
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		first := true
		for sc.Scan() {
			if first {
				first = false
				close(ready)
			}
			r.ms.sawInTail(sc.Text(), time.Now())
		}
	}()
	// Poke it until it has the file open and answers.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := r.fx.prefill.WriteString("[bench] tail-ready\n"); err != nil {
			return err
		}
		r.last = time.Now()
		select {
		case <-ready:
			return nil
		case <-time.After(500 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errors.New("tail -F over ssh printed nothing within 15 s")
}

func (r *modeRun) stopTail() {
	if r.tailCmd != nil && r.tailCmd.Process != nil {
		_ = r.tailCmd.Process.Kill()
		_ = r.tailCmd.Wait()
	}
}

// measureIdle reads the CPU times of the monitor and of everything working
// for it before and after cfg.idleWindow with nothing written.
func (r *modeRun) measureIdle(ctx context.Context) error {
	pid := r.scr.pid
	master := 0
	var sshd []int
	if r.name == "ssh" {
		master = sshMaster(r.fx.control)
		if master == 0 {
			r.cpu.clientErr = "no ssh master found under " + r.fx.control
		} else if pids, err := serverSide(master, r.fx.env.port); err != nil {
			r.cpu.serverErr = err.Error()
		} else {
			sshd = pids
		}
	}
	tailPid := 0
	var tailSSHD []int
	if r.tailCmd != nil && r.tailCmd.Process != nil {
		tailPid = r.tailCmd.Process.Pid
		if pids, err := serverSide(tailPid, r.fx.env.port); err != nil {
			r.cpu.tailErrMsg = err.Error()
		} else {
			tailSSHD = pids
		}
	}

	type snap struct{ self, client, master, sshd, tailC, tailS, switches uint64 }
	take := func() snap {
		p := allProcs()
		s := snap{self: p[pid].self, client: treeTicks(p, pid, master), sshd: treeTicks(p, sshd...), switches: contextSwitches(pid)}
		if master != 0 {
			s.master = treeTicks(p, master)
		}
		if tailPid != 0 {
			s.tailC, s.tailS = treeTicks(p, tailPid), treeTicks(p, tailSSHD...)
		}
		return s
	}
	t0, a := time.Now(), take()
	if !sleepCtx(ctx, r.cfg.idleWindow) {
		return ctx.Err()
	}
	t1, b := time.Now(), take()
	if !alive(pid) {
		return fmt.Errorf("%s: the monitor exited during the idle window", r.name)
	}
	hz := clockTicks()
	secs := t1.Sub(t0).Seconds()
	pct := func(x, y uint64) float64 {
		if y < x { // a process of the tree went away unreaped
			return 0
		}
		return float64(y-x) / hz / secs * 100
	}
	r.cpu.window = t1.Sub(t0)
	r.cpu.monitor = pct(a.self, b.self)
	r.cpu.children = pct(a.client-a.self-a.master, b.client-b.self-b.master)
	r.cpu.master, r.cpu.haveMaster = pct(a.master, b.master), master != 0
	r.cpu.sshd, r.cpu.haveSSHD = pct(a.sshd, b.sshd), len(sshd) > 0
	r.cpu.tailClient, r.cpu.tailServer = pct(a.tailC, b.tailC), pct(a.tailS, b.tailS)
	r.cpu.haveTail = tailPid != 0 && len(tailSSHD) > 0
	r.cpu.rssKB = rssKB(pid)
	r.cpu.wakeups = float64(b.switches-a.switches) / secs
	return nil
}
