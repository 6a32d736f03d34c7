// The fused per-step gate kernels (src/kernels/lstm_gates.cu, gru_gates.cu,
// elman_gates.cu): one launch per time step, one thread per (batch row,
// hidden unit), reading this step's input projection and recurrent product
// and writing the new state. Same formulas and the same order of additions as
// the CPU gate passes (reference_cpu/src/kernels/*_kernel.cpp):
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

#include "rnnconf/reference_cpu/gate_step.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cuda {

// The step's buffers as every gate implementation takes them (device pointers here).
template <class T>
using DeviceGateStep = cpu::GateStep<T>;

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
