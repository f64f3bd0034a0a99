package main

import (
	"fmt"
	"io"
	"time"
)

// report prints the delay and CPU tables; it is false when some line never
// showed up on screen.
func report(w io.Writer, cfg config, runs []*modeRun) bool {
	ok := true
	warmups := 0
	var caps []time.Duration
	for _, r := range runs {
		caps = append(caps, r.captures...)
	}
	cs := summarize(caps)
	fmt.Fprintf(w, "\nDelay from a line appended to profile_prefill.out to that line on screen\n")
	fmt.Fprintf(w, "(srtctl-tui monitor in a %dx%d tmux pane; pane captured every %v, one capture takes %s median, %s p90:\n",
		cfg.cols, cfg.rows, cfg.sample, ms(cs.med), ms(cs.p90))
	fmt.Fprintf(w, " each delay is an upper bound by about that much)\n\n")
	fmt.Fprintf(w, "%-7s %-12s %-22s %3s %8s %8s %8s %8s %7s\n", "cluster", "via", "lines", "n", "min", "median", "p90", "max", "missing")
	row := func(r *modeRun, via, kind string, tail bool) {
		ds, missing, warmup := r.ms.delays(kind, tail)
		warmups += warmup
		s := summarize(ds)
		lo, hi := r.ms.quietRange(kind)
		what := fmt.Sprintf("burst, every %v-%v", cfg.burstMin, cfg.burstMax)
		if kind == kindIdle {
			what = fmt.Sprintf("after %s-%s quiet", secs(lo), secs(hi))
		}
		fmt.Fprintf(w, "%-7s %-12s %-22s %3d %8s %8s %8s %8s %7d\n", r.name, via, what, s.n, ms(s.min), ms(s.med), ms(s.p90), ms(s.max), missing)
		if missing > 0 && !tail {
			ok = false
		}
	}
	for _, r := range runs {
		row(r, "monitor", kindBurst, false)
		row(r, "monitor", kindIdle, false)
	}
	for _, r := range runs {
		if r.tailCmd != nil {
			row(r, "tail -F/ssh", kindBurst, true)
			row(r, "tail -F/ssh", kindIdle, true)
		}
	}
	if warmups > 0 {
		fmt.Fprintf(w, "\nburst: lines written before the burst's first line reached the screen are left out (%d in all):\n", warmups)
		fmt.Fprintf(w, "they waited on the backed-off interval, as the first line did (it is in the after-idle row).\n")
	}
	fmt.Fprintf(w, "\nThe watcher polls each file every 0.5 s while it grows and doubles the interval up to 4 s\n")
	fmt.Fprintf(w, "while it is quiet; the screen redraws new lines within 0.1 s. Expected: burst <= ~0.6 s,\n")
	fmt.Fprintf(w, "after idle up to ~4.1 s. tail -F is woken by inotify on the remote side (no polling).\n")

	fmt.Fprintf(w, "\nCPU while idle: nothing written for %s, screen settled (%% of one core)\n\n", secs(firstWindow(runs)))
	fmt.Fprintf(w, "%-7s %11s %14s %11s %10s %8s %10s %8s\n", "cluster", "srtctl-tui", "its children", "ssh master", "sshd side", "total", "wakeups/s", "RSS")
	for _, r := range runs {
		c := r.cpu
		total := c.monitor + c.children + c.master + c.sshd
		fmt.Fprintf(w, "%-7s %10.2f%% %13.2f%% %11s %10s %7.2f%% %10.0f %5.1f MB\n", r.name, c.monitor, c.children,
			pctOr(c.master, c.haveMaster), pctOr(c.sshd, c.haveSSHD), total, c.wakeups, float64(c.rssKB)/1024)
	}
	for _, r := range runs {
		c := r.cpu
		if c.haveTail {
			fmt.Fprintf(w, "%-7s %-26s %11s %10s %7.2f%%\n", r.name, "tail -F over ssh", pctOr(c.tailClient, true),
				pctOr(c.tailServer, true), c.tailClient+c.tailServer)
		}
		for _, e := range []string{c.clientErr, c.serverErr, c.tailErrMsg} {
			if e != "" {
				fmt.Fprintf(w, "  (%s: %s)\n", r.name, e)
			}
		}
	}
	fmt.Fprintf(w, "\nits children: the ssh processes the monitor runs (the SFTP session, squeue queries: every 2 s\n")
	fmt.Fprintf(w, "backing off to 15 s while the state holds) or, on local, squeue itself; sshd side: the sshd\n")
	fmt.Fprintf(w, "processes of the monitor's connection\n")
	fmt.Fprintf(w, "and what they run (sftp-server, the shells running squeue). slurmctld's share is not counted.\n")
	fmt.Fprintf(w, "wakeups/s: context switches of srtctl-tui's threads (the renderer runs at 20 FPS; the header clock\n")
	fmt.Fprintf(w, "redraws once a second for the first 10 minutes of a job, then every 15 s).\n")
	fmt.Fprintf(w, "The machine is shared: CPU figures vary by about +-0.5 points from run to run.\n")
	return ok
}

func firstWindow(runs []*modeRun) time.Duration {
	for _, r := range runs {
		if r.cpu.window > 0 {
			return r.cpu.window
		}
	}
	return 0
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%dms", d.Round(time.Millisecond).Milliseconds())
}

func secs(d time.Duration) string { return fmt.Sprintf("%.0fs", d.Seconds()) }

func pctOr(v float64, have bool) string {
	if !have {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", v)
}
