// The generic gather kernel of the device layout ops (device_gather.hpp): a
// grid-stride loop over the copy's elements, the index arithmetic shared with
// the host gather through gather_offsets (layout_plan.hpp).
#include <algorithm>

#include "kernels/device_gather.hpp"
#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {
namespace {

__global__ void gather_kernel(GatherCopy c, const float* __restrict__ src, float* __restrict__ dst) {
  const int64_t step = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < c.count; i += step) {
    int64_t s = 0, d = 0;
    gather_offsets(c, i, s, d);
    dst[d] = src[s];
  }
}

}  // namespace

void launch_gather(const GatherCopy& copy, const float* src, float* dst, cudaStream_t stream) {
  if (copy.count <= 0) return;
  if (src == nullptr || dst == nullptr) throw Error("launch_gather: null device pointer");
  constexpr int64_t kThreads = 256;
  const int64_t blocks = std::min<int64_t>((copy.count + kThreads - 1) / kThreads, 4096);
  gather_kernel<<<static_cast<unsigned>(blocks), static_cast<unsigned>(kThreads), 0, stream>>>(copy, src, dst);
  RNNCONF_CUDA_CHECK_LAUNCH("gather_kernel");
}

}  // namespace rnnconf::cuda
