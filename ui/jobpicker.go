package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
)

// JobPicker lists the jobs of the local history, newest first, and opens
// the monitor on the one chosen (on the cluster it was submitted to).
type JobPicker struct {
	ctx     *Context
	entries []runner.Entry
	skipped int
	err     error
	cursor  int
	// busy is set while the chosen job's cluster is being reached.
	busy bool
	// asking is set while a job id is typed (a job not in the history,
	// followed on the default cluster).
	asking bool
	id     textinput.Model
	// title heads the list; notes are a column after the time, by job id
	// (a cluster's runs: their state and stage).
	title string
	notes map[string]string
	w, h  int
	now   func() time.Time
}

// NewJobPicker reads the history of ctx.Clusters.
func NewJobPicker(ctx *Context) *JobPicker {
	p := &JobPicker{ctx: ctx, now: time.Now, id: textinput.New()}
	p.id.Prompt = "Job id: "
	if ctx.Clusters == nil || ctx.Clusters.History() == nil {
		p.err = fmt.Errorf("no job history")
		return p
	}
	entries, skipped, err := ctx.Clusters.History().Entries()
	p.skipped, p.err = len(skipped), err
	for i := len(entries) - 1; i >= 0; i-- {
		p.entries = append(p.entries, entries[i])
	}
	return p
}

// NewRunPicker lists the runs found on a cluster (jobs), newest
// first, with their state and stage; Enter follows one like a job of the
// history.
func NewRunPicker(ctx *Context, cluster string, runs []monitor.RunRow) *JobPicker {
	p := &JobPicker{ctx: ctx, now: time.Now, notes: map[string]string{},
		title: "srtctl runs on cluster " + safetext.Field(cluster) + ", newest first (Enter follows one):"}
	for _, r := range runs {
		p.entries = append(p.entries, runner.Entry{Cluster: cluster, JobID: r.ID, Name: r.Name, LogDir: r.Dir, SubmittedAt: r.ModTime})
		note := r.State
		if r.Stage != "" {
			note += " · " + r.Stage
		}
		p.notes[r.ID] = note
	}
	return p
}

// Entries are the jobs listed, newest first.
func (p *JobPicker) Entries() []runner.Entry { return p.entries }

func (p *JobPicker) Title() string { return "monitor a job" }

func (p *JobPicker) Init() tea.Cmd { return nil }

func (p *JobPicker) SetSize(w, h int) { p.w, p.h = w, h }

var (
	keyBackStart = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	keyByID      = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "follow a job by its id"))
	keyFollowID  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "follow this job"))
)

// CapturesInput: the job id prompt takes every key.
func (p *JobPicker) CapturesInput() bool { return p.asking }

func (p *JobPicker) KeyMap() help.KeyMap {
	if p.asking {
		return bindings{keyFollowID, keyCancel}
	}
	if len(p.entries) == 0 {
		return bindings{keyByID, keyBackStart, keyQ}
	}
	return bindings{keyUp, keyDown, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "follow")), keyByID, keyBackStart, keyQ}
}

// updateAsking is the job id prompt.
func (p *JobPicker) updateAsking(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "esc":
			p.asking = false
			return nil
		case "enter":
			id := strings.TrimSpace(p.id.Value())
			if !runner.ValidJobID(id) {
				return Status(fmt.Sprintf("%q is not a SLURM job id (digits, or N_M for an array task)", id), true)
			}
			p.asking = false
			return p.follow(runner.Entry{JobID: id, Cluster: p.ctx.Clusters.Default})
		}
	}
	var cmd tea.Cmd
	p.id, cmd = p.id.Update(msg)
	return cmd
}

func (p *JobPicker) Update(msg tea.Msg) (Component, tea.Cmd) {
	switch msg := msg.(type) {
	case SessionFailedMsg:
		if msg.Op != "follow" {
			return p, nil
		}
		p.busy = false
		return p, Status("cannot follow the job: "+firstLine(msg.Err.Error()), true)
	case tea.KeyPressMsg:
		if p.busy {
			return p, nil
		}
		if p.asking {
			return p, p.updateAsking(msg)
		}
		switch {
		case key.Matches(msg, keyByID):
			if p.ctx.Clusters == nil || p.ctx.Clusters.Default == "" {
				return p, Status("no cluster to follow a job on: configure one (srtctl-tui clusters)", true)
			}
			p.asking = true
			p.id.SetValue("")
			return p, p.id.Focus()
		case key.Matches(msg, keyBackStart):
			return p, Pop
		case key.Matches(msg, keyQ):
			return p, Quit(false)
		case len(p.entries) == 0:
		case key.Matches(msg, keyUp):
			p.cursor = (p.cursor + len(p.entries) - 1) % len(p.entries)
		case key.Matches(msg, keyDown):
			p.cursor = (p.cursor + 1) % len(p.entries)
		case key.Matches(msg, keyOpen):
			return p, p.follow(p.entries[p.cursor])
		}
	default:
		if p.asking {
			return p, p.updateAsking(msg)
		}
	}
	return p, nil
}

