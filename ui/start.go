package ui

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// StartScreen is what bare `srtctl-tui` shows: new job, edit one of the
// job files in the current directory or another one, monitor a job of the
// history (when the context has Clusters).
type StartScreen struct {
	ctx    *Context
	dir    string
	items  []startItem
	files  []JobFile
	cursor int
	asking bool
	// opening is the status line while a file or a new job is being
	// opened, which may wait for a connection to ask the cluster's srtctl;
	// Enter does nothing until it ends, so the form cannot open twice.
	opening string
	path    textinput.Model
	w, h    int
}

type startItem struct {
	label string
	file  string // for "edit"
	kind  string // "new", "edit", "other", "monitor"
}

// NewStartScreen lists the job files of dir.
func NewStartScreen(ctx *Context, dir string) *StartScreen {
	s := &StartScreen{ctx: ctx, dir: dir, path: textinput.New()}
	s.path.Prompt = "File: "
	s.items = append(s.items, startItem{label: "New job", kind: "new"})
	s.files = JobFiles(dir)
	for _, f := range s.files {
		s.items = append(s.items, startItem{label: "Edit " + f.Label(), file: f.path, kind: "edit"})
	}
	s.items = append(s.items, startItem{label: "Edit another file…", kind: "other"})
	if ctx.Clusters != nil {
		s.items = append(s.items, startItem{label: "Monitor a job", kind: "monitor"})
	}
	return s
}

// JobFile is a job file found in a directory: its path, the file name as
// listed (with its dialect when not P1) and the job's name.
type JobFile struct{ path, file, name string }

// Path is the file's path.
func (f JobFile) Path() string { return f.path }

// Label is the file and the job's name, as a one-line list shows them.
func (f JobFile) Label() string {
	if f.name == "" {
		return f.file
	}
	return f.file + "  " + f.name
}

// AlignedLabels are the files' labels with the job names in one column,
// each row fitting width (a long name ends in …).
func AlignedLabels(files []JobFile, prefix string, width int) []string {
	col := 0
	for _, f := range files {
		col = max(col, ansi.StringWidth(f.file))
	}
	out := make([]string, len(files))
	for i, f := range files {
		l := prefix + f.file
		if f.name != "" {
			l += strings.Repeat(" ", col-ansi.StringWidth(f.file)+2) + f.name
		}
		if width > 0 {
			l = ansi.Truncate(l, width, "…")
		}
		out[i] = l
	}
	return out
}

const (
	// maxListedSize: a job file is a few KB; a larger *.yaml is not parsed
	// to be listed (Edit another file… still opens it).
	maxListedSize = 64 << 10
	// maxScanBytes bounds what the scan parses in all, so that a directory
	// of many large YAML files cannot hold up the screen (each parse is
	// bounded by the gate, their number is not): about 0.5 s at worst.
	maxScanBytes = 1 << 20
)

// JobFiles returns the *.yaml/*.yml files of dir that look like srtctl
// jobs (a mapping with model and resources), labelled with their dialect
// when it is not P1 ("p1 or v1" when the file could be either). Files
// above maxListedSize are passed over, and the scan stops after parsing
// maxScanBytes.
func JobFiles(dir string) []JobFile {
	var out []JobFile
	var names []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		names = append(names, m...)
	}
	sort.Strings(names)
	budget := int64(maxScanBytes)
	for _, p := range names {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxListedSize {
			continue
		}
		if budget -= st.Size(); budget < 0 {
			break
		}
		doc, err := jobspec.Load(p) // regular files only, through the YAML gate
		if err != nil || !doc.Has("model") || !doc.Has("resources") {
			continue
		}
		f := JobFile{path: p, file: filepath.Base(p)}
		// What the file shows, not how it opens: that depends on the
		// cluster's srtctl (EditFor), which listing does not ask.
		switch det := doc.Detect(""); {
		case det.Assumed:
			f.file += " (p1 or v1)"
		case det.Dialect == jobspec.DialectP3, det.Dialect == jobspec.DialectV1, det.Dialect == jobspec.DialectV2:
			f.file += " (" + string(det.Dialect) + ")"
		}
		if name, ok := doc.Get("name"); ok {
			f.name = safetext.Line(name)
		}
		out = append(out, f)
	}
	return out
}

func (s *StartScreen) Title() string { return "start" }

func (s *StartScreen) Init() tea.Cmd { return nil }

func (s *StartScreen) CapturesInput() bool { return s.asking }

