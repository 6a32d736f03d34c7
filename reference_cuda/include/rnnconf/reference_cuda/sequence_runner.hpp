// rnnconf::cuda sequence runner: one (layer, direction) of an LSTM, GRU or
// Elman RNN over a whole sequence on the GPU, all buffers on the device, every
// operation enqueued on one lane's stream (nothing synchronizes, nothing
// allocates: the whole call can be captured into a CUDA graph, see
// cuda_graph_loop.hpp). It is the recurrence driver of reference_cpu
// (rnnconf/reference_cpu/recurrence_driver.hpp: checks, time loop in either
// direction, state hand-over) over the device step backend
// (src/executor/device_steps.hpp) on a CudaDevice, with the CPU's contract:
//   1. one cuBLAS GEMM for the input projection of all steps:
//        gates_x [T·B, G·H] = x [T·B, I] · w_ihᵀ
//   2. per step, the recurrent GEMM gates_h [B, G·H] = h_prev [B, H_out] · w_hhᵀ
//   3. per step, one fused gate kernel (gate_kernels.hpp); LSTM with projection
//      then h = m · w_hrᵀ (GEMM) into its destination.
// The reverse direction walks t = T-1 .. 0 by index (no copies) and writes y
// in time order; y rows have a stride and an offset so both directions of a
// bidirectional layer write straight into the packed [T, B, 2·H_out] tensor.
// run_bidirectional runs the two directions on the context's two lanes.
// DeviceSequenceArgs::gates_x lets a caller supply the input projection
// (computed for two directions in one batched GEMM, device_gemm.hpp).
#pragma once

#include <cstdint>

#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"
#include "rnnconf/reference_cuda/device_buffer.hpp"

namespace rnnconf::cuda {

// RnnWeights<T> uploaded once (the layout of rnn_weights.hpp; panels are not uploaded).
template <class T>
struct DeviceRnnWeights {
  cpu::RnnVariant variant = cpu::RnnVariant::lstm;
  int64_t input_size = 0, hidden_size = 0, proj_size = 0;
  DeviceBuffer<T> w_ih, w_hh, b_x, b_hn, w_hr;
  int64_t gates() const { return cpu::gate_count(variant); }
  int64_t output_size() const { return proj_size > 0 ? proj_size : hidden_size; }
};

// Uploads (synchronously on `stream`); throws rnnconf::Error when the host
// buffers do not match their sizes.
template <class T>
DeviceRnnWeights<T> upload_weights(const cpu::RnnWeights<T>& w, cudaStream_t stream = nullptr);

// Device buffers of one call: cpu::SequenceArgs with device pointers (null
// optional pointers mean zeros for inputs, not wanted for outputs):
//   x [T, B, I]; h0 [B, H_out]; c0 [B, H] (LSTM); y (t, b, j) at
//   y[(t·B + b)·y_row_stride + y_offset + j] (stride 0 = H_out); h_last, c_last;
//   c_history [T, B, H] (LSTM): the cell state after the step at time t, at row t;
//   gates_x [T·B, G·H]: the input projection already computed (then x is not read).
template <class T>
using DeviceSequenceArgs = cpu::SequenceArgs<T>;

// Scratch buffers; reserve() before the first call (and before capturing).
template <class T>
struct DeviceWorkspace {
  DeviceBuffer<T> gates_x, gates_h, h_a, h_b, cell, m;
  void reserve(const DeviceRnnWeights<T>& w, int64_t steps, int64_t batch);
};

// Enqueues one (layer, direction) on `lane`. Throws rnnconf::Error on
// inconsistent arguments (checked before anything is enqueued) and on a failed
// CUDA/cuBLAS call. `math` applies to float GEMMs only (double is always FP64).
template <class T>
void run_sequence_device(const Lane& lane, MathMode math, const DeviceRnnWeights<T>& w,
                         const DeviceSequenceArgs<T>& args, DeviceWorkspace<T>& ws);

// Forward on lane 0 and backward on lane 1, concurrently; lane 0's stream
// waits for both before returning (fork/join by events; capturable from
// lane 0). `fwd.reverse` must be false and `bwd.reverse` true.
template <class T>
void run_bidirectional_device(const CudaContext& ctx, const DeviceRnnWeights<T>& wf, const DeviceSequenceArgs<T>& fwd,
                              DeviceWorkspace<T>& wsf, const DeviceRnnWeights<T>& wb,
                              const DeviceSequenceArgs<T>& bwd, DeviceWorkspace<T>& wsb);

}  // namespace rnnconf::cuda
