// Internal to the gate kernels: device activations per element type and the
// launch geometry (one thread per (b, j), grid-stride, 256 threads a block).
#pragma once

#include <algorithm>
#include <cstdint>

#include "rnnconf/reference_cuda/cuda_check.hpp"
#include "rnnconf/reference_cuda/gate_kernels.hpp"

namespace rnnconf::cuda::detail {

template <class T> struct DeviceActivations;
template <> struct DeviceActivations<float> {
  static __device__ __forceinline__ float sigmoid(float v) { return 1.0F / (1.0F + expf(-v)); }
  static __device__ __forceinline__ float tanh(float v) { return tanhf(v); }
};
template <> struct DeviceActivations<double> {
  static __device__ __forceinline__ double sigmoid(double v) { return 1.0 / (1.0 + ::exp(-v)); }
  static __device__ __forceinline__ double tanh(double v) { return ::tanh(v); }
};

// NaN propagates (v < 0 is false for NaN), like torch.relu and the CPU kernel.
template <class T>
__device__ __forceinline__ T relu(T v) { return v < T(0) ? T(0) : v; }

inline constexpr int kGateThreads = 256;

// Blocks for `n` elements, capped (the kernels stride over the rest).
inline unsigned gate_blocks(int64_t n) {
  const int64_t blocks = (n + kGateThreads - 1) / kGateThreads;
  return static_cast<unsigned>(std::clamp<int64_t>(blocks, 1, 65535));
}

}  // namespace rnnconf::cuda::detail
