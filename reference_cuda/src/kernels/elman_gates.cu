// Elman RNN gate kernels, as the rnn_tanh_scan_loop / rnn_relu_scan_loop
// bodies: h' = tanh((xW + b) + hW_hhᵀ) or relu(...).
#include "kernels/gate_launch.cuh"

namespace rnnconf::cuda {
namespace {

struct TanhAct {
  template <class T>
  static __device__ __forceinline__ T apply(T v) { return detail::DeviceActivations<T>::tanh(v); }
};
struct ReluAct {
  template <class T>
  static __device__ __forceinline__ T apply(T v) { return detail::relu(v); }
};

template <class Act, class T>
__global__ void elman_gates_kernel(DeviceGateStep<T> s) {
  const int64_t H = s.hidden, n = s.batch * H;
  for (int64_t k = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; k < n;
       k += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t b = k / H, j = k - b * H;
    s.h_out[b * s.h_out_stride + j] = Act::apply((s.gates_x[k] + s.b_x[j]) + s.gates_h[k]);
  }
}

template <class Act, class T>
void launch_elman(const DeviceGateStep<T>& s, cudaStream_t stream) {
  const int64_t n = s.batch * s.hidden;
  if (n == 0) return;
  elman_gates_kernel<Act, T><<<detail::gate_blocks(n), detail::kGateThreads, 0, stream>>>(s);
  RNNCONF_CUDA_CHECK_LAUNCH("elman_gates_kernel");
}

}  // namespace

template <class T>
void launch_rnn_tanh_gates(const DeviceGateStep<T>& s, cudaStream_t stream) {
  launch_elman<TanhAct>(s, stream);
}
template <class T>
void launch_rnn_relu_gates(const DeviceGateStep<T>& s, cudaStream_t stream) {
  launch_elman<ReluAct>(s, stream);
}

template void launch_rnn_tanh_gates<float>(const DeviceGateStep<float>&, cudaStream_t);
template void launch_rnn_tanh_gates<double>(const DeviceGateStep<double>&, cudaStream_t);
template void launch_rnn_relu_gates<float>(const DeviceGateStep<float>&, cudaStream_t);
template void launch_rnn_relu_gates<double>(const DeviceGateStep<double>&, cudaStream_t);

}  // namespace rnnconf::cuda
