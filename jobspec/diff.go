package jobspec

import (
	"fmt"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// diffContext is the number of unchanged lines shown around a change.
const diffContext = 3

// UnifiedDiff returns a unified diff (3 lines of context) from a to b, ""
// when they are equal. go-udiff computes the line edits; the hunks are laid
// out here because go-udiff v0.4.1 miscounts the new-file line numbers
// of a hunk that joins two nearby edits.
func UnifiedDiff(oldName, newName string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	ops := lineOps(string(a), udiff.Lines(string(a), string(b)))
	var sb strings.Builder
	sb.WriteString("--- " + oldName + "\n+++ " + newName + "\n")
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// a hunk: from diffContext lines before this change to diffContext
		// lines after the last change that is at most 2*diffContext
		// unchanged lines away from the previous one
		start := max(0, i-diffContext)
		end := i
		for j := i; j < len(ops); j++ {
			if ops[j].kind != ' ' {
				end = j + 1
				continue
			}
			if j-end >= 2*diffContext {
				break
			}
		}
		stop := min(len(ops), end+diffContext)
		writeHunk(&sb, ops[start:stop])
		i = stop
	}
	return sb.String()
}

type lineOp struct {
	kind     byte // ' ', '-', '+'
	text     string
	old, new int // 1-based line numbers before and after
}

// lineOps expands line-aligned edits of a into one op per line.
func lineOps(a string, edits []udiff.Edit) []lineOp {
	var ops []lineOp
	oldLine, newLine := 1, 1
	pos := 0
	equal := func(upto int) {
		for pos < upto {
			e := strings.IndexByte(a[pos:upto], '\n')
			next := upto
			if e >= 0 {
				next = pos + e + 1
			}
			ops = append(ops, lineOp{kind: ' ', text: a[pos:next], old: oldLine, new: newLine})
			oldLine++
			newLine++
			pos = next
		}
	}
	for _, ed := range edits {
		equal(ed.Start)
		for _, l := range splitKeepNL(a[ed.Start:ed.End]) {
			ops = append(ops, lineOp{kind: '-', text: l, old: oldLine, new: newLine})
			oldLine++
		}
		for _, l := range splitKeepNL(ed.New) {
			ops = append(ops, lineOp{kind: '+', text: l, old: oldLine, new: newLine})
			newLine++
		}
		pos = ed.End
	}
	equal(len(a))
	return ops
}

func splitKeepNL(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

func writeHunk(sb *strings.Builder, ops []lineOp) {
	var nOld, nNew int
	for _, o := range ops {
		if o.kind != '+' {
			nOld++
		}
		if o.kind != '-' {
			nNew++
		}
	}
	oldStart, newStart := ops[0].old, ops[0].new
	if nOld == 0 {
		oldStart--
	}
	if nNew == 0 {
		newStart--
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(oldStart, nOld), hunkRange(newStart, nNew))
	for _, o := range ops {
		sb.WriteByte(o.kind)
		sb.WriteString(o.text)
		if !strings.HasSuffix(o.text, "\n") {
			sb.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}

// ChangedLines counts the lines removed and added in a unified diff.
func ChangedLines(diff string) (removed, added int) {
	for _, l := range strings.Split(diff, "\n") {
		switch {
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "-"):
			removed++
		case strings.HasPrefix(l, "+"):
			added++
		}
	}
	return removed, added
}
