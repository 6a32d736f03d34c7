// rnnconf::cpu fused recurrent kernels: one (layer, direction) of an LSTM, GRU
// or Elman RNN over a whole sequence (run_sequence), and the single-step cells
// (run_cell). Graph-free: raw row-major buffers in, raw buffers out; the
// parameters come packed once in an RnnWeights<T> (rnn_weights.hpp).
//
// Per call of run_sequence:
//   1. one GEMM for the input projection of all steps:
//        gates_x [T·B, G·H] = x [T·B, I] · w_ihᵀ
//      BLAS SGEMM/DGEMM; float on an AVX-512 CPU with BLAS on one thread: the
//      register-tiled panel kernel over w_ih_panels (always for the LSTM, in
//      a blocked layout the fused step reads in order; GRU/RNN when w_ih fits
//      the kernel's cache budget: where it measured faster than OpenBLAS)
//   2. per step, the recurrent product gates_h [B, G·H] = h_prev [B, H_out] · w_hhᵀ:
//      float on an AVX-512 CPU: a register-tiled kernel over w_hh_panels
//      (single-threaded; used at any batch when BLAS runs one thread, else
//      for B <= 8); otherwise BLAS (GEMV when B = 1, GEMM else)
//   3. one fused pass over the gates: pre-activation (gates_x + b_x) + gates_h
//      (the fragments' order of additions), nonlinearities, cell update,
//      state and output writes; LSTM with projection adds h = m · w_hrᵀ (GEMM).
//   float LSTM on an AVX-512 CPU (where 2. takes the panel kernel): 2. and 3.
//   are one kernel, the gates applied in the recurrent product's registers
//   (lstm_fused_step.hpp); gates_h is not materialized.
// The time loop, the state hand-over and the checks are the device-agnostic
// driver's (recurrence_driver.hpp), over the CPU step backend
// (src/kernels/cpu_steps.hpp); the CUDA runner uses the same driver.
// The reverse direction walks time from the end by index (no copy of x or y)
// and still writes y in time order. y rows have a stride, so both directions
// of a bidirectional layer write straight into the packed [T, B, 2·H_out]
// tensor that torch_to_nnef's rnn_bidi_pack builds (forward at column 0,
// backward at column H_out), and the next step reads h_prev from y in place.
//
// Element type T is float (the conformance mode) or double (the float64 truth).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cpu {

// Buffers of one sequence call. All row-major; a null optional pointer means
// "zeros" for inputs and "not wanted" for outputs.
template <class T>
struct SequenceArgs {
  const T* x = nullptr;       // [steps, batch, I], time-major, contiguous
  int64_t steps = 0;          // T
  int64_t batch = 0;          // B
  const T* h0 = nullptr;      // [batch, H_out], optional
  const T* c0 = nullptr;      // [batch, H], optional, LSTM only
  bool reverse = false;       // scan_pace = -1: process t = T-1 .. 0
  T* y = nullptr;             // optional; element (t, b, j) at y[(t·B + b)·y_row_stride + y_offset + j]
  int64_t y_row_stride = 0;   // >= y_offset + H_out; 0 means H_out (packed)
  int64_t y_offset = 0;       // first column of this direction in a row
  T* h_last = nullptr;        // [batch, H_out], optional: the state after the last processed step
  T* c_last = nullptr;        // [batch, H], optional, LSTM only
  T* c_history = nullptr;     // [steps, batch, H], optional, LSTM only: the cell state after the step at time t, at row t
  // Optional: the input projection already computed, [steps·batch, G·H] (row
  // t·B + b, without b_x), e.g. for both directions in one batched GEMM; then
  // step 1 is skipped and x is not read.
  const T* gates_x = nullptr;
};

// What a recorder sees after each step (views valid only during the callback).
template <class T>
struct StepRecord {
  int64_t step = 0;             // 0 .. T-1 in processing order
  int64_t time = 0;             // time index t of the step (T-1-step when reverse)
  int64_t batch = 0;            // B
  int64_t gate_width = 0;       // G·H
  const T* gates_x = nullptr;   // [B, G·H]: x_t · w_ihᵀ (without b_x; the weights hold b_x); null where
                                //   the float LSTM's input projection is in its blocked layout
  const T* gates_h = nullptr;   // [B, G·H]: h_prev · w_hhᵀ (GRU: without b_hn); null where a fused
                                //   kernel keeps it in registers (float LSTM on AVX-512) or on a device
  const T* h = nullptr;         // [B, H_out], row stride h_row_stride: the new hidden state
  int64_t h_row_stride = 0;
  const T* c = nullptr;         // [B, H] new cell state (LSTM), else null
};
template <class T>
using StepRecorder = std::function<void(const StepRecord<T>&)>;

// Scratch memory reused across calls: sized on first use and grown only when a
// call needs more, so a steady-state executor allocates nothing per call or step.
template <class T>
class SequenceWorkspace {
 public:
  // Grows the buffers for this problem (no-op when already large enough).
  void reserve(const RnnWeights<T>& w, int64_t steps, int64_t batch);

  std::vector<T> gates_x;  // [T·B, G·H] (G·H rounded up to 64: room for the blocked layout)
  std::vector<T> gates_h;  // [B, G·H]
  std::vector<T> h_a, h_b; // [B, H_out] state ping-pong when y is not given
  std::vector<T> cell;     // [B, H]
  std::vector<T> m;        // [B, H] LSTM projection input o ⊙ tanh(c)
  std::vector<T> partial;  // [B, 64] float LSTM fused step: partial sums between k-blocks
};

// Runs one (layer, direction). Throws rnnconf::Error on inconsistent arguments
// (null x and gates_x with steps·batch > 0, c0 for a non-LSTM, stride too
// small, sizes over the BLAS int range). steps = 0 copies h0/c0 (or zeros) to
// h_last/c_last.
template <class T>
void run_sequence(const RnnWeights<T>& w, const SequenceArgs<T>& args, SequenceWorkspace<T>& ws,
                  const StepRecorder<T>& recorder = {});

// One step of lstm_cell / gru_cell / rnn_tanh_cell / rnn_relu_cell: x [B, I],
// h_prev [B, H] (null = zeros), c_prev [B, H] (LSTM; null = zeros),
// h_new [B, H] and c_new [B, H] (LSTM) required. Cells have no projection.
template <class T>
struct CellArgs {
  const T* x = nullptr;
  int64_t batch = 0;
  const T* h_prev = nullptr;
  const T* c_prev = nullptr;
  T* h_new = nullptr;
  T* c_new = nullptr;
};

template <class T>
void run_cell(const RnnWeights<T>& w, const CellArgs<T>& args, SequenceWorkspace<T>& ws);

// A cell step as a one-step sequence (what run_cell runs, and any other
// device's cell path). Throws rnnconf::Error, messages prefixed with `who`,
// for a projection or a missing h_new / c_new (LSTM).
template <class T>
SequenceArgs<T> cell_as_sequence(const RnnWeights<T>& w, const CellArgs<T>& args, const std::string& who);

}  // namespace rnnconf::cpu
