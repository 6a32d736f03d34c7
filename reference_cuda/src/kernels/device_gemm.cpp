// gemm_abt on cuBLAS (device_gemm.hpp).
#include "kernels/device_gemm.hpp"

#include <climits>
#include <string>

#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda::detail {
namespace {

int blas_int(int64_t v, const char* what) {
  if (v < 0 || v > INT_MAX) throw Error(std::string("gemm_abt: ") + what + " = " + std::to_string(v) + " is outside the cuBLAS int range");
  return static_cast<int>(v);
}

cublasComputeType_t compute_type(MathMode m) {
  switch (m) {
    case MathMode::pedantic: return CUBLAS_COMPUTE_32F_PEDANTIC;
    case MathMode::tf32: return CUBLAS_COMPUTE_32F_FAST_TF32;
    case MathMode::bf16: return CUBLAS_COMPUTE_32F_FAST_16BF;
  }
  return CUBLAS_COMPUTE_32F_PEDANTIC;
}

}  // namespace

void gemm_abt(const Lane& lane, MathMode math, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
              const float* B, int64_t ldb, float* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  const float alpha = 1.0F, beta = 0.0F;
  RNNCONF_CUBLAS_CHECK(cublasGemmEx(lane.blas, CUBLAS_OP_T, CUBLAS_OP_N, blas_int(N, "N"), blas_int(M, "M"),
                                    blas_int(K, "K"), &alpha, B, CUDA_R_32F, blas_int(ldb, "ldb"), A, CUDA_R_32F,
                                    blas_int(lda, "lda"), &beta, C, CUDA_R_32F, blas_int(ldc, "ldc"),
                                    compute_type(math), CUBLAS_GEMM_DEFAULT));
}

void gemm_abt_pair(const Lane& lane, MathMode math, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda,
                   const float* B, int64_t ldb, int64_t stride_b, float* C, int64_t ldc, int64_t stride_c) {
  if (M == 0 || N == 0) return;
  const float alpha = 1.0F, beta = 0.0F;
  // Column-major: C_kᵀ [N, M] = B_k [N, K] · Aᵀ [K, M]; B is the first operand (strided), A the second (stride 0).
  RNNCONF_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
      lane.blas, CUBLAS_OP_T, CUBLAS_OP_N, blas_int(N, "N"), blas_int(M, "M"), blas_int(K, "K"), &alpha, B, CUDA_R_32F,
      blas_int(ldb, "ldb"), static_cast<long long>(stride_b), A, CUDA_R_32F, blas_int(lda, "lda"), 0LL, &beta, C,
      CUDA_R_32F, blas_int(ldc, "ldc"), static_cast<long long>(stride_c), 2, compute_type(math), CUBLAS_GEMM_DEFAULT));
}

void gemm_abt(const Lane& lane, MathMode /*math*/, int64_t M, int64_t N, int64_t K, const double* A, int64_t lda,
              const double* B, int64_t ldb, double* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  const double alpha = 1.0, beta = 0.0;
  RNNCONF_CUBLAS_CHECK(cublasDgemm(lane.blas, CUBLAS_OP_T, CUBLAS_OP_N, blas_int(N, "N"), blas_int(M, "M"),
                                   blas_int(K, "K"), &alpha, B, blas_int(ldb, "ldb"), A, blas_int(lda, "lda"), &beta,
                                   C, blas_int(ldc, "ldc")));
}

}  // namespace rnnconf::cuda::detail
