// GRU gate kernel (gate order r, z, n), as the gru_scan_loop fragment body;
// see gate_kernels.hpp for the formulas.
#include "kernels/gate_launch.cuh"

namespace rnnconf::cuda {
namespace {

template <class T>
__global__ void gru_gates_kernel(DeviceGateStep<T> s) {
  using A = detail::DeviceActivations<T>;
  const int64_t H = s.hidden, n = s.batch * H;
  for (int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; k < n;
       k += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t b = k / H, j = k - b * H;
    const T* gx = s.gates_x + b * 3 * H;
    const T* gh = s.gates_h + b * 3 * H;
    const T r = A::sigmoid((gx[j] + s.b_x[j]) + gh[j]);
    const T z = A::sigmoid((gx[H + j] + s.b_x[H + j]) + gh[H + j]);
    const T nn = A::tanh((gx[2 * H + j] + s.b_x[2 * H + j]) + r * (gh[2 * H + j] + s.b_hn[j]));
    const T h = s.h_prev[b * s.h_prev_stride + j];
    s.h_out[b * s.h_out_stride + j] = (T(1) - z) * nn + z * h;
  }
}

}  // namespace

template <class T>
void launch_gru_gates(const DeviceGateStep<T>& s, cudaStream_t stream) {
  const int64_t n = s.batch * s.hidden;
  if (n == 0) return;
  gru_gates_kernel<T><<<detail::gate_blocks(n), detail::kGateThreads, 0, stream>>>(s);
  RNNCONF_CUDA_CHECK_LAUNCH("gru_gates_kernel");
}

template void launch_gru_gates<float>(const DeviceGateStep<float>&, cudaStream_t);
template void launch_gru_gates<double>(const DeviceGateStep<double>&, cudaStream_t);

}  // namespace rnnconf::cuda
