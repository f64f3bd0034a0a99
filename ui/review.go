package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"al.essio.dev/pkg/shellescape"
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// ReviewScreen is the last step: what Save would write (the diff against
// the file on disk, or the whole new file), the changes made on the user's
// behalf, the validation result, then Save or Back. Nothing is written
// before Save, and Save writes exactly the bytes shown.
type ReviewScreen struct {
	ctx   *Context
	wz    *wizard.Wizard
	res   *wizard.Result
	vp    viewport.Model
	state reviewState
	// onBack is 0 for the Save button, 1 for Back.
	focus int
	path  textinput.Model
	saved string
	w, h  int
	// Submit is offered after a save when set; SubmitTo names the cluster
	// it submits to. Both default to the context's Clusters' submit target.
	Submit   SubmitFunc
	SubmitTo string
	// noSubmit says why submitting is not offered, when that is worth
	// saying (the local cluster has no srtctl).
	noSubmit string
	sub      submitState
	// verdict is the cluster's srtctl's own answer (1.0.x and 2.x files).
	verdict verdictState
}

type reviewState int

const (
	reviewing reviewState = iota
	askingPath
	confirmOverwrite
	savedJob
	confirmDiscard
)

// NewReviewScreen shows res, the answers of wz applied to the file.
func NewReviewScreen(ctx *Context, wz *wizard.Wizard, res *wizard.Result) *ReviewScreen {
	r := &ReviewScreen{ctx: ctx, wz: wz, res: res, vp: viewport.New()}
	if ctx.Clusters != nil {
		if s, why := ctx.Clusters.SubmitTarget(); s != nil {
			r.Submit = func(path string) tea.Cmd { return s.Submit(ctx, path) }
			r.SubmitTo = s.Cluster().Name
		} else {
			r.noSubmit = why
		}
	}
	r.path = textinput.New()
	r.path.Prompt = "Save as: "
	r.path.SetValue(wz.SuggestedPath())
	r.vp.SetContent(r.body())
	return r
}

// Result is what the screen would save.
func (r *ReviewScreen) Result() *wizard.Result { return r.res }

// SavedPath is where the job was saved ("" before Save).
func (r *ReviewScreen) SavedPath() string { return r.saved }

func (r *ReviewScreen) Title() string {
	return fmt.Sprintf("%s · Step %d/%d %s", r.wz.FileName(), wizard.StepCount, wizard.StepCount, wizard.StepName(wizard.StepCount))
}

func (r *ReviewScreen) Init() tea.Cmd { return r.verdictCmd() }

func (r *ReviewScreen) CapturesInput() bool { return r.state == askingPath }

func (r *ReviewScreen) SetSize(w, h int) {
	r.w, r.h = w, h
	r.vp.SetWidth(w)
	r.path.SetWidth(max(w-len(r.path.Prompt)-2, 10))
	if r.sub.refusal != "" {
		// Saved, refused: the viewport scrolls srtctl's message.
		r.vp.SetHeight(max(h-refusalChrome, 1))
		r.vp.SetContent(r.wrapBlock(r.sub.refusal))
		return
	}
	r.vp.SetHeight(max(h-3, 1))
	r.vp.SetContent(r.body())
}

// refusalChrome is the rows around srtctl's message after a refusal.
const refusalChrome = 6

// CanQuit asks before leaving answers unsaved.
func (r *ReviewScreen) CanQuit() (bool, tea.Cmd) {
	if r.sub.running && !r.sub.quitAsked {
		r.sub.quitAsked = true
		return false, Status("srtctl apply is running: quitting now may leave the job submitted but not followed. ctrl+c again quits anyway.", true)
	}
	if r.state == savedJob || r.state == confirmDiscard || (r.res.Unchanged() && !r.wz.Dirty()) {
		return true, nil
	}
	r.state = confirmDiscard
	return false, nil
}

