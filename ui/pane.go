package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/viewport"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/tail"
)

// Pane shows one followed file: a bounded ring of its lines in a viewport,
// following the end until the user scrolls up. New lines only mark the pane
// dirty; the screen calls Refresh on its redraw tick, because handing the
// viewport its lines costs a scan of all of them.
type Pane struct {
	Title string
	// Status is the line under the title (phase state, traces).
	Status      string
	StatusStyle lipgloss.Style

	ring    *tail.Ring
	partial string
	vp      viewport.Model
	follow  bool
	wrap    bool
	dirty   bool
	// restarts counts truncations and replacements, shown in the title.
	restarts int

	query   string
	matches int

	width, height int
}

// NewPane makes an empty pane keeping at most capacity lines.
func NewPane(title string, capacity int) *Pane {
	vp := viewport.New()
	vp.MouseWheelEnabled = false
	vp.FillHeight = false
	vp.SetHorizontalStep(8)
	return &Pane{Title: title, ring: tail.NewRing(capacity), vp: vp, follow: true}
}

// Append adds lines (already made safe) and the current partial line. A
// restarted file drops what the pane showed.
func (p *Pane) Append(lines []string, partial string, restarted bool) {
	if restarted {
		p.ring.Reset()
		p.restarts++
	}
	p.ring.Append(lines...)
	p.partial = partial
	p.dirty = true
}

// Dirty reports whether Refresh has work to do.
func (p *Pane) Dirty() bool { return p.dirty }

// Lines returns the kept lines, oldest first.
func (p *Pane) Lines() []string { return p.ring.Lines() }

// Refresh hands the viewport the current lines, keeping the end in view
// while following and the highlights while searching.
func (p *Pane) Refresh() {
	if !p.dirty {
		return
	}
	p.dirty = false
	lines := p.ring.Lines()
	if p.partial != "" {
		lines = append(lines, p.partial)
	}
	if p.query != "" {
		// Match positions are taken on plain text: the viewport's
		// highlighter counts columns of what it shows.
		for i, l := range lines {
			lines[i] = ansi.Strip(l)
		}
	}
	y := p.vp.YOffset()
	p.vp.SetContentLines(lines)
	if p.query != "" {
		p.applySearch(false)
		if !p.follow {
			p.vp.SetYOffset(y)
		}
	}
	if p.follow {
		p.vp.GotoBottom()
	}
}

// SetSize sets the outer size, border included.
func (p *Pane) SetSize(w, h int) {
	p.width, p.height = w, h
	p.vp.SetWidth(max(w-2, 1))
	p.vp.SetHeight(max(h-4, 1))
	if p.follow {
		p.vp.GotoBottom()
	}
}

// Following reports whether the pane keeps the end in view.
func (p *Pane) Following() bool { return p.follow }

// Wrapped reports whether long lines wrap.
func (p *Pane) Wrapped() bool { return p.wrap }

// SetWrap turns wrapping on or off. Wrapping walks every line on each
// redraw, hence a toggle and off by default.
func (p *Pane) SetWrap(on bool) {
	p.wrap = on
	p.vp.SoftWrap = on
	if p.follow {
		p.vp.GotoBottom()
	}
}

// ScrollUp moves up n lines and stops following.
func (p *Pane) ScrollUp(n int) {
	p.vp.ScrollUp(n)
	p.follow = false
}

// ScrollDown moves down n lines; reaching the end follows again.
func (p *Pane) ScrollDown(n int) {
	p.vp.ScrollDown(n)
	p.follow = p.vp.AtBottom()
}

// PageUp and PageDown move a page.
func (p *Pane) PageUp()   { p.ScrollUp(max(p.vp.Height()-1, 1)) }
func (p *Pane) PageDown() { p.ScrollDown(max(p.vp.Height()-1, 1)) }

// Top goes to the first kept line and stops following.
func (p *Pane) Top() {
	p.vp.GotoTop()
	p.follow = false
}

