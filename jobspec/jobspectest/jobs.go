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

// ValidV1Disagg2x2 is a srtctl 1.0.x profiling job: two prefill and two
// decode workers, torch with steps-only phases, traffic from sa-bench. It
// has no key only 1.0.x knows, so it could be read as a P1 file whose
// phases lack traffic (the "2x2 sa-bench file"); it is valid v1.
// Shaped after corpus/current/recipes/qwen3.5/fp8/disagg/mooncake/profile/
// 1p1d-tp4-profile.yaml (NVIDIA/srt-slurm v1.0.68, Apache-2.0).
const ValidV1Disagg2x2 = `name: "t"
model:
  path: "/m"
  container: "/c"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  gpus_per_node: 4
  prefill_nodes: 2
  decode_nodes: 2
  prefill_workers: 2
  decode_workers: 2
profiling:
  type: "torch"
  prefill:
    start_step: 10
    stop_step: 20
  decode:
    start_step: 10
    stop_step: 20
benchmark:
  type: "sa-bench"
  isl: 1024
  osl: 128
  concurrencies: "4x8"
`

// ValidV1Agg is an aggregated srtctl 1.0.x nsys job with a 1.0.x-only key
// (dynamo:), so it is v1 by its keys.
const ValidV1Agg = `name: "a"
model:
  path: "/m"
  container: "/c"
  precision: "bf16"
resources:
  gpu_type: "h100"
  gpus_per_node: 8
  agg_nodes: 1
  agg_workers: 1
dynamo:
  version: "0.8.0"
profiling:
  type: "nsys"
  aggregated:
    start_step: 10
    stop_step: 20
benchmark:
  type: "sglang-bench"
  isl: 128
  osl: 128
  concurrencies: [4, 8]
`

// ValidV2Disagg is a srtctl 2.x profiling job: two prefill workers of two
// nodes each, one decode worker, nsys on the second prefill worker's
// second node. Shaped after corpus/v2/examples/sglang/dynamo-disagg.yaml
// (NVIDIA/srt-slurm 2.x, Apache-2.0).
const ValidV2Disagg = `schema: 2
name: "v2"
model:
  path: "/m"
  container: "/c"
  precision: "fp8"
resources:
  gpu_type: "gb200"
  gpus_per_node: 4
engine: sglang
roles:
  prefill:
    nodes: 4
    workers: 2
  decode:
    nodes: 1
    workers: 1
profiling:
  type: "nsys"
  prefill:
    start_step: 10
    stop_step: 20
    capture_scope: selected
    worker_index: 1
    worker_rank: 1
  decode:
    start_step: 10
    stop_step: 20
benchmark:
  type: "sa-bench"
  isl: 1024
  osl: 128
  concurrencies: "4"
`
