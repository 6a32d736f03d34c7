// rnnconf::cpu host step kernels: the CPU's fused gate pass of each variant
// and the row-major GEMM C = A · Bᵀ on BLAS, as plain functions over host
// buffers, for any step backend that runs on the host: the CPU's own
// (src/kernels/cpu_steps.hpp, which adds the AVX-512 panel kernels and the
// fused LSTM step) and the emulated device of reference_cuda's host tests.
// Element type T: float or double.
#pragma once

#include <cstdint>

#include "rnnconf/reference_cpu/gate_step.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cpu {

// One step's gates of `variant` (gate_step.hpp), ISA path per cpu_isa.hpp.
template <class T>
void gate_pass(RnnVariant variant, const GateStep<T>& step);

// C [M, N] (row stride ldc) = A [M, K] (lda) · B [N, K]ᵀ (ldb), overwriting C;
// nothing when M or N is 0. Sizes must fit the BLAS int range.
template <class T>
void blas_gemm_abt(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb, T* C,
                   int64_t ldc);

}  // namespace rnnconf::cpu
