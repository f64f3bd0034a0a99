package sim

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// squeueOptions are the squeue flags the simulation understands.
type squeueOptions struct {
	noHeader bool
	jobIDs   []int
	states   map[string]bool // nil: the default (pending and running)
	format   string
	user     string
}

// squeueStateNames maps what -t accepts to states.
var squeueStateNames = map[string]string{
	"PD": statePending, "PENDING": statePending, "R": stateRunning, "RUNNING": stateRunning,
	"CD": stateCompleted, "COMPLETED": stateCompleted, "CA": stateCancelled, "CANCELLED": stateCancelled,
	"F": stateFailed, "FAILED": stateFailed, "TO": stateTimeout, "TIMEOUT": stateTimeout,
}

func parseSqueueArgs(args []string) (squeueOptions, error) {
	o := squeueOptions{format: squeueDefaultFormat}
	args = append([]string(nil), args...) // combined flags are split in place below
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := a, "", false
		if strings.HasPrefix(a, "--") {
			if k, v, ok := strings.Cut(a, "="); ok {
				name, val, hasVal = k, v, true
			}
		} else if strings.HasPrefix(a, "-") && len(a) > 2 {
			name, val, hasVal = a[:2], a[2:], true
			if a[1] == 'h' || a[1] == 'a' || a[1] == 'l' {
				// Combined short flags like -ha: take them one at a time.
				name, hasVal = a[:2], false
				args = append(args[:i+1], append([]string{"-" + a[2:]}, args[i+1:]...)...)
			}
		}
		needVal := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("option requires an argument -- '%s'", strings.TrimLeft(name, "-"))
			}
			i++
			return args[i], nil
		}
		switch name {
		case "-h", "--noheader":
			o.noHeader = true
		case "-a", "--all", "-l", "--long", "--array", "-r":
			// Partitions and arrays do not exist here.
		case "-j", "--jobs", "--job":
			v, err := needVal()
			if err != nil {
				return o, err
			}
			for _, s := range strings.Split(v, ",") {
				if s == "" {
					continue
				}
				id, err := strconv.Atoi(s)
				if err != nil || id <= 0 {
					return o, fmt.Errorf("Invalid job id: %s", s)
				}
				o.jobIDs = append(o.jobIDs, id)
			}
		case "-t", "--states", "--state":
			v, err := needVal()
			if err != nil {
				return o, err
			}
			o.states = map[string]bool{}
			for _, s := range strings.Split(strings.ToUpper(v), ",") {
				if s == "ALL" {
					for _, st := range squeueStateNames {
						o.states[st] = true
					}
					continue
				}
				st, ok := squeueStateNames[s]
				if !ok {
					return o, fmt.Errorf("Invalid job state specified: %s", s)
				}
				o.states[st] = true
			}
		case "-o", "--format":
			v, err := needVal()
			if err != nil {
				return o, err
			}
			o.format = v
		case "-u", "--user":
			v, err := needVal()
			if err != nil {
				return o, err
			}
			o.user = v
		case "--me":
			o.user = currentUser().name
		default:
			return o, fmt.Errorf("unrecognized option '%s'", a)
		}
	}
	return o, nil
}

// runSqueue is squeue: the jobs on record, filtered and printed like SLURM.
func runSqueue(args []string, stdout, stderr io.Writer, now time.Time) int {
	o, err := parseSqueueArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "squeue: %v\nTry \"squeue --help\" for more information\n", err)
		return 1
	}
	s, err := openStore()
	if err != nil {
		fmt.Fprintf(stderr, "squeue: error: %v\n", err)
		return 1
	}
	jobs, err := s.list()
	if err != nil {
		fmt.Fprintf(stderr, "squeue: error: %v\n", err)
		return 1
	}
	fields := parseSqueueFormat(o.format)
	var lines []string
	known := 0
	for _, j := range jobs {
		if j.purged(now) || (len(o.jobIDs) > 0 && !containsInt(o.jobIDs, j.ID)) {
			continue
		}
		known++
		if o.user != "" && j.User != o.user {
			continue
		}
		if o.states == nil && isTerminal(j.State) || o.states != nil && !o.states[j.State] {
			continue
		}
		lines = append(lines, renderFormat(fields, j, now))
	}
	if len(o.jobIDs) > 0 && known == 0 {
		fmt.Fprintln(stderr, "slurm_load_jobs error: Invalid job id specified")
		return 1
	}
	if !o.noHeader {
		fmt.Fprintln(stdout, renderFormat(fields, nil, now))
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	return 0
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
