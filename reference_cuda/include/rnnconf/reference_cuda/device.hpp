// Is there a usable CUDA device? Asked once per query through
// cudaGetDeviceCount; never throws (the answer and the reason are values).
#pragma once

#include <string>

namespace rnnconf::cuda {

// True when cudaGetDeviceCount reports at least one device. Otherwise `why`
// says so: "no GPU present (cudaGetDeviceCount: cudaErrorNoDevice ...)".
bool device_present(std::string& why);

// "NVIDIA H200 (sm_90, 132 SMs)" for the current device; throws rnnconf::Error without one.
std::string device_description();

}  // namespace rnnconf::cuda
