package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/tail"
)

// logList is the list of a today's run's logs (l): every worker's, the
// frontend's, the sweep log and benchmark.out; enter puts the chosen one
// in the focused pane.
type logList struct {
	open   bool
	cursor int
}

// key handles a key while the list is open; chosen is the log to show
// ("" when none was chosen yet).
func (l *logList) key(k tea.KeyPressMsg, logs []tail.LogFile) (chosen string) {
	switch k.String() {
	case "up", "k":
		l.cursor = max(l.cursor-1, 0)
	case "down", "j":
		l.cursor = min(l.cursor+1, max(len(logs)-1, 0))
	case "enter":
		l.open = false
		if l.cursor < len(logs) {
			return logs[l.cursor].Name
		}
	case "esc", "q", "l":
		l.open = false
	}
	return ""
}

func (l *logList) view(st Styles, logs []tail.LogFile, w, h int) string {
	rows := []string{st.Bold.Render("Logs of this run") + st.Muted.Render("  ↑/↓ choose · enter shows it in the focused pane · esc back")}
	first := 0
	if visible := max(h-2, 1); l.cursor >= visible {
		first = l.cursor - visible + 1
	}
	for i := first; i < len(logs) && len(rows) < h; i++ {
		lf := logs[i]
		line := fmt.Sprintf("  %-14s %s", logKindText(lf), lf.Name)
		if i == l.cursor {
			line = st.Accent.Render("▸" + line[1:])
		}
		rows = append(rows, ansi.Truncate(line, w, "…"))
	}
	for len(rows) < h {
		rows = append(rows, "")
	}
	return strings.Join(rows, "\n")
}

func logKindText(l tail.LogFile) string {
	if l.Kind == tail.LogWorker {
		return fmt.Sprintf("%s w%d", l.Mode, l.Worker)
	}
	return l.Kind
}
