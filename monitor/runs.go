package monitor

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/srtctl-tui/srtctl-tui/runner"
	"github.com/srtctl-tui/srtctl-tui/safetext"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// RunRow is one srtctl run seen on a cluster, for `jobs`: from
// its output base (or P1's logs/) and from squeue --me.
type RunRow struct {
	ID   string
	Name string
	// Dir is the run's directory ("" for a queued job whose directory
	// does not exist yet).
	Dir   string
	State string // SLURM's, described
	// Stage is a today's run's stage from its sweep log ("" for P1's).
	Stage   string
	ModTime time.Time // of its directory
}

// maxStageRead bounds what is read of a sweep log and benchmark.out to
// tell a run's stage: their ends say it.
const maxStageRead = 256 << 10

// ClusterRuns lists the runs on conn's cluster, newest first (at most
// limit, 0 for all), with their SLURM state and, for today's runs, stage.
func ClusterRuns(ctx context.Context, conn *runner.Conn, limit int) ([]RunRow, error) {
	runs, listErr := conn.ListRuns(ctx, limit)
	queue, qerr := conn.MyQueue(ctx)
	var rows []RunRow
	for _, r := range runs {
		rows = append(rows, RunRow{ID: r.ID, Dir: r.Dir, ModTime: r.ModTime})
	}
	for _, q := range queue {
		i := slices.IndexFunc(rows, func(r RunRow) bool { return r.ID == q.ID })
		if i < 0 {
			rows = append([]RunRow{{ID: q.ID}}, rows...)
			i = 0
		}
		rows[i].Name = safetext.Line(q.Name)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	states, serr := conn.States(ctx, ids)
	for i := range rows {
		if st, ok := states[rows[i].ID]; ok {
			rows[i].State = safetext.Line(st.Describe())
		}
		if rows[i].Dir != "" && LayoutOf(rows[i].ID, rows[i].Dir) == LayoutToday {
			rows[i].Stage = RunStage(conn.FS(), rows[i].ID, rows[i].Dir)
		}
	}
	err := listErr
	if err == nil {
		err = qerr
	}
	if err == nil {
		err = serr
	}
	return rows, err
}

// RunStage reads the end of a today's run's sweep log and benchmark.out
// and says its stage ("" when there is no sweep log).
func RunStage(fsys tail.FS, id, dir string) string {
	spec := tail.TodaySpec{RunDir: dir, ID: id}
	tr := tail.NewSweepTracker(nil)
	if !feedEnd(fsys, spec.SweepLog(), tr.FeedSweep) {
		return ""
	}
	feedEnd(fsys, spec.BenchmarkOut(), tr.FeedBenchmark)
	var s Status
	s.Today.Sweep = *tr.State()
	// Since is when this read saw the stage: a listing says no "stalled".
	return s.StageText(s.Today.Sweep.Since)
}

// feedEnd feeds the last maxStageRead bytes of p, line by line.
func feedEnd(fsys tail.FS, p string, feed func(string)) bool {
	f, err := fsys.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	if size, err := f.Seek(0, io.SeekEnd); err == nil && size > maxStageRead {
		f.Seek(size-maxStageRead, io.SeekStart)
	} else {
		f.Seek(0, io.SeekStart)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxStageRead))
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(data), "\n") {
		feed(l)
	}
	return true
}
