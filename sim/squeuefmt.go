package sim

import (
	"strconv"
	"strings"
	"time"
)

// squeueDefaultFormat is squeue's own default -o format.
const squeueDefaultFormat = "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R"

// formatField is one piece of an squeue -o format: literal text, or a
// %[.][width]letter field. SLURM truncates a value longer than the width,
// pads a shorter one on the right, or on the left when '.' is given.
type formatField struct {
	literal string
	letter  byte
	width   int
	right   bool
}

// parseSqueueFormat splits an squeue -o format string into fields. It
// accepts anything: an unknown letter prints empty, a dangling '%' is text.
func parseSqueueFormat(f string) []formatField {
	var out []formatField
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			out = append(out, formatField{literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			lit.WriteByte(c)
			continue
		}
		if i+1 < len(f) && f[i+1] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		j := i + 1
		right := false
		if j < len(f) && f[j] == '.' {
			right = true
			j++
		}
		w := 0
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			if w < 1<<16 { // a width beyond any terminal is a typo, not a request for memory
				w = w*10 + int(f[j]-'0')
			}
			j++
		}
		if j >= len(f) || !isASCIILetter(f[j]) {
			lit.WriteString(f[i:j])
			i = j - 1
			continue
		}
		flush()
		out = append(out, formatField{letter: f[j], width: min(w, 1<<16), right: right})
		i = j
	}
	flush()
	return out
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// squeueHeaders are the column titles squeue prints for each letter.
var squeueHeaders = map[byte]string{
	'A': "JOBID", 'a': "ACCOUNT", 'b': "TRES_PER_NODE", 'C': "CPUS", 'D': "NODES",
	'e': "END_TIME", 'i': "JOBID", 'j': "NAME", 'L': "TIME_LEFT", 'l': "TIME_LIMIT",
	'M': "TIME", 'N': "NODELIST", 'o': "COMMAND", 'P': "PARTITION", 'R': "NODELIST(REASON)",
	'r': "REASON", 'S': "START_TIME", 'T': "STATE", 't': "ST", 'u': "USER",
	'V': "SUBMIT_TIME", 'Z': "WORK_DIR",
}

// renderFormat prints one squeue line for j, or the header when j is nil.
func renderFormat(fields []formatField, j *jobRecord, now time.Time) string {
	var b strings.Builder
	for _, f := range fields {
		if f.letter == 0 {
			b.WriteString(f.literal)
			continue
		}
		var v string
		if j == nil {
			v = squeueHeaders[f.letter]
		} else {
			v = squeueValue(f.letter, j, now)
		}
		b.WriteString(fit(v, f.width, f.right))
	}
	return b.String()
}

func fit(v string, width int, right bool) string {
	if width == 0 {
		return v
	}
	if len(v) > width {
		return v[:width]
	}
	pad := strings.Repeat(" ", width-len(v))
	if right {
		return pad + v
	}
	return v + pad
}

// squeueValue is the value of one %letter for a job, as squeue prints it.
func squeueValue(letter byte, j *jobRecord, now time.Time) string {
	switch letter {
	case 'A', 'i':
		return strconv.Itoa(j.ID)
	case 'a':
		if j.Account == "" {
			return "(null)"
		}
		return j.Account
	case 'b':
		return "N/A"
	case 'C':
		return strconv.Itoa(j.NumNodes)
	case 'D':
		return strconv.Itoa(j.NumNodes)
	case 'e':
		switch {
		case !j.EndTime.IsZero():
			return j.EndTime.Format(slurmTimestamp)
		case !j.StartTime.IsZero() && j.TimeLimitSecs > 0:
			return j.StartTime.Add(j.timeLimit()).Format(slurmTimestamp)
		}
		return "N/A"
	case 'j':
		return j.Name
	case 'L':
		if j.TimeLimitSecs == 0 {
			return "UNLIMITED"
		}
		if isTerminal(j.State) {
			return "0:00"
		}
		return slurmDuration(j.timeLimit() - j.elapsed(now))
	case 'l':
		if j.TimeLimitSecs == 0 {
			return "UNLIMITED"
		}
		return slurmDuration(j.timeLimit())
	case 'M':
		return slurmDuration(j.elapsed(now))
	case 'N':
		if j.StartTime.IsZero() {
			return ""
		}
		return compressNodeList(j.Nodes)
	case 'o':
		return j.Command
	case 'P':
		return j.Partition
	case 'R':
		if j.State == stateRunning || (isTerminal(j.State) && !j.StartTime.IsZero() && j.Reason == "None") {
			return compressNodeList(j.Nodes)
		}
		return "(" + j.Reason + ")"
	case 'r':
		return j.Reason
	case 'S':
		if j.StartTime.IsZero() {
			return "N/A"
		}
		return j.StartTime.Format(slurmTimestamp)
	case 'T':
		return j.State
	case 't':
		return compactState[j.State]
	case 'u':
		return j.User
	case 'V':
		return j.SubmitTime.Format(slurmTimestamp)
	case 'Z':
		return j.WorkDir
	}
	return ""
}
