// Internal: the one GEMM shape the runner needs, in row-major terms,
//   C [M, N] (ldc) = A [M, K] (lda) · B [N, K]ᵀ (ldb)
// on cuBLAS (column-major: Cᵀ = B · Aᵀ). Float goes through cublasGemmEx with
// the compute type of the math mode; double through cublasDgemm.
// gemm_abt_pair: two such products sharing A (both directions' x·w_ihᵀ), in
// one cublasGemmStridedBatchedEx (A stride 0, B and C strided), float only.
#pragma once

#include <cstdint>

#include "rnnconf/reference_cuda/cuda_context.hpp"

namespace rnnconf::cuda::detail {

void gemm_abt(const Lane& lane, MathMode math, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
              const float* B, int64_t ldb, float* C, int64_t ldc);
void gemm_abt(const Lane& lane, MathMode math, int64_t M, int64_t N, int64_t K, const double* A, int64_t lda,
              const double* B, int64_t ldb, double* C, int64_t ldc);

// C + k·stride_c = A · (B + k·stride_b)ᵀ for k = 0, 1.
void gemm_abt_pair(const Lane& lane, MathMode math, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                   const float* B, int64_t ldb, int64_t stride_b, float* C, int64_t ldc, int64_t stride_c);

}  // namespace rnnconf::cuda::detail
