package sim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// synthKernel is one GPU kernel an SGLang layer launches, with the host op
// that launches it and its typical duration at pace-independent scale.
type synthKernel struct {
	cat    string // kernel, gpu_memcpy or gpu_memset
	name   string
	hostOp string
	usec   float64 // prefill duration; decode scales it
}

// synthLayer is a transformer layer of an fp8 MoE model served by SGLang
// on Hopper/Blackwell, as its torch trace shows it.
var synthLayer = []synthKernel{
	{"kernel", "void flashinfer::norm::FusedAddRMSNormKernel<8u, __nv_bfloat16>(__nv_bfloat16*, __nv_bfloat16*, __nv_bfloat16*, unsigned int, unsigned int, unsigned int, float, float)", "sgl_kernel::fused_add_rmsnorm", 18},
	{"kernel", "void per_token_group_quant_8bit_kernel<__nv_bfloat16, c10::Float8_e4m3fn, false>(__nv_bfloat16 const*, void*, float*, int, int, int, float, float, float, bool)", "sgl_kernel::sgl_per_token_group_quant_fp8", 9},
	{"kernel", "void deep_gemm::fp8_gemm_kernel<128u, 128u, 128u, 1u, 8u, 128u, 4u, (deep_gemm::GemmType)0>(__nv_bfloat16*, float*, int*, unsigned int, CUtensorMap, CUtensorMap, CUtensorMap, CUtensorMap)", "deep_gemm::gemm_fp8_fp8_bf16_nt", 96},
	{"kernel", "void rotary_embedding_kernel<c10::BFloat16, true>(long const*, c10::BFloat16*, c10::BFloat16*, c10::BFloat16 const*, int, long, long, int, int, int)", "sgl_kernel::rotary_embedding", 11},
	{"kernel", "void flash::flash_fwd_kernel<Flash_fwd_kernel_traits<128, 128, 64, 4, false, false, cutlass::bfloat16_t, Flash_kernel_traits<128, 128, 64, 4, cutlass::bfloat16_t> >, false, true, false, false, true, true, false, false>(flash::Flash_fwd_params)", "sgl_kernel::fwd", 210},
	{"kernel", "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x256x64_warpgroupsize2x1x1_execute_segment_k_off_kernel__5x_cublas", "aten::mm", 74},
	{"kernel", "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevComm*, unsigned long, ncclWork*)", "sglang::inplace_all_reduce", 41},
	{"kernel", "void moe_align_block_size_kernel<int>(int const*, int*, int*, int*, int, int, int, unsigned long)", "sgl_kernel::moe_align_block_size", 7},
	{"kernel", "fused_moe_kernel", "sglang::fused_moe", 265},
	{"kernel", "void flashinfer::activation::act_and_mul_kernel<__nv_bfloat16, &silu>(__nv_bfloat16*, __nv_bfloat16 const*, int)", "sgl_kernel::silu_and_mul", 22},
	{"kernel", "void cutlass::device_kernel<cutlass::gemm::kernel::GemmUniversal<cute::tuple<int, int, int, int>, cutlass::gemm::collective::CollectiveMma<cutlass::gemm::MainloopSm90TmaGmmaWarpSpecializedFP8<5, cute::tuple<cute::C<1>, cute::C<2>, cute::C<1> > > > > >(cutlass::gemm::kernel::GemmUniversal<cute::tuple<int, int, int, int> >::Params)", "sgl_kernel::fp8_scaled_mm", 88},
	{"gpu_memset", "Memset (Device)", "aten::zero_", 2},
}

// synthStepKernels run once per forward pass, outside the layers.
var synthStepKernels = []synthKernel{
	{"gpu_memcpy", "Memcpy HtoD (Pinned -> Device)", "aten::copy_", 6},
	{"kernel", "void at::native::vectorized_gather_kernel<16, long>(char*, char*, long*, int, long, long, long, long, bool)", "aten::embedding", 14},
	{"kernel", "void flashinfer::sampling::TopKTopPSamplingFromProbKernel<1024u, (cub::CUB_200700_900_NS::BlockScanAlgorithm)0, (cub::CUB_200700_900_NS::BlockReduceAlgorithm)2, 4u, false, float, int>(float*, int*, float*, int*, float*, float*, unsigned int, unsigned int, unsigned long, unsigned long)", "sgl_kernel::top_k_top_p_sampling_from_probs", 31},
	{"gpu_memcpy", "Memcpy DtoH (Device -> Pinned)", "aten::item", 3},
}

// Layers and forward passes in a synthesized trace: a few thousand events,
// like a short real profile.
const (
	synthLayers        = 6
	synthPrefillSteps  = 5
	synthDecodeSteps   = 14
	synthDecodeScaling = 0.18 // a decode step's kernels are this much shorter
)

