// rnnconf::cpu::run_recurrence: the one recurrence driver of rnnconf. It runs
// one (layer, direction) of an LSTM (with or without projection), GRU or
// Elman RNN over a whole sequence, device-agnostic, over a step backend: the
// few operations a step needs, which the CPU kernels
// (reference_cpu/src/kernels/cpu_steps.hpp) and a device
// (reference_cuda/src/executor/device_steps.hpp: CUDA, or the host tests'
// emulated device) provide. The driver owns what they used to repeat: the
// argument checks, the state set-up, the time loop in either direction, where
// each step's new h goes (straight into y at its row stride and column
// offset, else a ping-pong pair), the projection, the cell-state history and
// the hand-over of the last state.
//
//   1. input projection of all steps (unless SequenceArgs::gates_x gives it):
//        gates_x [T·B, G·H] = x [T·B, I] · w_ihᵀ                    project_inputs
//   2. per step t (t = T-1 .. 0 when reverse; y is still written in time order):
//        gates_h [B, G·H] = h_prev [B, H_out] · w_hhᵀ                 recurrent_product
//        pre-activation (gates_x + b_x) + gates_h, nonlinearities,
//        cell update, h (or m = o ⊙ tanh(c) with a projection)        gates
//        h = m · w_hrᵀ (LSTM with projection)                         project
//        c_history row t = cell (when asked)                           copy_rows
//   3. h_last / c_last = the state after the last processed step       copy_rows
//
// A step backend S (concept StepBackend) has value_type T and:
//   shape()                      RecurrenceShape (variant, I, H, P)
//   b_x(), b_hn()                the bias pointers a GateStep carries
//   check(args, y_stride, ctx)   its own argument checks (throw rnnconf::Error with ctx)
//   buffers(steps, batch)        scratch for this call (RecurrenceBuffers<T>)
//   project_inputs(x, steps, batch)  step 1 (ProjectedInputs<T>: where step t's rows are)
//   recurrent_product(batch, h_prev, ldh, gates_h)
//   gates(step)                  the fused gate pass of the variant
//   project(batch, m, h, ldh)
//   copy_rows(src, src_stride, dst, dst_stride, rows, cols), zero(dst, count)
//   recurrent_product_in_gates() true when gates() computes the recurrent
//                                product itself (the float LSTM fused step on
//                                the CPU): then gates_h is never written
// Work a backend enqueues on a device runs in call order; the driver itself
// reads no element of any buffer, so device pointers are fine. A recorder
// (host backends only) sees each step's h and c.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/gate_step.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cpu {

struct RecurrenceShape {
  RnnVariant variant = RnnVariant::lstm;
  int64_t input_size = 0;   // I
  int64_t hidden_size = 0;  // H
  int64_t proj_size = 0;    // P (0 = no projection)
  int64_t gates() const { return gate_count(variant); }
  int64_t output_size() const { return proj_size > 0 ? proj_size : hidden_size; }  // H_out
};

// The shape of anything with RnnWeights' size fields.
template <class W>
RecurrenceShape shape_of(const W& w) {
  return {w.variant, w.input_size, w.hidden_size, w.proj_size};
}

// "fn(lstm I=5 H=7 P=0): ", the prefix of every message about one call.
inline std::string recurrence_context(std::string_view fn, const RecurrenceShape& s) {
  return std::string(fn) + "(" + std::string(variant_name(s.variant)) + " I=" + std::to_string(s.input_size) +
         " H=" + std::to_string(s.hidden_size) + " P=" + std::to_string(s.proj_size) + "): ";
}

// Scratch of one call, from the backend (null where the variant needs none).
template <class T>
struct RecurrenceBuffers {
  T* gates_h = nullptr;  // [B, G·H]
  T* h_a = nullptr;      // [B, H_out] state ping-pong when y is not given
  T* h_b = nullptr;      // [B, H_out]
  T* cell = nullptr;     // [B, H] (LSTM)
  T* m = nullptr;        // [B, H] (LSTM with projection)
};

// Where the input projection of step t is: data + t·step_stride.
template <class T>
struct ProjectedInputs {
  const T* data = nullptr;
  int64_t step_stride = 0;
  bool row_major = true;  // [B, G·H] rows (false: a backend's own layout, not shown to recorders)
};

template <class S>
concept StepBackend = requires(S& s, const S& cs, typename S::value_type* p, const typename S::value_type* cp,
                               const SequenceArgs<typename S::value_type>& args,
                               const GateStep<typename S::value_type>& step, int64_t n, const std::string& ctx) {
  { cs.shape() } -> std::convertible_to<RecurrenceShape>;
  { cs.b_x() } -> std::convertible_to<const typename S::value_type*>;
  { cs.b_hn() } -> std::convertible_to<const typename S::value_type*>;
  { cs.recurrent_product_in_gates() } -> std::convertible_to<bool>;
  s.check(args, n, ctx);
  { s.buffers(n, n) } -> std::same_as<RecurrenceBuffers<typename S::value_type>>;
  { s.project_inputs(cp, n, n) } -> std::same_as<ProjectedInputs<typename S::value_type>>;
  s.recurrent_product(n, cp, n, p);
  s.gates(step);
  s.project(n, cp, p, n);
  s.copy_rows(cp, n, p, n, n, n);
  s.zero(p, n);
};

