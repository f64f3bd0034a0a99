package sim

import (
	"fmt"
	"path/filepath"
	"strings"
)

// todayLayout is where a 1.0.x or 2.x run writes inside <base>/<id>/
// (srtctl-current.md §1.6, §2.5): the logs are flat in 1.0.x; 2.x moves
// the per-node files into logs/workers/.
type todayLayout struct {
	Run     string // <base>/<id>
	ID      string
	Release string
}

func (l todayLayout) logs() string { return filepath.Join(l.Run, "logs") }

func (l todayLayout) sweepLog() string {
	return filepath.Join(l.logs(), "sweep_"+l.ID+".log")
}

func (l todayLayout) benchmarkOut() string { return filepath.Join(l.logs(), "benchmark.out") }

// nodeDir holds the per-node files: worker and frontend logs, configs.
func (l todayLayout) nodeDir() string {
	if l.Release == ReleaseV2 {
		return filepath.Join(l.logs(), "workers")
	}
	return l.logs()
}

func (l todayLayout) workerLog(node, mode string, i int) string {
	return filepath.Join(l.nodeDir(), fmt.Sprintf("%s_%s_w%d.out", node, mode, i))
}

func (l todayLayout) frontendLog(node string) string {
	return filepath.Join(l.nodeDir(), node+"_frontend_0.out")
}

func (l todayLayout) profiles(mode string) string {
	return filepath.Join(l.logs(), "profiles", mode)
}

// resultsDir is sa-bench's result directory for the run's isl/osl.
func (l todayLayout) resultsDir(isl, osl int) string {
	return filepath.Join(l.logs(), fmt.Sprintf("sa-bench_isl_%d_osl_%d", isl, osl))
}

// nsysReport is the name srtctl gives a worker's report: one per node of
// the worker, named by the node and its GPUs (CUDA_VISIBLE_DEVICES with
// "," made "-").
func nsysReport(node, mode string, worker, gpus int) string {
	ids := make([]string, gpus)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	return fmt.Sprintf("%s_%s_w%d_profile_gpu%s.nsys-rep", node, mode, worker, strings.Join(ids, "-"))
}

// todayNodes names the nodes the run's workers land on: SLURM's own node
// list while it has enough, then numbered after its first node (the test
// cluster has one node; a real job has one per worker node).
func todayNodes(slurm []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		if i < len(slurm) {
			out[i] = slurm[i]
		} else {
			out[i] = fmt.Sprintf("%s-%d", slurm[0], i)
		}
	}
	return out
}
