// rnnconf::cpu::GateStep<T>: the buffers of one fused gate pass (one time
// step, B rows), the value every gate implementation takes: the CPU gate
// passes (reference_cpu/src/kernels/*_kernel.cpp), the CUDA gate kernels
// (reference_cuda/src/kernels/*_gates.cu, as cuda::DeviceGateStep<T>) and the
// emulated device of the host tests. The pointers are host or device pointers
// depending on who runs the pass; the order of additions every pass keeps is
//   pre-activation = (gates_x + b_x) + gates_h
// Plain aggregate, no dependencies: nvcc compiles it too.
#pragma once

#include <cstdint>

namespace rnnconf::cpu {

template <class T>
struct GateStep {
  int64_t batch = 0;                // B
  int64_t hidden = 0;               // H
  const T* gates_x = nullptr;       // [B, G·H] input projection of this step (without b_x)
  const T* gates_h = nullptr;       // [B, G·H] recurrent product h_prev · w_hhᵀ (GRU: without b_hn)
  const T* b_x = nullptr;           // [G·H]
  const T* h_prev = nullptr;        // [B, H] row stride h_prev_stride (the GRU reads it)
  int64_t h_prev_stride = 0;
  const T* b_hn = nullptr;          // [H] (GRU)
  T* cell = nullptr;                // [B, H] (LSTM), updated in place
  T* h_out = nullptr;               // [B, H] row stride h_out_stride (LSTM with projection: m = o ⊙ tanh(c))
  int64_t h_out_stride = 0;
};

}  // namespace rnnconf::cpu