// body is the scrolling part: validation, automatic changes, diff.
func (r *ReviewScreen) body() string {
	st := r.ctx.Styles
	var b strings.Builder
	errs, warns := 0, 0
	for _, f := range r.res.Findings {
		switch f.Severity {
		case jobspec.Error:
			errs++
		case jobspec.Warning:
			warns++
		}
	}
	switch {
	case errs > 0:
		b.WriteString(st.Error.Render(fmt.Sprintf("✗ %d error(s): this cannot be saved until fixed (b: back to the form)", errs)))
	case warns > 0:
		b.WriteString(st.OK.Render("✓ passes "+r.wz.RulesName()+"'s rules") + st.Warn.Render(fmt.Sprintf(" (%d warning(s))", warns)))
	default:
		b.WriteString(st.OK.Render("✓ passes " + r.wz.RulesName() + "'s rules"))
	}
	b.WriteByte('\n')
	for _, f := range r.res.Findings {
		sty := st.Muted
		switch f.Severity {
		case jobspec.Error:
			sty = st.Error
		case jobspec.Warning:
			sty = st.Warn
		}
		b.WriteString(r.wrap("  "+sty.Render(f.Severity.String())+" "+fmt.Sprintf("%d:%d %s: %s", f.Line, f.Col, f.Path, f.Message)) + "\n")
	}
	if len(r.res.Fit) > 0 {
		b.WriteString("\n" + st.Bold.Render("Workers and GPUs:") + "\n")
		for _, f := range r.res.Fit {
			if f.Problem == "" {
				b.WriteString(r.wrap("  "+st.OK.Render("✓")+" "+f.Text) + "\n")
				continue
			}
			b.WriteString(r.wrap("  "+st.Warn.Render("⚠")+" "+f.Text+": "+st.Warn.Render(f.Problem)) + "\n")
		}
	}
	if len(r.res.Changes)+len(r.res.Notes) > 0 {
		b.WriteString("\n" + st.Bold.Render("Changed for you:") + "\n")
		for _, c := range r.res.Changes {
			b.WriteString(r.wrap("  • "+wizard.ChangeText(c)) + "\n")
		}
		for _, n := range r.res.Notes {
			b.WriteString(r.wrap("  • "+n) + "\n")
		}
	}
	b.WriteString(r.verdictText())
	b.WriteByte('\n')
	switch {
	case r.wz.IsNew():
		b.WriteString(st.Bold.Render("The new file:") + "\n")
		for _, l := range strings.Split(strings.TrimRight(string(r.res.Doc.Bytes()), "\n"), "\n") {
			for _, piece := range r.fold("  " + l) {
				b.WriteString(piece + "\n")
			}
		}
	case r.res.Diff == "":
		b.WriteString(st.Muted.Render("No changes: the file on disk already says this.") + "\n")
	default:
		rm, add := jobspec.ChangedLines(r.res.Diff)
		what := "Changes to " + r.res.Path
		if r.wz.SavingAs() {
			what = "Your version: changes to " + r.wz.FileName() + " as you opened it"
		}
		b.WriteString(st.Bold.Render(fmt.Sprintf("%s (-%d +%d lines):", what, rm, add)) + "\n")
		for _, l := range strings.Split(strings.TrimRight(r.res.Diff, "\n"), "\n") {
			render := func(s ...string) string { return strings.Join(s, " ") }
			switch {
			case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"):
				render = st.Bold.Render
			case strings.HasPrefix(l, "+"):
				render = st.OK.Render
			case strings.HasPrefix(l, "-"):
				render = st.Error.Render
			case strings.HasPrefix(l, "@@"):
				render = st.Accent.Render
			}
			for _, piece := range r.fold(l) {
				b.WriteString(render(piece) + "\n")
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// foldMark starts the continuation of a line of the file or the diff that
// is wider than the screen: what Save writes is shown whole, not cut.
const foldMark = "  ↪ "

// fold cuts a line of the file or the diff (plain text) into screen-wide
// pieces, the ones after the first marked with foldMark.
func (r *ReviewScreen) fold(l string) []string {
	w := r.w
	if w < 20 || ansi.StringWidth(l) <= w {
		return []string{l}
	}
	pieces := []string{ansi.Cut(l, 0, w)}
	rest := ansi.Cut(l, w, ansi.StringWidth(l))
	for _, p := range strings.Split(ansi.Hardwrap(rest, w-ansi.StringWidth(foldMark), true), "\n") {
		pieces = append(pieces, foldMark+p)
	}
	return pieces
}

// wrap folds a line of text to the screen, indenting what follows.
func (r *ReviewScreen) wrap(s string) string {
	if r.w < 20 {
		return s
	}
	return strings.ReplaceAll(ansi.Wordwrap(s, r.w-5, " "), "\n", "\n    ")
}

var (
	keySave        = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save"))
	keyBack        = key.NewBinding(key.WithKeys("b", "esc"), key.WithHelp("b/esc", "back"))
	keyChoose      = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose"))
	keySwitch      = key.NewBinding(key.WithKeys("tab", "left", "right", "shift+tab"), key.WithHelp("tab", "switch"))
	keyScroll      = key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown", "j", "k"), key.WithHelp("↑/↓", "scroll"))
	keyDone        = key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter/q", "exit"))
	keySubmit      = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "submit now"))
	keySubmitAgain = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "submit again"))
	keyBackToForm  = key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "back to the form"))
	keyConfirm     = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save to this path"))
	keyCancel      = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	// The questions' answers say what they do, in the footer as in the
	// question.
	keyOverwrite     = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "overwrite"))
	keyOtherName     = key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "choose another name"))
	keyDiscardQuit   = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard and quit"))
	keyKeepReviewing = key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "keep reviewing"))
)