func (s *StartScreen) SetSize(w, h int) { s.w, s.h = w, h; s.path.SetWidth(max(w-8, 10)) }

var (
	keyUp   = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	keyDown = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	keyOpen = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	keyQ    = key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit"))
	// keyOpenPath is Enter on the "Edit another file" path prompt.
	keyOpenPath = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open this file"))
)

func (s *StartScreen) KeyMap() help.KeyMap {
	if s.asking {
		return bindings{keyOpenPath, keyCancel}
	}
	return bindings{keyUp, keyDown, keyOpen, keyQ}
}

func (s *StartScreen) Update(msg tea.Msg) (Component, tea.Cmd) {
	if m, ok := msg.(startOpenedMsg); ok {
		s.opening = ""
		return s, func() tea.Msg { return m.next }
	}
	k, ok := msg.(tea.KeyPressMsg)
	if s.asking {
		if ok {
			switch k.String() {
			case "esc":
				s.asking = false
				return s, nil
			case "enter":
				s.asking = false
				return s, s.open(OpenFile(s.ctx, strings.TrimSpace(s.path.Value())))
			}
		}
		var cmd tea.Cmd
		s.path, cmd = s.path.Update(msg)
		return s, cmd
	}
	if !ok {
		return s, nil
	}
	switch {
	case key.Matches(k, keyUp):
		s.cursor = (s.cursor + len(s.items) - 1) % len(s.items)
	case key.Matches(k, keyDown):
		s.cursor = (s.cursor + 1) % len(s.items)
	case key.Matches(k, keyQ):
		return s, Quit(false)
	case key.Matches(k, keyOpen) && s.opening != "":
		return s, nil
	case key.Matches(k, keyOpen):
		it := s.items[s.cursor]
		switch it.kind {
		case "new":
			ctx := s.ctx
			return s, s.open(func() tea.Msg { return PushMsg{Screen: NewJob(ctx, ctx.Clusters.DefaultSession(), "")} })
		case "edit":
			return s, s.open(OpenFile(s.ctx, it.file))
		case "other":
			s.asking = true
			s.path.SetValue("")
			return s, s.path.Focus()
		case "monitor":
			return s, Push(NewJobPicker(s.ctx))
		}
	}
	return s, nil
}

// startOpenedMsg brings what opening a file or a new job came to (a
// pushed screen, a status) back through the start screen, which ends its
// "opening" state before passing it on.
type startOpenedMsg struct{ next tea.Msg }

// open runs cmd, saying meanwhile that the default cluster's srtctl is
// being asked when it is not known yet (when it is, or there is no
// cluster, cmd does not wait and "opening…" barely shows).
func (s *StartScreen) open(cmd tea.Cmd) tea.Cmd {
	s.opening = "opening…"
	if cs := s.ctx.Clusters.DefaultSession(); cs != nil && !cs.SrtctlKnown() {
		s.opening = "asking " + safetext.Line(cs.Cluster().Name) + "'s srtctl version…"
	}
	return func() tea.Msg { return startOpenedMsg{next: cmd()} }
}

// OpenFile loads a job file and pushes its form (or read-only view) for
// the default cluster's srtctl, as `edit` does (EditFor); a file that
// cannot be read or parsed is reported in the status line. It runs as a
// command: learning the cluster's srtctl may take a BatchMode connection.
func OpenFile(ctx *Context, path string) tea.Cmd {
	if path == "" {
		return Status("enter a file name", true)
	}
	return func() tea.Msg {
		doc, err := jobspec.Load(path)
		if err != nil {
			return Status(err.Error(), true)()
		}
		return PushMsg{Screen: OpenJob(ctx, EditFor(doc, ctx.Clusters.DefaultSession()))}
	}
}

func (s *StartScreen) View() string {
	st := s.ctx.Styles
	var b strings.Builder
	b.WriteString(st.Bold.Render("What would you like to do?") + "\n\n")
	// The files' job names line up in a column; a row never wraps.
	edits := AlignedLabels(s.files, "Edit ", max(s.w-2, 0))
	for i, it := range s.items {
		label := it.label
		if it.kind == "edit" && i-1 < len(edits) {
			label = edits[i-1]
		}
		if i == s.cursor {
			b.WriteString(st.Accent.Render("> "+label) + "\n")
		} else {
			b.WriteString("  " + label + "\n")
		}
	}
	if s.asking {
		b.WriteString("\n" + s.path.View() + "\n")
	}
	if s.opening != "" {
		b.WriteString("\n" + st.Muted.Render(s.opening) + "\n")
	}
	return b.String()
}
