// The driver of the fused recurrent kernels: argument checks, the input
// projection GEMM for all steps, the per-step recurrent GEMM/GEMV, dispatch to
// the variant's gate pass, the LSTM projection, state hand-over and recording.
// Also run_cell (one step of the same machinery) and SequenceWorkspace.
#include <algorithm>
#include <climits>
#include <string>
#include <type_traits>

#include "blas_calls.hpp"
#include "gate_passes.hpp"
#include "lstm_fused_step.hpp"
#include "panel_matmul.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cpu {

namespace {

template <class T>
void grow(std::vector<T>& v, int64_t n) {
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
}

template <class T>
std::string context(std::string_view fn, const RnnWeights<T>& w) {
  return std::string(fn) + "(" + std::string(variant_name(w.variant)) + " I=" + std::to_string(w.input_size) +
         " H=" + std::to_string(w.hidden_size) + " P=" + std::to_string(w.proj_size) + "): ";
}

// G·H rounded up to whole panels: the columns of w_*_panels and of the blocked gates_x layout.
template <class T>
int64_t panel_columns(const RnnWeights<T>& w) {
  const int64_t gh = w.gates() * w.hidden_size;
  return (gh + kHiddenPanelWidth - 1) / kHiddenPanelWidth * kHiddenPanelWidth;
}

template <class T>
void check_weights(const RnnWeights<T>& w, const std::string& ctx) {
  const int64_t gh = w.gates() * w.hidden_size;
  const bool ok = w.input_size >= 1 && w.hidden_size >= 1 && w.proj_size >= 0 &&
                  (w.proj_size == 0 || w.variant == RnnVariant::lstm) &&
                  static_cast<int64_t>(w.w_ih.size()) == gh * w.input_size &&
                  static_cast<int64_t>(w.w_hh.size()) == gh * w.output_size() &&
                  static_cast<int64_t>(w.b_x.size()) == gh &&
                  static_cast<int64_t>(w.b_hn.size()) == (w.variant == RnnVariant::gru ? w.hidden_size : 0) &&
                  static_cast<int64_t>(w.w_hr.size()) == w.proj_size * w.hidden_size &&
                  (w.w_hh_panels.empty() ||
                   static_cast<int64_t>(w.w_hh_panels.size()) == panel_columns(w) * w.output_size()) &&
                  (w.w_ih_panels.empty() ||
                   static_cast<int64_t>(w.w_ih_panels.size()) == panel_columns(w) * w.input_size);
  if (!ok) throw Error(ctx + "RnnWeights buffers do not match their sizes (build them with a pack_* function)");
}

void check_blas_range(int64_t v, std::string_view what, const std::string& ctx) {
  if (v > INT_MAX) throw Error(ctx + std::string(what) + " = " + std::to_string(v) + " exceeds the BLAS int range");
}

// The panel kernels are single-threaded: above kSmallBatchMax rows a
// multi-threaded BLAS may do better.
template <class T>
bool use_panels(const RnnWeights<T>& w, int64_t B) {
  return !w.w_hh_panels.empty() && (B <= detail::kSmallBatchMax || openblas_get_num_threads() == 1);
}

// float LSTM: recurrent product and gates in one kernel (lstm_fused_step.hpp).
template <class T>
bool use_lstm_fused_step(const RnnWeights<T>& w, int64_t B) {
  if constexpr (std::is_same_v<T, float>)
    return w.variant == RnnVariant::lstm && use_panels(w, B) && detail::lstm_fused_step_available(B);
  else
    return false;
}

// gates_h [B, G·H] = h_prev [B, H_out] (row stride ldh) · w_hhᵀ.
template <class T>
void recurrent_product(const RnnWeights<T>& w, int64_t B, const T* h_prev, int64_t ldh, T* gates_h) {
  const int64_t GH = w.gates() * w.hidden_size, H_out = w.output_size();
  if constexpr (std::is_same_v<T, float>) {
    // LSTM panels are interleaved by unit: only the fused step reads them.
    if (w.variant != RnnVariant::lstm && use_panels(w, B) && detail::panel_matmul_available()) {
      detail::panel_matmul(B, GH, H_out, h_prev, ldh, w.w_hh_panels.data(), gates_h, GH);
      return;
    }
  }
  if (B == 1) detail::gemv_ax(GH, H_out, w.w_hh.data(), H_out, h_prev, gates_h);
  else detail::gemm_abt(B, GH, H_out, h_prev, ldh, w.w_hh.data(), H_out, T(0), gates_h, GH);
}

template <class T>
void gate_pass(RnnVariant v, const detail::GateStep<T>& s) {
  switch (v) {
    case RnnVariant::lstm: detail::lstm_gate_pass(s); return;
    case RnnVariant::gru: detail::gru_gate_pass(s); return;
    case RnnVariant::rnn_tanh: detail::rnn_tanh_gate_pass(s); return;
    case RnnVariant::rnn_relu: detail::rnn_relu_gate_pass(s); return;
  }
}

// dst rows (stride dst_stride) = src rows (stride src_stride), `rows` × `cols`.
template <class T>
void copy_rows(const T* src, int64_t src_stride, T* dst, int64_t dst_stride, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) std::copy_n(src + r * src_stride, cols, dst + r * dst_stride);
}

}  // namespace

