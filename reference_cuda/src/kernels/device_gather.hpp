// Internal: the device side of layout plans (layout_plan.hpp): one generic
// float gather kernel that executes a GatherCopy on a stream.
#pragma once

#include <cuda_runtime_api.h>

#include "rnnconf/reference_cuda/layout_plan.hpp"

namespace rnnconf::cuda {

// Enqueues `copy` from `src` to `dst` on `stream` (nothing when copy.count == 0).
void launch_gather(const GatherCopy& copy, const float* src, float* dst, cudaStream_t stream);

}  // namespace rnnconf::cuda
