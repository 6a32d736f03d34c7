// The throwing halves of cuda_check.hpp's macros (kept out of line so the
// macros stay small at every call site).
#include "rnnconf/reference_cuda/cuda_check.hpp"

#include <filesystem>
#include <string>

namespace rnnconf::cuda {
namespace {
std::string where(const char* file, int line) {
  return std::filesystem::path(file).filename().string() + ":" + std::to_string(line) + ": ";
}
}  // namespace

void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  throw Error(where(file, line) + call + " failed: " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
  throw Error(where(file, line) + call + " failed: " + cublasGetStatusName(status) + " (" +
              cublasGetStatusString(status) + ")");
}

}  // namespace rnnconf::cuda