template <class T>
void SequenceWorkspace<T>::reserve(const RnnWeights<T>& w, int64_t steps, int64_t batch) {
  const int64_t gh = w.gates() * w.hidden_size;
  // Rounded up to whole panels: room for the blocked layout of the LSTM fused path.
  grow(gates_x, steps * batch * panel_columns(w));
  grow(gates_h, batch * gh);
  grow(h_a, batch * w.output_size());
  grow(h_b, batch * w.output_size());
  if (w.variant == RnnVariant::lstm) grow(cell, batch * w.hidden_size);
  if (w.proj_size > 0) grow(m, batch * w.hidden_size);
  if constexpr (std::is_same_v<T, float>)
    if (w.variant == RnnVariant::lstm) grow(partial, batch * kHiddenPanelWidth);
}

template <class T>
void run_sequence(const RnnWeights<T>& w, const SequenceArgs<T>& a, SequenceWorkspace<T>& ws,
                  const StepRecorder<T>& recorder) {
  const std::string ctx = context("run_sequence", w);
  check_weights(w, ctx);
  const bool is_lstm = w.variant == RnnVariant::lstm;
  const int64_t H = w.hidden_size, H_out = w.output_size(), I = w.input_size;
  const int64_t GH = w.gates() * H, B = a.batch, steps = a.steps;
  if (steps < 0 || B < 0)
    throw Error(ctx + "steps=" + std::to_string(steps) + " batch=" + std::to_string(B) + " must be >= 0");
  if (!is_lstm && (a.c0 != nullptr || a.c_last != nullptr))
    throw Error(ctx + "c0/c_last given, but only an LSTM has a cell state");
  if (steps * B > 0 && a.x == nullptr) throw Error(ctx + "x is null");
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  if (a.y != nullptr && (a.y_offset < 0 || y_stride < a.y_offset + H_out))
    throw Error(ctx + "y_row_stride=" + std::to_string(y_stride) + " y_offset=" + std::to_string(a.y_offset) +
                " cannot hold H_out=" + std::to_string(H_out) + " columns");
  check_blas_range(steps * B, "steps*batch", ctx);
  check_blas_range(GH, "gates*H", ctx);
  check_blas_range(y_stride, "y_row_stride", ctx);
  check_blas_range(I, "I", ctx);

  ws.reserve(w, steps, B);
  T* cell = is_lstm ? ws.cell.data() : nullptr;
  if (is_lstm) {
    if (a.c0 != nullptr) std::copy_n(a.c0, B * H, cell);
    else std::fill_n(cell, B * H, T(0));
  }
  const T* h_prev = a.h0;
  int64_t h_prev_stride = H_out;
  if (h_prev == nullptr) {
    std::fill_n(ws.h_a.data(), B * H_out, T(0));
    h_prev = ws.h_a.data();
  }

  // 1. Input projection of all steps (b_x is added in the gate pass, which
  //    reads these anyway). float, one BLAS thread, AVX-512: the panel kernel
  //    (panel_matmul.hpp) — for the fused LSTM always, in the blocked layout
  //    its epilogue reads in order; for GRU/RNN when w_ih is cache-resident,
  //    where it measured faster than OpenBLAS SGEMM. Else BLAS (multi-threaded
  //    when it is), row-major.
  const bool fused_lstm = use_lstm_fused_step(w, B);
  bool gx_blocked = false;
  if (steps * B > 0) {
    bool done = false;
    if constexpr (std::is_same_v<T, float>) {
      const bool panels = !w.w_ih_panels.empty() && openblas_get_num_threads() == 1 &&
                          detail::panel_matmul_available();
      if (panels && fused_lstm) {
        detail::panel_matmul(steps * B, GH, I, a.x, I, w.w_ih_panels.data(),
                             detail::PanelOutput{ws.gates_x.data(), 0, B});
        done = gx_blocked = true;
      } else if (panels && !is_lstm && detail::panel_weights_cache_resident(GH, I)) {
        detail::panel_matmul(steps * B, GH, I, a.x, I, w.w_ih_panels.data(), ws.gates_x.data(), GH);
        done = true;
      }
    }
    if (!done) detail::gemm_abt(steps * B, GH, I, a.x, I, w.w_ih.data(), I, T(0), ws.gates_x.data(), GH);
  }
  // Step t's pre-activations: rows t·B .. t·B+B-1, or block t of the blocked layout.
  const int64_t gx_step = B * (gx_blocked ? panel_columns(w) : GH);

  T* gh = ws.gates_h.data();
  for (int64_t s = 0; s < steps && B > 0; ++s) {
    const int64_t t = a.reverse ? steps - 1 - s : s;
    const T* gx = ws.gates_x.data() + t * gx_step;
    // 2. Recurrent part (fused with 3. for the float LSTM).
    if (!fused_lstm) recurrent_product(w, B, h_prev, h_prev_stride, gh);
    // Where the new h goes: straight into y, else the workspace buffer h_prev is not in.
    T* h_dst = nullptr;
    int64_t h_dst_stride = H_out;
    if (a.y != nullptr) {
      h_dst = a.y + t * B * y_stride + a.y_offset;
      h_dst_stride = y_stride;
    } else {
      h_dst = h_prev == ws.h_a.data() ? ws.h_b.data() : ws.h_a.data();
    }
    // 3. Fused gates.
    detail::GateStep<T> g;
    g.batch = B;
    g.hidden = H;
    g.gates_x = gx;
    g.gates_h = gh;
    g.b_x = w.b_x.data();
    g.h_prev = h_prev;
    g.h_prev_stride = h_prev_stride;
    g.b_hn = w.b_hn.data();
    g.cell = cell;
    g.h_out = w.proj_size > 0 ? ws.m.data() : h_dst;
    g.h_out_stride = w.proj_size > 0 ? H : h_dst_stride;
    if (fused_lstm) {
      if constexpr (std::is_same_v<T, float>) {
        detail::LstmStepArgs f;
        f.step = g;
        f.k = H_out;
        f.panels = w.w_hh_panels.data();
        f.gates_x_blocked = gx_blocked;
        f.partial = ws.partial.data();
        detail::lstm_fused_step(f);
      }
    } else {
      gate_pass(w.variant, g);
    }
    if (w.proj_size > 0) {
      if (B == 1) detail::gemv_ax(w.proj_size, H, w.w_hr.data(), H, ws.m.data(), h_dst);
      else detail::gemm_abt(B, w.proj_size, H, ws.m.data(), H, w.w_hr.data(), H, T(0), h_dst, h_dst_stride);
    }
    if (recorder) {
      StepRecord<T> rec;
      rec.step = s;
      rec.time = t;
      rec.batch = B;
      rec.gate_width = GH;
      rec.gates_x = gx_blocked ? nullptr : gx;
      rec.gates_h = fused_lstm ? nullptr : gh;
      rec.h = h_dst;
      rec.h_row_stride = h_dst_stride;
      rec.c = cell;
      recorder(rec);
    }
    h_prev = h_dst;
    h_prev_stride = h_dst_stride;
  }

  if (a.h_last != nullptr) copy_rows(h_prev, h_prev_stride, a.h_last, H_out, B, H_out);
  if (a.c_last != nullptr) std::copy_n(cell, B * H, a.c_last);
}

