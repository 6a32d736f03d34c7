// Internal: the per-step recurrent product gates_h [B, N] = h [B, K] · W_hhᵀ
// (float, AVX-512). It reads W_hh as packed once in RnnWeights::w_hh_panels
// (w_hhᵀ cut into panels of 64 gate columns, each [K][64] contiguous), so the
// k loop streams contiguous memory and each panel is loaded into cache once
// per step for all batch rows (groups of 4 accumulate in AVX-512 registers).
// Single-threaded. Where it does not apply (double, no AVX-512, no panels,
// or a multi-threaded BLAS at batch > kSmallBatchMax) the caller uses BLAS.
#pragma once

#include <cstdint>

namespace rnnconf::cpu::detail {

inline constexpr int64_t kSmallBatchMax = 8;

// True when recurrent_matmul_panels can run on this CPU for this batch.
// kSmallBatchMax: above it the caller prefers a multi-threaded BLAS.
bool panel_matmul_available(int64_t batch);

// out [B, N] (row stride ldo) = h [B, K] (row stride ldh) · W_hhᵀ, W_hh given as
// panels (see RnnWeights::w_hh_panels). Requires panel_matmul_available(B).
void recurrent_matmul_panels(int64_t B, int64_t N, int64_t K, const float* h, int64_t ldh, const float* panels,
                                  float* out, int64_t ldo);

}  // namespace rnnconf::cpu::detail
