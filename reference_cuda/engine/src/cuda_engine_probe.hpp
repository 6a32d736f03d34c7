// Can the cuda engine run on this machine? The NVIDIA driver (libcuda.so.1,
// and the CUDA version it supports against this module's runtime), then a
// device (cudaGetDeviceCount) of compute capability 9.0 or above (the module
// carries sm_90 code and compute_90 PTX). Never throws.
#pragma once

#include <string>

namespace rnnconf::cuda_engine {

struct ProbeResult {
  bool usable = false;
  std::string why;     // one line when not usable
  std::string detail;  // "NVIDIA H200 (sm_90, 132 SMs); driver CUDA 13.0, runtime 13.0"
};
ProbeResult probe_cuda_device();

}  // namespace rnnconf::cuda_engine
