// rnnconf::cuda::CudaContext: the device resources of one executor: two
// lanes (a non-blocking stream with its own cuBLAS handle and cuBLAS
// workspace, so GEMMs can be captured into CUDA graphs and the two directions
// of a bidirectional layer run concurrently) and the GEMM math mode.
//
// MathMode::pedantic is the conformance mode: cuBLAS in CUBLAS_PEDANTIC_MATH,
// float GEMMs with CUBLAS_COMPUTE_32F_PEDANTIC (no TF32, no reduced precision).
// tf32 and bf16 exist only for benchmarks, which report their measured error.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <array>
#include <string_view>

namespace rnnconf::cuda {

enum class MathMode { pedantic, tf32, bf16 };
std::string_view math_mode_name(MathMode m);  // "f32-pedantic", "tf32", "bf16"

struct Lane {
  cudaStream_t stream = nullptr;
  cublasHandle_t blas = nullptr;
  void* blas_workspace = nullptr;
};

class CudaContext {
 public:
  explicit CudaContext(MathMode math = MathMode::pedantic);
  CudaContext(const CudaContext&) = delete;
  CudaContext& operator=(const CudaContext&) = delete;
  ~CudaContext();

  static constexpr int kLanes = 2;
  const Lane& lane(int k) const { return lanes_.at(static_cast<size_t>(k)); }
  MathMode math() const { return math_; }
  // Events for fork/join between the lanes (run_bidirectional_device).
  cudaEvent_t fork_event() const { return fork_; }
  cudaEvent_t join_event() const { return join_; }

 private:
  void release() noexcept;
  MathMode math_;
  std::array<Lane, kLanes> lanes_{};
  cudaEvent_t fork_ = nullptr;
  cudaEvent_t join_ = nullptr;
};

}  // namespace rnnconf::cuda