func (r *ReviewScreen) KeyMap() help.KeyMap {
	switch r.state {
	case askingPath:
		return bindings{keyConfirm, keyCancel, keyQuit}
	case confirmOverwrite:
		return bindings{keyOverwrite, keyOtherName, keyQuit}
	case confirmDiscard:
		return bindings{keyDiscardQuit, keyKeepReviewing, keyQuit}
	case savedJob:
		switch {
		case r.sub.running:
			return bindings{keyQuit}
		case r.sub.refusal != "":
			return bindings{keySubmitAgain, keyBackToForm, keyScroll, keyDone}
		case r.sub.err != "":
			return bindings{keySubmitAgain, keyDone}
		case r.Submit != nil:
			return bindings{keySubmit, keyDone}
		}
		return bindings{keyDone}
	}
	return bindings{keySave, keyBack, keyChoose, keySwitch, keyScroll, keyQuit}
}

func (r *ReviewScreen) Update(msg tea.Msg) (Component, tea.Cmd) {
	if f, ok := msg.(SessionFailedMsg); ok && f.Op == "submit" {
		return r, r.submitFailed(f)
	}
	if m, ok := msg.(verdictMsg); ok && m.review == r {
		return r, r.gotVerdict(m)
	}
	k, isKey := msg.(tea.KeyPressMsg)
	switch r.state {
	case askingPath:
		if isKey {
			switch k.String() {
			case "esc":
				r.state = reviewing
				return r, nil
			case "enter":
				return r, r.saveTo(r.pathAnswer(), false)
			}
		}
		if r.wz.KeepTarget {
			return r, nil
		}
		var cmd tea.Cmd
		r.path, cmd = r.path.Update(msg)
		return r, cmd
	case confirmOverwrite:
		if isKey {
			switch k.String() {
			case "y", "Y":
				return r, r.saveTo(r.pathAnswer(), true)
			case "n", "N", "esc":
				r.state = askingPath
				return r, r.path.Focus()
			}
		}
		return r, nil
	case confirmDiscard:
		if isKey {
			switch k.String() {
			case "y", "Y":
				return r, Quit(true)
			case "n", "N", "esc":
				r.state = reviewing
			}
		}
		return r, nil
	case savedJob:
		return r, r.updateSaved(msg)
	}
	if !isKey {
		var cmd tea.Cmd
		r.vp, cmd = r.vp.Update(msg)
		return r, cmd
	}
	switch {
	case key.Matches(k, keySave):
		return r, r.save()
	case key.Matches(k, keyBack):
		return r, r.back()
	case key.Matches(k, keySwitch):
		r.focus = 1 - r.focus
		return r, nil
	case key.Matches(k, keyChoose):
		if r.focus == 0 {
			return r, r.save()
		}
		return r, r.back()
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	return r, cmd
}

// pathAnswer is where Save writes: the typed path, or the wizard's fixed
// target.
func (r *ReviewScreen) pathAnswer() string {
	if r.wz.KeepTarget {
		return r.wz.Target
	}
	return strings.TrimSpace(r.path.Value())
}

func (r *ReviewScreen) back() tea.Cmd {
	return tea.Sequence(Pop, func() tea.Msg { return reviewBackMsg{} })
}

// save is the Save button: refused while the result breaks a rule; a new
// job asks where to save first.
func (r *ReviewScreen) save() tea.Cmd {
	if !r.res.CanSave() {
		return Status("cannot save: the job breaks srtctl's rules (listed above); press b to go back and fix it", true)
	}
	if r.wz.IsNew() || r.wz.SavingAs() {
		r.state = askingPath
		r.path.CursorEnd()
		return r.path.Focus()
	}
	if r.res.Unchanged() {
		return QuitWith("No changes to "+r.res.Path+"; nothing written.", 0)
	}
	return r.saveTo(r.res.Path, true)
}

func (r *ReviewScreen) saveTo(path string, overwrite bool) tea.Cmd {
	if path == "" {
		return Status("enter a file name", true)
	}
	if !overwrite {
		if _, err := os.Stat(path); err == nil {
			r.state = confirmOverwrite
			return nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return Status(err.Error(), true)
		}
		if dir := filepath.Dir(path); dir != "" {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return Status(fmt.Sprintf("%s: no such directory", dir), true)
			}
		}
	}
	if err := r.res.Save(path); err != nil {
		if r.state == confirmOverwrite {
			r.state = askingPath
		}
		return Status("not saved: "+err.Error(), true)
	}
	r.saved = path
	r.state = savedJob
	return nil
}

