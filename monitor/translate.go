package monitor

import (
	"fmt"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// streamOf maps tail's file keys to streams.
func streamOf(key string) (Stream, bool) {
	switch key {
	case tail.PhasePrefill:
		return StreamPrefill, true
	case tail.PhaseDecode:
		return StreamDecode, true
	case tail.PhaseAggregated:
		return StreamAggregated, true
	case tail.KeyLog:
		return StreamLog, true
	}
	return 0, false
}

// translate turns one watcher message into events. Runs on Run's goroutine.
func (e *Engine) translate(m tail.Msg) []Event {
	if e.status.Info.Layout == LayoutToday {
		if evs, ok := e.translateToday(m); ok {
			return evs
		}
	}
	switch m := m.(type) {
	case tail.ConnLost:
		ev := ConnEvent{Lost: true, Attempt: m.Attempt, Err: safetext.Line(errText(m.Err)),
			NeedsLogin: runner.NeedsLogin(m.Err), HostKey: runner.HostKeyFailed(m.Err)}
		if ev.NeedsLogin {
			// ssh's conclusive line: the rest would push it off the banner.
			ev.Err = safetext.Line(runner.LoginReason(m.Err))
		}
		e.redialWhenAnswering(runner.ServerDown(m.Err))
		return []Event{ev}
	case tail.ConnRestored:
		return []Event{ConnEvent{Attempt: m.Attempts}}
	case tail.FileUpdate:
		return e.fileUpdate(m)
	case tail.TracesUpdate:
		return e.tracesUpdate(m)
	}
	return nil
}

func (e *Engine) fileUpdate(u tail.FileUpdate) []Event {
	st, ok := streamOf(u.Key)
	if !ok {
		return nil
	}
	var out []Event
	if u.Err != nil {
		out = append(out, ErrorEvent{Err: safetext.Line(st.File() + ": " + u.Err.Error())})
	}
	b := u.Batch
	if b.StateChanged {
		fs := FileAppeared
		if b.Missing {
			fs = FileMissing
		} else {
			e.pokeState() // the job writes its files once it runs: PENDING is over
		}
		out = append(out, FileEvent{Stream: st, Status: fs})
	}
	if b.Restart != tail.NoRestart {
		fs := FileReplaced
		if b.Restart == tail.Truncated {
			fs = FileTruncated
		}
		out = append(out, FileEvent{Stream: st, Status: fs})
		e.save.restart(st)
	}
	partial := safetext.Line(b.Partial)
	if len(b.Lines) > 0 || partial != e.lastPartial[st] || b.Restart != tail.NoRestart {
		e.lastPartial[st] = partial
		lines := make([]string, len(b.Lines))
		for i, l := range b.Lines {
			lines[i] = safetext.Line(l)
		}
		out = append(out, LinesEvent{Stream: st, Lines: lines, Partial: partial, Restarted: b.Restart != tail.NoRestart})
		e.save.write(st, b.Lines)
	}
	if u.Phase != nil && st.IsPhase() {
		ps := phaseState(u.Phase)
		if ps != e.lastPhase[st] {
			e.lastPhase[st] = ps
			out = append(out, PhaseEvent{Stream: st, State: ps})
			e.pokeState() // a phase that ends often ends the job
		}
	}
	return out
}

func (e *Engine) tracesUpdate(u tail.TracesUpdate) []Event {
	if u.Err != nil {
		return []Event{ErrorEvent{Err: safetext.Line("profiles/: " + u.Err.Error())}}
	}
	var out []Event
	for _, p := range u.Phases {
		st, ok := streamOf(p.Phase)
		if !ok || !st.IsPhase() {
			continue
		}
		traces := make([]Trace, len(p.Files))
		for i, f := range p.Files {
			traces[i] = Trace{Path: safetext.Line(f.Path), Size: f.Size, Complete: f.Complete}
		}
		out = append(out, TracesEvent{Stream: st, Traces: traces, InProgress: len(p.InProgress)})
		if p.NoTrace {
			out = append(out, NoTracesEvent{Stream: st, After: e.opt.NoTracesGrace})
		}
	}
	return out
}

// phaseState maps tail's view of a profile_<phase>.out to ours.
func phaseState(p *tail.PhaseState) PhaseState {
	switch p.Stage {
	case tail.StageNoFile:
		return PhaseState{Status: PhaseNotStarted}
	case tail.StageStarting:
		return PhaseState{Status: PhaseStarting}
	case tail.StageWaitingServer:
		s := PhaseState{Status: PhaseWaitingServer}
		if p.NotReadyPolls > 0 {
			s.Message = fmt.Sprintf("%d not-ready polls, last status %s", p.NotReadyPolls, p.LastStatus)
		}
		return s
	case tail.StageServerReady:
		return PhaseState{Status: PhaseServerReady}
	case tail.StageProfiling:
		return PhaseState{Status: PhaseProfiling}
	case tail.StageCompleted:
		return PhaseState{Status: PhaseCompleted, ExitCode: p.ExitCode}
	}
	if p.HasExitCode {
		return PhaseState{Status: PhaseFailed, ExitCode: p.ExitCode}
	}
	msg := "failed"
	if len(p.Errors) > 0 {
		msg = p.Errors[0]
	}
	return PhaseState{Status: PhaseError, Message: msg}
}

func errText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}
