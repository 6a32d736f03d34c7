// LSTM gate kernel (gate order i, f, g, o), as the lstm_scan_loop fragment
// body; see gate_kernels.hpp for the formulas.
#include "kernels/gate_launch.cuh"

namespace rnnconf::cuda {
namespace {

template <class T>
__global__ void lstm_gates_kernel(DeviceGateStep<T> s) {
  using A = detail::DeviceActivations<T>;
  const int64_t H = s.hidden, n = s.batch * H;
  for (int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; k < n;
       k += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t b = k / H, j = k - b * H;
    const T* gx = s.gates_x + b * 4 * H;
    const T* gh = s.gates_h + b * 4 * H;
    const T i = A::sigmoid((gx[j] + s.b_x[j]) + gh[j]);
    const T f = A::sigmoid((gx[H + j] + s.b_x[H + j]) + gh[H + j]);
    const T g = A::tanh((gx[2 * H + j] + s.b_x[2 * H + j]) + gh[2 * H + j]);
    const T o = A::sigmoid((gx[3 * H + j] + s.b_x[3 * H + j]) + gh[3 * H + j]);
    const T c_new = f * s.cell[k] + i * g;
    s.cell[k] = c_new;
    s.h_out[b * s.h_out_stride + j] = o * A::tanh(c_new);
  }
}

}  // namespace

template <class T>
void launch_lstm_gates(const DeviceGateStep<T>& s, cudaStream_t stream) {
  const int64_t n = s.batch * s.hidden;
  if (n == 0) return;
  lstm_gates_kernel<T><<<detail::gate_blocks(n), detail::kGateThreads, 0, stream>>>(s);
  RNNCONF_CUDA_CHECK_LAUNCH("lstm_gates_kernel");
}

template void launch_lstm_gates<float>(const DeviceGateStep<float>&, cudaStream_t);
template void launch_lstm_gates<double>(const DeviceGateStep<double>&, cudaStream_t);

}  // namespace rnnconf::cuda
