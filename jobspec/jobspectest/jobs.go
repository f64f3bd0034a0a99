package jobspectest

// ValidP1Disagg is a disaggregated P1 profiling job (one prefill and one
// decode worker, torch, both phases with steps) that passes every rule with
// no finding. Tests that assert a finding's line and column replace one
// spot of it, so its lines must not move.
const ValidP1Disagg = `name: "t"
model:
  path: "/m"
  container: "/c"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  prefill_nodes: 1
  decode_nodes: 1
  prefill_workers: 1
  decode_workers: 1
  gpus_per_node: 4
benchmark:
  type: "manual"
profiling:
  type: "torch"
  prefill:
    isl: 1024
    osl: 128
    concurrency: 24
    start_step: 0
    stop_step: 50
  decode:
    isl: 1024
    osl: 128
    concurrency: 256
    start_step: 0
    stop_step: 50
backend:
  sglang_config:
    prefill:
      tp-size: 4
    decode:
      tp-size: 4
`

// ValidP1Agg is an aggregated P1 profiling job (nsys, decode phase only)
// that passes every rule with no finding.
const ValidP1Agg = `name: "t"
model:
  path: "/m"
  container: "/c"
  precision: "fp8"
resources:
  gpu_type: "h100"
  agg_nodes: 1
  agg_workers: 1
  gpus_per_node: 8
profiling:
  type: "nsys"
  decode:
    isl: 1024
    osl: 128
    concurrency: 64
backend:
  sglang_config:
    aggregated:
      tp-size: 8
`

// BrokenP1 is a P1 profiling job srtctl refuses for two reasons the form
// can fix: two decode workers (on two decode nodes) and benchmark sa-bench
// while profiling.
const BrokenP1 = `name: "w2"
model:
  path: "/m"
  container: "/c"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  prefill_nodes: 1
  decode_nodes: 2
  prefill_workers: 1
  decode_workers: 2
  gpus_per_node: 4
profiling:
  type: "torch"
  prefill:
    isl: 1024
    osl: 128
    concurrency: 24
  decode:
    isl: 1024
    osl: 128
    concurrency: 256
benchmark:
  type: "sa-bench"
`
