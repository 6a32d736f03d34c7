// The fused per-step gate kernels (lstm_gates.cu, gru_gates.cu,
// elman_gates.cu): one launch per time step, one thread per (batch row,
// hidden unit), reading this step's input projection and recurrent product
// and writing the new state. Same formulas and the same order of additions as
// the CPU gate passes (reference_cpu/src/*_kernel.cpp):
//   pre-activation = (gates_x + b_x) + gates_h
//   LSTM (i, f, g, o): c' = f·c + i·g, h' = o·tanh(c')   (h' = m when projected)
//   GRU  (r, z, n):    n = tanh((x_n + b_in) + r·(h_n + b_hn)), h' = (1 − z)·n + z·h
//   RNN:               h' = tanh(pre) or relu(pre)
// Activations: sigmoid(v) = 1 / (1 + exp(−v)) and tanh with CUDA's accurate
// expf/tanhf (float, ≤ 2 ulp) or exp/tanh (double); no fast-math.
// Element type T: float or double. All pointers are device pointers.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cuda {

template <class T>
struct DeviceGateStep {
  int64_t batch = 0;
  int64_t hidden = 0;          // H
  const T* gates_x = nullptr;  // [B, G·H] input projection of this step (without bias)
  const T* gates_h = nullptr;  // [B, G·H] recurrent product (GRU: without b_hn)
  const T* b_x = nullptr;      // [G·H]
  const T* h_prev = nullptr;   // [B, H] row stride h_prev_stride (GRU)
  int64_t h_prev_stride = 0;
  const T* b_hn = nullptr;     // [H] (GRU)
  T* cell = nullptr;           // [B, H] (LSTM), updated in place
  T* h_out = nullptr;          // [B, H] row stride h_out_stride
  int64_t h_out_stride = 0;
};

template <class T> void launch_lstm_gates(const DeviceGateStep<T>& s, cudaStream_t stream);
template <class T> void launch_gru_gates(const DeviceGateStep<T>& s, cudaStream_t stream);
template <class T> void launch_rnn_tanh_gates(const DeviceGateStep<T>& s, cudaStream_t stream);
template <class T> void launch_rnn_relu_gates(const DeviceGateStep<T>& s, cudaStream_t stream);

// Dispatch on the variant.
template <class T>
void launch_gates(cpu::RnnVariant v, const DeviceGateStep<T>& s, cudaStream_t stream) {
  switch (v) {
    case cpu::RnnVariant::lstm: launch_lstm_gates(s, stream); return;
    case cpu::RnnVariant::gru: launch_gru_gates(s, stream); return;
    case cpu::RnnVariant::rnn_tanh: launch_rnn_tanh_gates(s, stream); return;
    case cpu::RnnVariant::rnn_relu: launch_rnn_relu_gates(s, stream); return;
  }
}

}  // namespace rnnconf::cuda
