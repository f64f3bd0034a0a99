// Command monitorbench measures the real srtctl-tui monitor in a tmux pane:
// the delay from a line appended to a job's profile_prefill.out to that
// line on screen (in bursts, and after the file was quiet), and the CPU the
// monitor and everything working for it (ssh, sshd) use while nothing
// happens. It follows the job over the test cluster's sshd and on the
// local cluster, and prints a table. It is a benchmark, not a test: it
// fails only when it cannot measure (or a line never shows up).
//
// Run it through scripts/bench-monitor.sh, as root, with the test cluster
// up (it writes into the test user's home and submits a job as that user).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() { os.Exit(run()) }

func run() int {
	var cfg config
	var modes string
	flag.StringVar(&cfg.bin, "bin", "", "the srtctl-tui binary to measure (required)")
	flag.StringVar(&modes, "clusters", "ssh,local", "which clusters to measure: ssh (the test cluster's sshd), local")
	flag.IntVar(&cfg.cols, "cols", 120, "pane width")
	flag.IntVar(&cfg.rows, "rows", 40, "pane height")
	flag.IntVar(&cfg.burst, "burst", 30, "lines in the burst")
	flag.DurationVar(&cfg.burstMin, "burst-min", 100*time.Millisecond, "shortest interval between burst lines")
	flag.DurationVar(&cfg.burstMax, "burst-max", 300*time.Millisecond, "longest interval between burst lines")
	flag.DurationVar(&cfg.settle, "settle", 10*time.Second, "silence before the burst, and after it before the idle window")
	flag.DurationVar(&cfg.idleWindow, "idle", 30*time.Second, "the idle window CPU is measured over")
	flag.IntVar(&cfg.idleAfter, "after-idle", 4, "lines written after the idle window, each after -gap of silence")
	flag.DurationVar(&cfg.idleGap, "gap", 10*time.Second, "silence before each after-idle line (plus 0-2 s at random)")
	flag.DurationVar(&cfg.sample, "sample", 5*time.Millisecond, "how often the pane is captured while a line is awaited")
	flag.DurationVar(&cfg.showTimeout, "timeout", 15*time.Second, "how long a line may take to show before it counts as missing")
	flag.BoolVar(&cfg.tail, "tail", true, "also follow the file with tail -F over ssh, for comparison")
	layout := flag.String("layout", "p1", "the job's layout: p1 (profile_prefill.out), or today (srtctl 1.0.x/2.x: eight worker logs growing at once)")
	flag.Parse()
	if cfg.bin == "" || flag.NArg() > 0 || cfg.burst < 1 || cfg.burstMax < cfg.burstMin {
		fmt.Fprintln(os.Stderr, "usage: monitorbench -bin PATH/srtctl-tui [flags] (see -h)")
		return 2
	}
	if os.Getuid() != 0 {
		fmt.Fprintln(os.Stderr, "monitorbench: run as root (it writes into the test user's home); scripts/bench-monitor.sh")
		return 2
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		fmt.Fprintln(os.Stderr, "monitorbench: tmux is required (apt-get install -y tmux)")
		return 2
	}
	env, err := loadClusterEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "monitorbench:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *layout != "p1" && *layout != "today" {
		fmt.Fprintln(os.Stderr, "monitorbench: -layout is p1 or today")
		return 2
	}
	fx, err := newFixture(ctx, env, *layout == "today")
	if err != nil {
		fmt.Fprintln(os.Stderr, "monitorbench: setting up the job:", err)
		return 2
	}
	defer fx.close()
	if fx.today {
		gctx, stopGrowing := context.WithCancel(ctx)
		defer stopGrowing()
		go fx.growWorkers(gctx)
	}
	fmt.Printf("job %s (%s) as %s, log dir %s\n", fx.jobID, orUnknown(fx.jobState()), env.user, fx.logDir)

	var runs []*modeRun
	for _, m := range strings.Split(modes, ",") {
		r := &modeRun{name: m, cfg: cfg, fx: fx}
		switch m {
		case "ssh":
			r.cluster = "bench"
		case "local":
			r.cluster = "local"
			r.cfg.tail = false
		default:
			fmt.Fprintf(os.Stderr, "monitorbench: unknown cluster %q (ssh or local)\n", m)
			return 2
		}
		err := r.run(ctx)
		stopMaster(r)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				fmt.Fprintln(os.Stderr, "monitorbench: interrupted")
				return 130
			}
			fmt.Fprintf(os.Stderr, "monitorbench: %s: %v\n", m, err)
			return 1
		}
		runs = append(runs, r)
	}
	if report(os.Stdout, cfg, runs) {
		return 0
	}
	return 1
}

// stopMaster ends the ssh master the monitor left running for reuse
// (ControlPersist): it is ours, and it would skew the next run's CPU.
func stopMaster(r *modeRun) {
	if r.name != "ssh" {
		return
	}
	if pid := sshMaster(r.fx.control); pid != 0 {
		_ = syscall.Kill(pid, syscall.SIGTERM)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "not in the queue"
	}
	return s
}
