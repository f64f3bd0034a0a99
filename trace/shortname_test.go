package trace

import "testing"

func TestShortName(t *testing.T) {
	cases := map[string]string{
		"void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::native::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#3}::operator()() const::{lambda()#12}::operator()() const::{lambda(c10::BFloat16)#1}>(at::TensorIteratorBase&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl_nocast<>)": "at::native::elementwise_kernel",
		"void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<c10::BFloat16, float, true>(int, float, c10::BFloat16 const*)":                                                                                                                                                                                                 "at::native::vectorized_layer_norm_kernel",
		"void flash::flash_fwd_kernel<Flash_fwd_kernel_traits<128, 64, 64, 4, false, false, cutlass::bfloat16_t>, false, true>(Flash_fwd_params)":                                                                                                                                                                                            "flash::flash_fwd_kernel",
		"ampere_bf16_s16816gemm_bf16_128x64_ldg8_f2f_stages_64x4_tn": "ampere_bf16_s16816gemm_bf16_128x64_ldg8_f2f_stages_64x4_tn",
		"nvjet_sm90_tst_192x192_64x4_1x2_h_bz_coopB_TNN":             "nvjet_sm90_tst_192x192_64x4_1x2_h_bz_coopB_TNN",
		"void cutlass::Kernel2<cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x4_tn_align8>(cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x4_tn_align8::Params)": "cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_64x4_tn_align8",
		"void cutlass::device_kernel<flash::enable_sm90_or_later<flash::FlashAttnFwdSm90<Ktraits, true> > >(flash::FlashAttnFwdSm90<Ktraits, true>::Params)":                    "flash::FlashAttnFwdSm90",
		"std::enable_if<!(false), void>::type internal::gemvx::kernel<int, int, __nv_bfloat16, float, false, true>(cublasGemvParamsEx<int>)":                                    "internal::gemvx::kernel",
		"triton_poi_fused_add_mul_0": "triton_poi_fused_add_mul_0",
		"void broken<unbalanced(":    "broken",
		"(":                          "(",
		"":                           "",
	}
	for in, want := range cases {
		if got := ShortName(in); got != want {
			t.Errorf("ShortName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKernelLabel(t *testing.T) {
	cases := map[string]string{
		"void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::native::(anonymous namespace)::silu_kernel(at::TensorIteratorBase&)::{lambda()#1}>(int)>(int)":                                                  "at::native::elementwise_kernel [silu]",
		"void at::native::elementwise_kernel<128, 4, at::native::gpu_kernel_impl_nocast<at::native::BinaryFunctor<c10::BFloat16, c10::BFloat16, c10::BFloat16, at::native::binary_internal::MulFunctor<float> > >(int)>(int)":               "at::native::elementwise_kernel [Mul]",
		"void at::native::vectorized_elementwise_kernel<8, at::native::CUDAFunctor_add<c10::BFloat16>, std::array<char*, 3ul> >(int, at::native::CUDAFunctor_add<c10::BFloat16>, std::array<char*, 3ul>)":                                   "at::native::vectorized_elementwise_kernel [add]",
		"void at::native::reduce_kernel<512, 1, at::native::ReduceOp<c10::BFloat16, at::native::ArgMaxOps<float>, unsigned int, long, 4, 4> >(at::native::ReduceOp<c10::BFloat16, at::native::ArgMaxOps<float>, unsigned int, long, 4, 4>)": "at::native::reduce_kernel [ArgMax]",
		"void at::native::vectorized_gather_kernel<16, long>(char*, char*, long*, int, long, long, long, long, bool)":                                                                                                                       "at::native::vectorized_gather_kernel",
		"nvjet_sm90_tst_256x24_64x6_2x1_v_bz_TNT": "nvjet_sm90_tst_256x24_64x6_2x1_v_bz_TNT",
	}
	for in, want := range cases {
		if got := KernelLabel(in); got != want {
			t.Errorf("KernelLabel(%.60q...) = %q, want %q", in, got, want)
		}
	}
	if got := unqualified("at::native::elementwise_kernel [silu]"); got != "elementwise_kernel [silu]" {
		t.Errorf("unqualified: %q", got)
	}
}

// FuzzShortName: any name gives a label without panicking, and the short
// form is never longer than the name.
func FuzzShortName(f *testing.F) {
	f.Add("void a::b<c<d>, e>(f<g>)")
	f.Add("<<<>>>(((")
	f.Fuzz(func(t *testing.T, name string) {
		short := ShortName(name)
		KernelLabel(name)
		if len(short) > len(name) {
			t.Fatalf("short form %q longer than %q", short, name)
		}
	})
}
