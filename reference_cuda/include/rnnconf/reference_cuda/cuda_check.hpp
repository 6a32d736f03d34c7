// Checked CUDA runtime and cuBLAS calls: RNNCONF_CUDA_CHECK(call) and
// RNNCONF_CUBLAS_CHECK(call) throw rnnconf::Error naming the source file, the
// line, the call as written and the library's error name and text, e.g.
//   "sequence_runner.cu:88: cudaMemcpyAsync(...) failed: cudaErrorInvalidValue (invalid argument)".
// Every CUDA/cuBLAS call of reference_cuda goes through one of them.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cuda {

[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line);
[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line);

}  // namespace rnnconf::cuda

#define RNNCONF_CUDA_CHECK(call)                                                                \
  do {                                                                                          \
    const cudaError_t rnnconf_cuda_status_ = (call);                                            \
    if (rnnconf_cuda_status_ != cudaSuccess)                                                    \
      ::rnnconf::cuda::throw_cuda_error(rnnconf_cuda_status_, #call, __FILE__, __LINE__);       \
  } while (0)

#define RNNCONF_CUBLAS_CHECK(call)                                                              \
  do {                                                                                          \
    const cublasStatus_t rnnconf_cublas_status_ = (call);                                       \
    if (rnnconf_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                        \
      ::rnnconf::cuda::throw_cublas_error(rnnconf_cublas_status_, #call, __FILE__, __LINE__);   \
  } while (0)

// After a kernel launch (name: a string literal): the launch error, if any.
#define RNNCONF_CUDA_CHECK_LAUNCH(name)                                                        \
  do {                                                                                          \
    const cudaError_t rnnconf_cuda_status_ = cudaGetLastError();                                \
    if (rnnconf_cuda_status_ != cudaSuccess)                                                    \
      ::rnnconf::cuda::throw_cuda_error(rnnconf_cuda_status_, "launch of " name, __FILE__, __LINE__); \
  } while (0)