// Bottom goes to the end and follows again.
func (p *Pane) Bottom() {
	p.follow = true
	p.vp.GotoBottom()
}

// ScrollLeft and ScrollRight move sideways (wrap off).
func (p *Pane) ScrollLeft()  { p.vp.ScrollLeft(8) }
func (p *Pane) ScrollRight() { p.vp.ScrollRight(8) }

// Search highlights query (case-insensitive unless it has capitals) and
// shows the first match at or below the top line; it returns the number of
// matches. An empty query clears the search.
func (p *Pane) Search(query string) int {
	p.query = query
	p.dirty = true
	p.Refresh()
	if query == "" {
		p.vp.ClearHighlights()
		p.matches = 0
		return 0
	}
	p.follow = false
	return p.applySearch(true)
}

// Query is the active search, "" when none.
func (p *Pane) Query() string { return p.query }

// Matches is the number of matches of the active search.
func (p *Pane) Matches() int { return p.matches }

// NextMatch and PrevMatch move between matches (no-ops without a search).
func (p *Pane) NextMatch() {
	p.follow = false
	p.vp.HighlightNext()
}

func (p *Pane) PrevMatch() {
	p.follow = false
	p.vp.HighlightPrevious()
}

func (p *Pane) applySearch(show bool) int {
	matches := findMatches(p.vp.GetContent(), p.query)
	p.matches = len(matches)
	if len(matches) == 0 {
		p.vp.ClearHighlights()
		return 0
	}
	y := p.vp.YOffset()
	p.vp.SetHighlights(matches)
	if !show {
		p.vp.SetYOffset(y)
	}
	return len(matches)
}

// findMatches returns the byte ranges of query in content, without
// overlaps. Smart case: a query with a capital letter matches exactly.
func findMatches(content, query string) [][]int {
	if query == "" {
		return nil
	}
	hay, needle := content, query
	if strings.ToLower(query) == query {
		if lower := strings.ToLower(content); len(lower) == len(content) {
			hay = lower
		}
	}
	var out [][]int
	for off := 0; off < len(hay); {
		i := strings.Index(hay[off:], needle)
		if i < 0 {
			break
		}
		start := off + i
		out = append(out, []int{start, start + len(needle)})
		off = start + max(len(needle), 1)
	}
	return out
}

// View draws the pane with its border; focused panes get the focused border.
func (p *Pane) View(st Styles, focused bool) string {
	frame := st.Pane
	if focused {
		frame = st.FocusedPane
	}
	inner := max(p.width-2, 1)
	title := st.Bold.Render(p.Title)
	var flags []string
	if p.restarts > 0 {
		flags = append(flags, fmt.Sprintf("restarted ×%d", p.restarts))
	}
	if p.ring.Dropped() > 0 {
		flags = append(flags, fmt.Sprintf("%d older lines not kept", p.ring.Dropped()))
	}
	if p.query != "" {
		flags = append(flags, fmt.Sprintf("/%s: %d", p.query, p.matches))
	}
	if p.wrap {
		flags = append(flags, "wrap")
	}
	if p.follow {
		flags = append(flags, "following")
	} else {
		flags = append(flags, "paused · G follows")
	}
	head := title + st.Muted.Render("  "+strings.Join(flags, " · "))
	status := p.StatusStyle.Render(p.Status)
	body := p.vp.View()
	if p.ring.Len() == 0 && p.partial == "" {
		body = st.Muted.Render("(no output yet)")
	}
	content := lipgloss.JoinVertical(lipgloss.Left,
		ansi.Truncate(head, inner, "…"),
		ansi.Truncate(status, inner, "…"),
		body)
	return frame.Width(p.width).Height(p.height).MaxHeight(p.height).Render(
		lipgloss.NewStyle().Width(inner).Height(max(p.height-2, 1)).MaxHeight(max(p.height-2, 1)).Render(content))
}
