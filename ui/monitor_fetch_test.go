package ui

import (
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/monitor"
)

// After a fetch, where the traces went is said once: in the monitor's
// footer (with the size), not again in the status line.
func TestFetchedTracesSaidOnce(t *testing.T) {
	eng := monNewFakeEngine()
	ctx := &Context{Styles: NewStyles(true), NoColor: true, Width: 120, Height: 30}
	m := NewMonitor(ctx, monTestInfo, MonitorOptions{Engine: eng, FetchDir: "/tmp/fetch"})
	p := newPump(t, m, 120, 30)
	p.root.ctx = ctx
	p.send(monitorEventMsg{monitor.JobInfoEvent{Info: monTestInfo}})
	p.send(monitorEventMsg{monitor.FetchEvent{LocalDir: "/tmp/fetch", Done: 1 << 20, Total: 2 << 20}})
	p.send(monitorEventMsg{monitor.FetchEvent{LocalDir: "/tmp/fetch", Done: 2 << 20, Total: 2 << 20, Finished: true}})
	v := p.view()
	if n := strings.Count(v, "traces fetched to /tmp/fetch"); n != 1 {
		t.Fatalf("%q shown %d times, want once:\n%s", "traces fetched to /tmp/fetch", n, v)
	}
	p.mustSee("traces fetched to /tmp/fetch (2.0 MiB)")
	// A failed fetch still reaches the status line.
	p.send(monitorEventMsg{monitor.FetchEvent{LocalDir: "/tmp/fetch", Finished: true, Err: "disk full"}})
	p.mustSee("fetching traces failed: disk full")
}