// synthTrace builds a gzipped torch profiler Chrome trace for a phase and
// rank: the same bytes every time for the same arguments.
func synthTrace(phase string, rank int) []byte {
	rng := rand.New(rand.NewPCG(uint64(len(phase))*7919+uint64(phase[0]), uint64(rank)+1))
	steps, scale := synthPrefillSteps, 1.0
	if phase != "prefill" {
		steps, scale = synthDecodeSteps, synthDecodeScaling
	}
	const hostPID, hostTID, gpuPID, gpuTID = 1843, 1843, 0, 7
	var ev []string
	add := func(format string, a ...any) { ev = append(ev, fmt.Sprintf(format, a...)) }
	add(`{"name": "process_name", "ph": "M", "ts": 0, "pid": %d, "tid": 0, "args": {"name": "python3"}}`, hostPID)
	add(`{"name": "process_name", "ph": "M", "ts": 0, "pid": %d, "tid": 0, "args": {"name": "python3"}}`, gpuPID)
	add(`{"name": "process_labels", "ph": "M", "ts": 0, "pid": %d, "tid": 0, "args": {"labels": "GPU %d"}}`, gpuPID, rank)
	add(`{"name": "thread_name", "ph": "M", "ts": 0, "pid": %d, "tid": %d, "args": {"name": "stream 7"}}`, gpuPID, gpuTID)

	cpu, gpu := 1000.0, 1000.0 // microseconds since the profile started
	corr := 0
	launch := func(k synthKernel, sc float64) {
		corr++
		opDur := 6 + rng.Float64()*4
		launchAt := cpu + 1.5 + rng.Float64()
		add(`{"ph": "X", "cat": "cpu_op", "name": %s, "pid": %d, "tid": %d, "ts": %.3f, "dur": %.3f, "args": {"External id": %d}}`,
			jsonString(k.hostOp), hostPID, hostTID, cpu, opDur, corr)
		runtime := "cudaLaunchKernel"
		switch k.cat {
		case "gpu_memcpy":
			runtime = "cudaMemcpyAsync"
		case "gpu_memset":
			runtime = "cudaMemsetAsync"
		}
		add(`{"ph": "X", "cat": "cuda_runtime", "name": "%s", "pid": %d, "tid": %d, "ts": %.3f, "dur": %.3f, "args": {"correlation": %d, "External id": %d}}`,
			runtime, hostPID, hostTID, launchAt, 3.1+rng.Float64()*2, corr, corr)
		start := max(gpu+0.8, launchAt+4)
		dur := k.usec * sc * (0.9 + 0.2*rng.Float64())
		add(`{"ph": "X", "cat": "%s", "name": %s, "pid": %d, "tid": %d, "ts": %.3f, "dur": %.3f, "args": {"External id": %d, "device": %d, "stream": %d, "correlation": %d}}`,
			k.cat, jsonString(k.name), gpuPID, gpuTID, start, dur, corr, rank, gpuTID, corr)
		if k.cat == "kernel" {
			add(`{"ph": "s", "id": %d, "pid": %d, "tid": %d, "ts": %.3f, "cat": "ac2g", "name": "ac2g"}`, corr, hostPID, hostTID, launchAt)
			add(`{"ph": "f", "id": %d, "pid": %d, "tid": %d, "ts": %.3f, "cat": "ac2g", "name": "ac2g", "bp": "e"}`, corr, gpuPID, gpuTID, start)
		}
		gpu = start + dur
		cpu += opDur + 0.5
	}
	for s := 0; s < steps; s++ {
		stepStart := cpu
		mark := len(ev)
		add("") // the step's annotation, filled in once its length is known
		launch(synthStepKernels[0], 1)
		launch(synthStepKernels[1], scale)
		for l := 0; l < synthLayers; l++ {
			for _, k := range synthLayer {
				launch(k, scale)
			}
		}
		launch(synthStepKernels[2], 1)
		launch(synthStepKernels[3], 1)
		// The host waits for the GPU at the end of a forward pass.
		cpu = max(cpu, gpu) + 20
		ev[mark] = fmt.Sprintf(`{"ph": "X", "cat": "user_annotation", "name": "ProfilerStep#%d", "pid": %d, "tid": %d, "ts": %.3f, "dur": %.3f, "args": {}}`,
			s, hostPID, hostTID, stepStart, cpu-stepStart)
	}

	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	fmt.Fprintf(zw, `{"schemaVersion": 1, "deviceProperties": [{"id": %d, "name": "NVIDIA GB200", "totalGlobalMem": 199961919488, "computeMajor": 10, "computeMinor": 0, "numSms": 148}], `, rank)
	fmt.Fprintf(zw, `"distributedInfo": {"backend": "nccl", "rank": %d, "world_size": %d}, "displayTimeUnit": "ms", "baseTimeNanoseconds": 1790857026000000000, `, rank, max(rank+1, 1))
	fmt.Fprintf(zw, `"traceName": "simulated by srtctl-tui (%s, TP %d)", "traceEvents": [`+"\n  ", phase, rank)
	zw.Write([]byte(strings.Join(ev, ",\n  ")))
	zw.Write([]byte("\n]}\n"))
	zw.Close()
	return buf.Bytes()
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
