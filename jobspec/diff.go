package jobspec

import (
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
)

// UnifiedDiff returns a unified diff (3 lines of context) from a to b, ""
// when they are equal.
func UnifiedDiff(oldName, newName string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	edits := udiff.Lines(string(a), string(b))
	out, err := udiff.ToUnified(oldName, newName, string(a), edits, 3)
	if err != nil {
		// Cannot happen for edits computed from a itself; show something
		// rather than nothing.
		return "--- " + oldName + "\n+++ " + newName + "\n(diff failed: " + err.Error() + ")\n"
	}
	return out
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
