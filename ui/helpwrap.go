package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// wrapHelp lays key bindings out as "key desc" items over as many rows of
// width as they need, instead of cutting the ones that do not fit on one
// (bubbles' help ends the row in "…", hiding keys at 80 columns). Each
// group starts a new row; a key listed twice is shown once; an item wider
// than a row keeps its key and shortens its description.
func wrapHelp(groups [][]key.Binding, width int, st help.Styles) string {
	sep := st.ShortSeparator.Render(" • ")
	sepW := ansi.StringWidth(sep)
	seen := map[string]bool{}
	var rows []string
	for _, g := range groups {
		var row strings.Builder
		rowW := 0
		for _, b := range g {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			h := b.Help()
			if seen[h.Key] {
				continue
			}
			seen[h.Key] = true
			desc := h.Desc
			itemW := ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(desc)
			if width > 0 && itemW > width {
				desc = ansi.Truncate(desc, max(width-ansi.StringWidth(h.Key)-1, 1), "…")
				itemW = ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(desc)
			}
			item := st.ShortKey.Render(h.Key) + " " + st.ShortDesc.Render(desc)
			switch {
			case rowW == 0:
			case width > 0 && rowW+sepW+itemW > width:
				rows = append(rows, row.String())
				row.Reset()
				rowW = 0
			default:
				row.WriteString(sep)
				rowW += sepW
			}
			row.WriteString(item)
			rowW += itemW
		}
		if rowW > 0 {
			rows = append(rows, row.String())
		}
	}
	return strings.Join(rows, "\n")
}
