// CudaContext: streams, cuBLAS handles with their workspaces, math mode.
#include "rnnconf/reference_cuda/cuda_context.hpp"

#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {
namespace {
// cuBLAS' recommended user workspace on Hopper; set explicitly so that GEMMs
// captured into a CUDA graph allocate nothing.
constexpr size_t kBlasWorkspaceBytes = size_t{32} << 20;

cublasMath_t blas_math(MathMode m) {
  switch (m) {
    case MathMode::pedantic: return CUBLAS_PEDANTIC_MATH;
    case MathMode::tf32: return CUBLAS_TF32_TENSOR_OP_MATH;
    case MathMode::bf16: return CUBLAS_DEFAULT_MATH;
  }
  return CUBLAS_PEDANTIC_MATH;
}
}  // namespace

std::string_view math_mode_name(MathMode m) {
  switch (m) {
    case MathMode::pedantic: return "f32-pedantic";
    case MathMode::tf32: return "tf32";
    case MathMode::bf16: return "bf16";
  }
  return "?";
}

CudaContext::CudaContext(MathMode math) : math_(math) {
  try {
    for (Lane& l : lanes_) {
      RNNCONF_CUDA_CHECK(cudaStreamCreateWithFlags(&l.stream, cudaStreamNonBlocking));
      RNNCONF_CUBLAS_CHECK(cublasCreate(&l.blas));
      RNNCONF_CUBLAS_CHECK(cublasSetStream(l.blas, l.stream));
      RNNCONF_CUDA_CHECK(cudaMalloc(&l.blas_workspace, kBlasWorkspaceBytes));
      RNNCONF_CUBLAS_CHECK(cublasSetWorkspace(l.blas, l.blas_workspace, kBlasWorkspaceBytes));
      RNNCONF_CUBLAS_CHECK(cublasSetMathMode(l.blas, blas_math(math)));
      RNNCONF_CUBLAS_CHECK(cublasSetPointerMode(l.blas, CUBLAS_POINTER_MODE_HOST));
    }
    RNNCONF_CUDA_CHECK(cudaEventCreateWithFlags(&fork_, cudaEventDisableTiming));
    RNNCONF_CUDA_CHECK(cudaEventCreateWithFlags(&join_, cudaEventDisableTiming));
  } catch (...) {
    release();
    throw;
  }
}

CudaContext::~CudaContext() { release(); }

void CudaContext::release() noexcept {
  // Best effort: nothing here reports errors.
  for (Lane& l : lanes_) {
    if (l.stream != nullptr) static_cast<void>(cudaStreamSynchronize(l.stream));
    if (l.blas != nullptr) static_cast<void>(cublasDestroy(l.blas));
    if (l.blas_workspace != nullptr) static_cast<void>(cudaFree(l.blas_workspace));
    if (l.stream != nullptr) static_cast<void>(cudaStreamDestroy(l.stream));
    l = Lane{};
  }
  if (fork_ != nullptr) static_cast<void>(cudaEventDestroy(fork_));
  if (join_ != nullptr) static_cast<void>(cudaEventDestroy(join_));
  fork_ = join_ = nullptr;
}

}  // namespace rnnconf::cuda
