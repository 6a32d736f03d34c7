// Internal: the two BLAS shapes the fused kernels use, overloaded for float
// and double so kernel templates call one name. Row-major; sizes are checked
// against the BLAS int range by the caller (CpuSteps::check, cpu_steps.hpp).
#pragma once

#include <cblas.h>

#include <cstdint>

namespace rnnconf::cpu::detail {

// c [m, n] = a [m, k] · bᵀ (b is [n, k]) + beta · c
inline void gemm_abt(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb,
                     float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), 1.0F, a, static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}
inline void gemm_abt(int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b, int64_t ldb,
                     double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), 1.0, a, static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

// y [m] = a [m, n] · x [n]
inline void gemv_ax(int64_t m, int64_t n, const float* a, int64_t lda, const float* x, float* y) {
  cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n), 1.0F, a,
              static_cast<blasint>(lda), x, 1, 0.0F, y, 1);
}
inline void gemv_ax(int64_t m, int64_t n, const double* a, int64_t lda, const double* x, double* y) {
  cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n), 1.0, a,
              static_cast<blasint>(lda), x, 1, 0.0, y, 1);
}

}  // namespace rnnconf::cpu::detail
