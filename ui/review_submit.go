package ui

import (
	"strings"

	"al.essio.dev/pkg/shellescape"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// submitState is the review's part in a submit it started.
type submitState struct {
	running bool
	// refusal is srtctl's message when it refused the job; err is any
	// other failure.
	refusal string
	err     string
	// quitAsked is set once a quit was refused while srtctl runs: the
	// next one goes through.
	quitAsked bool
}

// updateSaved is the screen after Save: submit, or exit with the command
// to submit by hand.
func (r *ReviewScreen) updateSaved(msg tea.Msg) tea.Cmd {
	k, isKey := msg.(tea.KeyPressMsg)
	if !isKey {
		var cmd tea.Cmd
		r.vp, cmd = r.vp.Update(msg)
		return cmd
	}
	if r.sub.running {
		return nil
	}
	switch k.String() {
	case "y", "Y":
		if r.Submit != nil {
			r.sub = submitState{running: true}
			return r.Submit(r.saved)
		}
	case "b":
		if r.sub.refusal != "" {
			return r.back()
		}
	case "enter", "q", "esc":
		return QuitWith(r.savedMessage(), 0)
	default:
		if r.sub.refusal != "" {
			var cmd tea.Cmd
			r.vp, cmd = r.vp.Update(msg)
			return cmd
		}
	}
	return nil
}

// submitFailed shows why the submit did not happen: srtctl's refusal
// verbatim, or the error.
func (r *ReviewScreen) submitFailed(f SessionFailedMsg) tea.Cmd {
	r.sub.running = false
	if f.Refusal != "" {
		r.sub.refusal = f.Refusal
		r.vp.SetContent(r.wrapBlock(f.Refusal))
		r.vp.GotoTop()
		r.SetSize(r.w, r.h)
		return Status("srtctl refused the job on cluster "+f.Cluster+": its message is above", true)
	}
	r.sub.err = "not submitted: " + f.Err.Error()
	return Status("not submitted: "+firstLine(f.Err.Error()), true)
}

// wrapBlock folds every line of a message to the screen.
func (r *ReviewScreen) wrapBlock(s string) string {
	if r.w < 20 {
		return s
	}
	return ansi.Wrap(strings.TrimRight(s, "\n"), r.w-2, " ")
}

// savedView is the screen after Save: the command to submit by hand, then
// "Submit now?", the submit running, or why it did not happen.
func (r *ReviewScreen) savedView() string {
	st := r.ctx.Styles
	out := st.OK.Render("✓ Saved "+r.saved) + "\n\n"
	apply := "srtctl apply -f " + shellescape.Quote(r.saved)
	where := "the cluster"
	if r.SubmitTo != "" {
		where = "cluster " + r.SubmitTo
	}
	switch {
	case r.sub.refusal != "":
		return out + st.Error.Render("✗ srtctl refused the job on "+where+":") + "\n\n" + r.vp.View() + "\n\n" +
			st.Bold.Render("y") + " submit again · " + st.Bold.Render("b") + " back to the form · enter or q: exit"
	case r.sub.running:
		return out + "Submitting on " + where + ": " + st.Bold.Render(apply) + " …\n\n" +
			st.Muted.Render("The monitor opens once srtctl has taken the job.")
	}
	out += "Submit it on the login node with:\n\n  " + st.Bold.Render(apply) + "\n\n"
	switch {
	case r.sub.err != "":
		out += r.wrap(st.Error.Render(r.sub.err)) + "\n\n" + "Try again? " + st.Bold.Render("y") + " / enter to exit"
	case r.Submit != nil:
		out += "Submit now? " + st.Bold.Render("y") + " / enter to exit"
		if r.SubmitTo != "" {
			out += "\n" + st.Muted.Render("y runs srtctl apply on "+where+", then follows the job")
		}
	default:
		if r.noSubmit != "" {
			out += r.wrap(st.Muted.Render(r.noSubmit)) + "\n\n"
		}
		out += st.Muted.Render("enter or q: exit")
	}
	return out
}
