// Package monitor owns following one submitted srtctl profiling job: the
// engine that tails the job's logs through a runner connection (today's
// run directory: sweep log, benchmark.out, one log per worker; P1:
// profile_prefill.out / profile_decode.out / profile_aggregated.out and
// log.out; LayoutOf tells which), polls the SLURM state (never more often
// than every 2 s), looks for the traces, survives connection loss
// (reconnecting and resuming every tail from its offset), and reports all of
// it as typed Events.
//
// Status folds those events into what a person wants to know (phase states,
// traces, "traces ready", failures, who cancelled), the same way for the
// full-screen monitor (package ui) and for plain mode (Plain, in this
// package), so the two can never disagree. The package draws nothing.
package monitor
