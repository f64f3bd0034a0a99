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

// positiveInt accepts 1 ... most and a placeholder the file had; a larger
// number is a typo, not a cluster.
func positiveInt(orig string, most int) func(string) error {
	return intBetween(orig, 1, most)
}

// nonNegativeInt accepts 0 ... most (a start step may be 0).
func nonNegativeInt(orig string, most int) func(string) error {
	return intBetween(orig, 0, most)
}

func intBetween(orig string, least, most int) func(string) error {
	return func(s string) error {
		if keptPlaceholder(s, orig) {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < least || n > most {
			return fmt.Errorf("enter a whole number from %d to %d", least, most)
		}
		return nil
	}
}

// orDefault also accepts an empty answer, which means a default the
// field's placeholder shows.
func orDefault(validate func(string) error) func(string) error {
	return func(s string) error {
		if s == "" {
			return nil
		}
		return validate(s)
	}
}

// stopAfterStart checks the stop step against the start step bound in p.
func stopAfterStart(p *PhaseFields, orig string) func(string) error {
	pos := positiveInt(orig, MaxSteps)
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
// when it is inside or not yet numbers.
func WindowWarning(p PhaseFields) string {
	start, stop, ok := p.window()
	if !ok {
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
	pos := positiveInt(orig, MaxNodes)
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

// timeLimitRe is every form sbatch --time accepts: "minutes",
// "minutes:seconds", "hours:minutes:seconds", "days-hours",
// "days-hours:minutes" and "days-hours:minutes:seconds".
var timeLimitRe = regexp.MustCompile(`^(\d+(:\d+){0,2}|\d+-\d+(:\d+){0,2})$`)

// timeLimit accepts "" (the cluster's default), any sbatch time format and
// UNLIMITED / INFINITE; numbers are bounded so none can overflow.
func timeLimit(s string) error {
	if s == "" || strings.EqualFold(s, "unlimited") || strings.EqualFold(s, "infinite") {
		return nil
	}
	if timeLimitRe.MatchString(s) {
		ok := true
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == ':' }) {
			if len(part) > 7 {
				ok = false
			}
		}
		if ok {
			return nil
		}
	}
	return errors.New("use a SLURM time: minutes (30), HH:MM:SS (02:00:00), D-HH (2-12) or D-HH:MM:SS (1-00:00:00); empty for the partition's default")
}

// Reasons shown where the form does not ask, so the user knows why.
const (
	ReasonSingleWorker = "profiling needs a single worker"
	ReasonManual       = "profiling and benchmarking are mutually exclusive"
	ReasonConfigDump   = "srtctl turns the config dump off by itself while profiling"
)
