// Internal: C [M, N] = A [M, K] · Wᵀ with W packed once in panels (float,
// AVX-512, single-threaded). RnnWeights::w_ih_panels and (GRU/RNN)
// w_hh_panels hold Wᵀ cut into panels of 64 columns, each [K][64] contiguous,
// so the k loop streams contiguous memory; groups of up to 6 rows of A
// accumulate 6 × 4 vectors of 16 floats in registers while a k-block of the
// panel stays in L1, and rows are taken in chunks whose A slice stays in L2.
// Used for the per-step recurrent product (M = B) and for the input
// projection of all steps (M = T·B) when BLAS runs one thread: on this
// project's AVX-512 machine it measured ~180 GF/s against OpenBLAS SGEMM's
// ~130 on the same [6400 × 256]·[256 × 1024] (bench/README.md). Where it does
// not apply (double, no AVX-512, no panels, a multi-threaded BLAS at large M)
// the caller uses BLAS.
#pragma once

#include <cstdint>

namespace rnnconf::cpu::detail {

inline constexpr int64_t kSmallBatchMax = 8;

// True when panel_matmul can run on this CPU.
bool panel_matmul_available();

// True when all panels of a [K][N] weight fit the kernel's L2 budget (one
// column block): then W stays cache-resident for every row, the case where
// the kernel measured faster than OpenBLAS SGEMM for the input projection
// (OpenBLAS's own packing wins when W must be streamed, e.g. 512 × 2048).
bool panel_weights_cache_resident(int64_t N, int64_t K);

// C (row stride ldc) = A (row stride lda) · Wᵀ, W given as panels of N
// columns over K rows (see RnnWeights::w_hh_panels). Overwrites C; columns
// of C beyond N are not written.
void panel_matmul(int64_t M, int64_t N, int64_t K, const float* a, int64_t lda, const float* panels, float* c,
                  int64_t ldc);

// Where C goes. rows_per_block = 0: row-major with row stride ldc. R > 0:
// blocked by panel, element (m, n) at c[((m / R)·P + n / 64)·R·64 + (m % R)·64 + n % 64]
// (P = number of panels, all 64 columns of a panel written): with R = B and
// the LSTM's unit-interleaved panels, step t's pre-activations for panel p
// are one contiguous [B][64] block that the fused step reads in order.
struct PanelOutput {
  float* c = nullptr;
  int64_t ldc = 0;
  int64_t rows_per_block = 0;
};
void panel_matmul(int64_t M, int64_t N, int64_t K, const float* a, int64_t lda, const float* panels,
                  const PanelOutput& out);

}  // namespace rnnconf::cpu::detail