template <class T>
SequenceArgs<T> cell_as_sequence(const RnnWeights<T>& w, const CellArgs<T>& a, const std::string& who) {
  if (w.proj_size != 0) throw Error(who + "cells have no projection");
  if (a.h_new == nullptr) throw Error(who + "h_new is null");
  if (w.variant == RnnVariant::lstm && a.c_new == nullptr) throw Error(who + "c_new is null (LSTM cell)");
  SequenceArgs<T> s;
  s.x = a.x;
  s.steps = 1;
  s.batch = a.batch;
  s.h0 = a.h_prev;
  s.c0 = a.c_prev;
  s.h_last = a.h_new;
  s.c_last = a.c_new;
  return s;
}

template <class T>
void run_cell(const RnnWeights<T>& w, const CellArgs<T>& a, SequenceWorkspace<T>& ws) {
  run_sequence(w, cell_as_sequence(w, a, context("run_cell", w)), ws);
}

template class SequenceWorkspace<float>;
template class SequenceWorkspace<double>;
template void run_sequence<float>(const RnnWeights<float>&, const SequenceArgs<float>&, SequenceWorkspace<float>&,
                                  const StepRecorder<float>&);
template void run_sequence<double>(const RnnWeights<double>&, const SequenceArgs<double>&,
                                   SequenceWorkspace<double>&, const StepRecorder<double>&);
template void run_cell<float>(const RnnWeights<float>&, const CellArgs<float>&, SequenceWorkspace<float>&);
template void run_cell<double>(const RnnWeights<double>&, const CellArgs<double>&, SequenceWorkspace<double>&);
template SequenceArgs<float> cell_as_sequence<float>(const RnnWeights<float>&, const CellArgs<float>&,
                                                     const std::string&);
template SequenceArgs<double> cell_as_sequence<double>(const RnnWeights<double>&, const CellArgs<double>&,
                                                       const std::string&);

}  // namespace rnnconf::cpu
