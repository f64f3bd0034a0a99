package ui

import (
	"bytes"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/srtctl-tui/srtctl-tui/jobspec/jobspectest"
	"github.com/srtctl-tui/srtctl-tui/monitor"
	"github.com/srtctl-tui/srtctl-tui/wizard"
)

// In a real program loop: a broken file opens with its problems, answers
// changed and then abandoned with ctrl+c ask first, and nothing is written.
func TestTeatestQuitWithUnsavedAnswersAsksAndWritesNothing(t *testing.T) {
	path, doc := writeJob(t, jobspectest.BrokenP1)
	ctx := &Context{Width: 80, Height: 24, Styles: NewStyles(true), NoColor: true}
	root := NewRoot(ctx, NewWizardScreen(ctx, wizard.Edit(doc)))
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("cannot be saved as it is")) },
		teatest.WithDuration(5*time.Second))
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Job name")) },
		teatest.WithDuration(5*time.Second))
	tm.Type("x") // the name is now "w2x": unsaved answers
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Unsaved changes")) },
		teatest.WithDuration(5*time.Second))
	tm.Type("y")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	ws, ok := final.Top().(*WizardScreen)
	if !ok {
		t.Fatalf("top screen %T", final.Top())
	}
	if ws.Wizard().V.Name != "w2x" || !ws.Wizard().Dirty() {
		t.Fatalf("answers: name=%q dirty=%v", ws.Wizard().V.Name, ws.Wizard().Dirty())
	}
	if final.ExitCode != 0 {
		t.Fatalf("exit code %d", final.ExitCode)
	}
	if got, _ := os.ReadFile(path); string(got) != jobspectest.BrokenP1 {
		t.Fatal("quitting wrote the file")
	}
}

// In a real program loop, events reach the monitor through its engine
// while the summary is on top: the job cancelled meanwhile shows as
// cancelled when Esc comes back (the monitor used to stall under it).
func TestTeatestMonitorFollowsUnderTheSummary(t *testing.T) {
	dir := t.TempDir()
	autoWriteTrace(t, dir, "prefill", "prefill_gemm_kernel")
	autoWriteTrace(t, dir, "decode", "decode_attention_kernel")
	tm, eng, see := teatestSummaryMonitor(t, dir)
	eng.ch <- monitor.JobInfoEvent{Info: monTestInfo}
	eng.ch <- monitor.SlurmEvent{Job: monitor.JobState{State: "RUNNING", Node: "gpu-07"}}
	eng.ch <- autoFetched(dir, "")
	see("s opens their summary")
	tm.Type("s")
	see("decode_attention_kernel")
	eng.ch <- monitor.SlurmEvent{Job: monitor.JobState{State: "CANCELLED", Ended: true, ExitCode: "0:15"}}
	time.Sleep(300 * time.Millisecond) // the event travels the engine's channel, not the keyboard
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	see("CANCELLED")
	tm.Send(tea.KeyPressMsg{Code: 'q'})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	sm, ok := final.Top().(*SummaryMonitor)
	if !ok || !sm.Status().Slurm.Ended || sm.Status().Slurm.State != "CANCELLED" {
		t.Fatalf("final monitor: %T %+v", final.Top(), sm.Status().Slurm)
	}
}