// Runs one (layer, direction) through `steps`. Throws rnnconf::Error, every
// message prefixed with `ctx`, on inconsistent arguments (checked before any
// work is done): negative steps or batch, c0/c_last/c_history for a non-LSTM,
// neither x nor gates_x with steps·batch > 0, a y row stride or offset that
// cannot hold H_out columns; then whatever the backend's check() refuses.
// steps = 0 copies h0/c0 (or zeros) to h_last/c_last.
template <StepBackend S>
void run_recurrence(S& steps, const SequenceArgs<typename S::value_type>& a, const std::string& ctx,
                    const StepRecorder<typename S::value_type>& recorder = {}) {
  using T = typename S::value_type;
  const RecurrenceShape w = steps.shape();
  const bool is_lstm = w.variant == RnnVariant::lstm;
  const int64_t H = w.hidden_size, H_out = w.output_size();
  const int64_t GH = w.gates() * H, B = a.batch, T_steps = a.steps;
  if (T_steps < 0 || B < 0)
    throw Error(ctx + "steps=" + std::to_string(T_steps) + " batch=" + std::to_string(B) + " must be >= 0");
  if (!is_lstm && (a.c0 != nullptr || a.c_last != nullptr || a.c_history != nullptr))
    throw Error(ctx + "c0/c_last/c_history given, but only an LSTM has a cell state");
  if (T_steps * B > 0 && a.x == nullptr && a.gates_x == nullptr) throw Error(ctx + "x is null");
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  if (a.y != nullptr && (a.y_offset < 0 || y_stride < a.y_offset + H_out))
    throw Error(ctx + "y_row_stride=" + std::to_string(y_stride) + " y_offset=" + std::to_string(a.y_offset) +
                " cannot hold H_out=" + std::to_string(H_out) + " columns");
  steps.check(a, y_stride, ctx);

  const RecurrenceBuffers<T> buf = steps.buffers(T_steps, B);
  T* cell = is_lstm ? buf.cell : nullptr;
  if (is_lstm && B * H > 0) {
    if (a.c0 != nullptr) steps.copy_rows(a.c0, H, cell, H, B, H);
    else steps.zero(cell, B * H);
  }
  const T* h_prev = a.h0;
  int64_t h_prev_stride = H_out;
  if (h_prev == nullptr) {
    if (B * H_out > 0) steps.zero(buf.h_a, B * H_out);
    h_prev = buf.h_a;
  }

  // 1. Input projection of all steps, unless given.
  ProjectedInputs<T> gx{a.gates_x, B * GH, true};
  if (a.gates_x == nullptr && T_steps * B > 0) gx = steps.project_inputs(a.x, T_steps, B);

  for (int64_t s = 0; s < T_steps && B > 0; ++s) {
    const int64_t t = a.reverse ? T_steps - 1 - s : s;
    const T* gx_t = gx.data + t * gx.step_stride;
    // 2. Recurrent product (inside gates() where the backend fuses them).
    steps.recurrent_product(B, h_prev, h_prev_stride, buf.gates_h);
    // Where the new h goes: straight into y, else the ping-pong buffer h_prev is not in.
    T* h_dst = nullptr;
    int64_t h_dst_stride = H_out;
    if (a.y != nullptr) {
      h_dst = a.y + t * B * y_stride + a.y_offset;
      h_dst_stride = y_stride;
    } else {
      h_dst = h_prev == buf.h_a ? buf.h_b : buf.h_a;
    }
    // 3. Fused gates (m instead of h with a projection).
    GateStep<T> g;
    g.batch = B;
    g.hidden = H;
    g.gates_x = gx_t;
    g.gates_h = buf.gates_h;
    g.b_x = steps.b_x();
    g.h_prev = h_prev;
    g.h_prev_stride = h_prev_stride;
    g.b_hn = steps.b_hn();
    g.cell = cell;
    g.h_out = w.proj_size > 0 ? buf.m : h_dst;
    g.h_out_stride = w.proj_size > 0 ? H : h_dst_stride;
    steps.gates(g);
    if (w.proj_size > 0) steps.project(B, buf.m, h_dst, h_dst_stride);
    if (a.c_history != nullptr) steps.copy_rows(cell, H, a.c_history + t * B * H, H, B, H);
    if (recorder) {
      StepRecord<T> rec;
      rec.step = s;
      rec.time = t;
      rec.batch = B;
      rec.gate_width = GH;
      rec.gates_x = gx.row_major ? gx_t : nullptr;
      rec.gates_h = steps.recurrent_product_in_gates() ? nullptr : buf.gates_h;
      rec.h = h_dst;
      rec.h_row_stride = h_dst_stride;
      rec.c = cell;
      recorder(rec);
    }
    h_prev = h_dst;
    h_prev_stride = h_dst_stride;
  }

  if (a.h_last != nullptr) steps.copy_rows(h_prev, h_prev_stride, a.h_last, H_out, B, H_out);
  if (a.c_last != nullptr) steps.copy_rows(cell, H, a.c_last, H, B, H);
}

}  // namespace rnnconf::cpu