func (r *ReviewScreen) savedMessage() string {
	return fmt.Sprintf("Saved %s\nSubmit it on the login node with:\n  srtctl apply -f %s", r.saved, shellescape.Quote(r.saved))
}

func (r *ReviewScreen) View() string {
	st := r.ctx.Styles
	switch r.state {
	case savedJob:
		return r.savedView()
	}
	var foot string
	switch r.state {
	case askingPath:
		if r.wz.KeepTarget {
			foot = r.path.Prompt + r.wz.Target + "\n" + st.Muted.Render("enter: save · esc: cancel · this path is fixed")
		} else {
			foot = r.path.View() + "\n" + st.Muted.Render("enter: save · esc: cancel")
		}
	case confirmOverwrite:
		foot = st.Warn.Render(r.pathAnswer()+" exists.") + " Overwrite it (the old one is kept as .bak)? " +
			st.Bold.Render("y") + " overwrite · " + st.Bold.Render("n") + " choose another name"
	case confirmDiscard:
		foot = st.Warn.Render("Not saved.") + " Quit and discard the answers? " +
			st.Bold.Render("y") + " discard and quit · " + st.Bold.Render("n") + " keep reviewing"
	default:
		foot = r.buttons()
	}
	return r.vp.View() + "\n\n" + foot
}

func (r *ReviewScreen) buttons() string {
	st := r.ctx.Styles
	btn := lipgloss.NewStyle().Padding(0, 2)
	on := btn.Reverse(true).Bold(true)
	save := "Save"
	if !r.res.CanSave() {
		save = "Save (fix errors first)"
	} else if r.res.Unchanged() {
		save = "Done (no changes)"
	}
	labels := []string{save, "Back"}
	var out []string
	for i, l := range labels {
		if i == r.focus {
			out = append(out, on.Render(l))
		} else {
			out = append(out, btn.Render(l))
		}
	}
	return strings.Join(out, " ") + "  " + st.Muted.Render(fmt.Sprintf("%3.0f%%", r.vp.ScrollPercent()*100))
}
