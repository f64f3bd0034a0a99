package sim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// runJobBody is the profile job itself, run by the batch script: it writes
// log.out and one profile_<phase>.out per profiled phase on Timeline's
// schedule, places the traces, and then keeps running like a P1 job whose
// model servers stay up, until SIGTERM (scancel, the time limit).
func runJobBody(args []string, stderr io.Writer) int {
	return batchJobMain(ToolJob, "log-dir", "the job's log directory (created if missing)", args, stderr,
		func(logDir, planText string) (func(context.Context) (int, error), error) {
			plan, err := decodePlan(planText)
			if err != nil {
				return nil, err
			}
			if p, ok, _ := paceFromEnv(); ok {
				plan.Pace = p
			}
			return func(ctx context.Context) (int, error) { return runJob(ctx, logDir, plan, jobNodes(), time.Now) }, nil
		})
}

// batchJobMain is the main of a simulated batch job's tool: it reads
// --<dirFlag> and --plan (which the stand-in srtctl wrote into the batch
// script), prepares the job, runs it until it ends or a signal stops it,
// and then dies by SIGTERM as a cancelled job does.
func batchJobMain(tool, dirFlag, dirHelp string, args []string, stderr io.Writer,
	prepare func(dir, plan string) (func(context.Context) (int, error), error)) int {
	fs := flag.NewFlagSet(tool, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String(dirFlag, "", dirHelp)
	planText := fs.String("plan", "", "the plan srtctl wrote into the batch script (JSON)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || *planText == "" {
		fmt.Fprintf(stderr, "%s: --%s and --plan are required (the simulated srtctl writes them into the batch script)\n", tool, dirFlag)
		return 2
	}
	run, err := prepare(*dir, *planText)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", tool, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer stop()
	code, err := run(ctx)
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "%s: %v\n", tool, err)
		return 1
	}
	if ctx.Err() != nil {
		dieBySignal(syscall.SIGTERM)
		return 128 + int(syscall.SIGTERM)
	}
	return code
}

// dieBySignal ends the process by sig with the default action, once its
// files are closed: SLURM then records the job as killed by the signal
// (ExitCode 0:15), as it does for a real job, not as exiting with 143.
func dieBySignal(sig syscall.Signal) {
	signal.Reset(sig)
	syscall.Kill(os.Getpid(), sig)
	time.Sleep(time.Second) // the signal arrives meanwhile; if not, exit 128+sig
}

// jobNodes is the job's node list from SLURM, else this host.
func jobNodes() []string {
	if nodes, err := expandNodeList(os.Getenv("SLURM_JOB_NODELIST")); err == nil && len(nodes) > 0 {
		return nodes
	}
	if h, err := os.Hostname(); err == nil {
		return []string{h}
	}
	return []string{"localhost"}
}

// runJob runs every phase concurrently and then waits for ctx (the job
// keeps its servers up). It returns the scripts' exit code once ctx ends.
func runJob(ctx context.Context, logDir string, plan jobPlan, nodes []string, now func() time.Time) (int, error) {
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return 1, err
	}
	logOut, err := os.OpenFile(filepath.Join(logDir, "log.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 1, err
	}
	defer logOut.Close()
	if !plan.Disaggregated {
		// Aggregated jobs also have a log.err.
		if f, err := os.OpenFile(filepath.Join(logDir, "log.err"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
			f.Close()
		}
	}
	for _, l := range logOutStart(plan, nodes) {
		fmt.Fprintln(logOut, l)
	}
	start := now()
	codes := make([]int, len(plan.Phases))
	errs := make([]error, len(plan.Phases))
	var wg sync.WaitGroup
	for i, ph := range plan.Phases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], errs[i] = runPhase(ctx, logDir, plan, ph, start)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 1, err
	}
	code := 0
	for _, c := range codes {
		if c != 0 {
			code = c
			break
		}
	}
	fmt.Fprintln(logOut, logOutEnd(now(), code))
	<-ctx.Done()
	return code, nil
}

// runPhase plays one phase's Timeline into profile_<phase>.out.
func runPhase(ctx context.Context, logDir string, plan jobPlan, ph phasePlan, start time.Time) (int, error) {
	out, err := os.OpenFile(filepath.Join(logDir, "profile_"+ph.Name+".out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return 1, err
	}
	defer out.Close()
	var traces sync.WaitGroup
	var traceErr error
	defer traces.Wait()
	for _, st := range Timeline(plan, ph, start, plan.Pace) {
		if err := sleepUntil(ctx, start.Add(st.At)); err != nil {
			return 1, err
		}
		switch st.Kind {
		case stepWrite:
			if _, err := io.WriteString(out, st.Text); err != nil {
				return 1, err
			}
		case stepTraces:
			traces.Add(1)
			go func() {
				defer traces.Done()
				if err := placeTraces(ctx, logDir, plan, ph, time.Now(), st.Grow); err != nil && !errors.Is(err, context.Canceled) {
					traceErr = err
				}
			}()
		case stepExit:
			traces.Wait()
			return st.Code, traceErr
		}
	}
	return 0, nil
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
