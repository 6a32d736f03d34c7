// device_present / device_description (device.hpp).
#include "rnnconf/reference_cuda/device.hpp"

#include <cuda_runtime_api.h>

#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {

bool device_present(std::string& why) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    static_cast<void>(cudaGetLastError());  // clear the sticky-free error so later calls are not confused
    why = std::string("no GPU present (cudaGetDeviceCount: ") + cudaGetErrorName(status) + ", " +
          cudaGetErrorString(status) + ")";
    return false;
  }
  if (count < 1) {
    why = "no GPU present (cudaGetDeviceCount: 0 devices)";
    return false;
  }
  return true;
}

std::string device_description() {
  int dev = 0;
  RNNCONF_CUDA_CHECK(cudaGetDevice(&dev));
  cudaDeviceProp p{};
  RNNCONF_CUDA_CHECK(cudaGetDeviceProperties(&p, dev));
  return std::string(p.name) + " (sm_" + std::to_string(p.major) + std::to_string(p.minor) + ", " +
         std::to_string(p.multiProcessorCount) + " SMs)";
}

}  // namespace rnnconf::cuda
