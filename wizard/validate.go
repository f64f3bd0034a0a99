package wizard

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
)

// Validators for the form's fields. Each accepts a sweep placeholder the
// file already had (orig, such as "{nodes}"), so it can be kept; a number
// from the file is held to the same rule as a typed one.

func required(what string) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("%s is required", what)
		}
		return nil
	}
}

// keptPlaceholder: s is the file's own value and not a number.
func keptPlaceholder(s, orig string) bool {
	_, err := strconv.Atoi(strings.TrimSpace(s))
	return s != "" && s == orig && err != nil
}

// positiveInt accepts 1, 2, ... and a placeholder the file had.
func positiveInt(orig string) func(string) error {
	return func(s string) error {
		if keptPlaceholder(s, orig) {
			return nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || strings.TrimSpace(s) != s {
			return errors.New("enter a whole number of 1 or more")
		}
		return nil
	}
}

// nonNegativeInt accepts 0, 1, ... (a start step may be 0).
func nonNegativeInt(orig string) func(string) error {
	return func(s string) error {
		if keptPlaceholder(s, orig) {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return errors.New("enter a whole number of 0 or more")
		}
		return nil
	}
}

// stopAfterStart checks the stop step against the start step bound in p.
func stopAfterStart(p *PhaseFields, orig string) func(string) error {
	pos := positiveInt(orig)
	return func(s string) error {
		if err := pos(s); err != nil {
			return err
		}
		start, err1 := strconv.Atoi(p.StartStep)
		stop, err2 := strconv.Atoi(s)
		if err1 == nil && err2 == nil && stop <= start {
			return fmt.Errorf("stop step must be greater than the start step (%d)", start)
		}
		return nil
	}
}

// WindowWarning is the warning shown under a phase's stop step when the
// profiled window is outside what srtctl's documentation calls typical; ""
// when it is inside or not yet a number.
func WindowWarning(p PhaseFields) string {
	start, err1 := strconv.Atoi(p.StartStep)
	stop, err2 := strconv.Atoi(p.StopStep)
	if err1 != nil || err2 != nil {
		return ""
	}
	if stop <= start {
		return "⚠ the stop step must be greater than the start step"
	}
	n := stop - start
	switch {
	case n < jobspec.TypicalMinSteps:
		return fmt.Sprintf("⚠ %d steps: shorter than the typical %d-%d; the trace may miss steady state",
			n, jobspec.TypicalMinSteps, jobspec.TypicalMaxSteps)
	case n > jobspec.TypicalMaxSteps:
		return fmt.Sprintf("⚠ %d steps: longer than the typical %d-%d; traces get large and slow to open",
			n, jobspec.TypicalMinSteps, jobspec.TypicalMaxSteps)
	}
	return ""
}

// oneOf accepts only the listed values: a select's value can come from a
// file, so it is checked again whatever the options were.
func oneOf(what string, allowed func() []string) func(string) error {
	return func(s string) error {
		list := allowed()
		if slices.Contains(list, s) {
			return nil
		}
		return fmt.Errorf("%s %q is not allowed here; choose one of %s", what, s, strings.Join(list, ", "))
	}
}

// workersWhileProfiling refuses more than one worker while profiling is on.
func workerCount(v *Values, orig string) func(string) error {
	pos := positiveInt(orig)
	return func(s string) error {
		if err := pos(s); err != nil {
			return err
		}
		if v.Profiling() && s != "1" {
			return errors.New(ReasonSingleWorker)
		}
		return nil
	}
}

var timeLimitRe = regexp.MustCompile(`^\d+:[0-5]\d:[0-5]\d$`)

// timeLimit accepts "" (the cluster's default) or HH:MM:SS.
func timeLimit(s string) error {
	if s == "" || timeLimitRe.MatchString(s) {
		return nil
	}
	return errors.New("use HH:MM:SS, e.g. 02:00:00 (or leave empty for the partition's default)")
}

// Reasons shown where the form does not ask, so the user knows why.
const (
	ReasonSingleWorker = "profiling needs a single worker"
	ReasonManual       = "profiling and benchmarking are mutually exclusive"
	ReasonConfigDump   = "srtctl turns the config dump off by itself while profiling"
)