func (p *JobPicker) follow(e runner.Entry) tea.Cmd {
	s, err := p.ctx.Clusters.Session(e.Cluster)
	if err != nil {
		return Status(fmt.Sprintf("job %s: %v", e.JobID, err), true)
	}
	p.busy = true
	return s.Follow(p.ctx, e)
}

func (p *JobPicker) View() string {
	st := p.ctx.Styles
	var b strings.Builder
	switch {
	case p.err != nil:
		b.WriteString(st.Error.Render(p.err.Error()) + "\n")
	case len(p.entries) == 0:
		where := ""
		if h := p.ctx.Clusters.History(); h != nil {
			where = " (" + h.Path() + ")"
		}
		b.WriteString("No jobs in the history yet" + where + ".\n\n" +
			st.Muted.Render("Jobs submitted with srtctl-tui (the form's Submit now, or srtctl-tui submit FILE) are listed here.\n"+
				"For a job submitted another way, press i and type its id.") + "\n")
		return b.String() + p.idPrompt()
	case p.title != "":
		b.WriteString(st.Bold.Render(p.title) + "\n\n")
	default:
		b.WriteString(st.Bold.Render("Jobs submitted from this machine, newest first:") + "\n\n")
	}
	header, rows := p.rows()
	b.WriteString(st.Muted.Render(ansi.Truncate("  "+header, max(p.w, 20), "…")) + "\n")
	// Keep the cursor in view: the window scrolls with it.
	room := max(p.h-5, 1)
	first := 0
	if p.cursor >= room {
		first = p.cursor - room + 1
	}
	for i := first; i < len(rows) && i < first+room; i++ {
		line := "  " + rows[i]
		if i == p.cursor {
			line = st.Accent.Render("> " + rows[i])
		}
		b.WriteString(ansi.Truncate(line, max(p.w, 20), "…") + "\n")
	}
	switch {
	case p.skipped > runner.MaxSkippedNamed:
		b.WriteString(st.Muted.Render(fmt.Sprintf("(more than %d damaged lines of the history skipped; srtctl-tui jobs names them)", runner.MaxSkippedNamed)) + "\n")
	case p.skipped > 0:
		b.WriteString(st.Muted.Render(fmt.Sprintf("(%d damaged line(s) of the history skipped)", p.skipped)) + "\n")
	}
	return b.String() + p.idPrompt()
}

// idPrompt is the job id prompt, under the list while asking.
func (p *JobPicker) idPrompt() string {
	if !p.asking {
		return ""
	}
	where := ""
	if p.ctx.Clusters != nil && p.ctx.Clusters.Default != "" {
		where = " (on cluster " + p.ctx.Clusters.Default + ")"
	}
	return "\n" + p.id.View() + p.ctx.Styles.Muted.Render(where) + "\n"
}

// rows are the entries as aligned text under a header: cluster, id,
// name, submitted.
func (p *JobPicker) rows() (string, []string) {
	wc, wi, wn := len("CLUSTER"), len("JOB"), len("NAME")
	for _, e := range p.entries {
		wc, wi, wn = max(wc, len(e.Cluster)), max(wi, len(e.JobID)), max(wn, len(safetext.Line(e.Name)))
	}
	wn = min(wn, 40)
	header := fmt.Sprintf("%-*s  %-*s  %-*s  %s", wc, "CLUSTER", wi, "JOB", wn, "NAME", "SUBMITTED")
	out := make([]string, 0, len(p.entries))
	for _, e := range p.entries {
		name := ansi.Truncate(safetext.Line(e.Name), wn, "…")
		when := "time unknown"
		if !e.SubmittedAt.IsZero() {
			when = e.SubmittedAt.Local().Format("2006-01-02 15:04") + " (" + humanize.RelTime(e.SubmittedAt, p.now(), "ago", "from now") + ")"
		}
		line := fmt.Sprintf("%-*s  %-*s  %-*s  %s", wc, safetext.Line(e.Cluster), wi, safetext.Line(e.JobID), wn, name, when)
		if note := p.notes[e.JobID]; note != "" {
			line += "  " + safetext.Field(note)
		}
		out = append(out, line)
	}
	return header, out
}
