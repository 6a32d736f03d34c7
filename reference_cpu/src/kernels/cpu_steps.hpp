// Internal: CpuSteps<T>, the CPU step backend of the recurrence driver
// (recurrence_driver.hpp): the operations of one step on host buffers, with
// the fastest path this CPU and BLAS configuration offer.
//   input projection  float, one BLAS thread, AVX-512: the register-tiled
//                     panel kernel over w_ih_panels (always for the LSTM, in
//                     the blocked layout its fused step reads in order;
//                     GRU/RNN when w_ih fits the kernel's cache budget, where
//                     it measured faster than OpenBLAS); else BLAS GEMM
//   recurrent product float GRU/RNN on AVX-512 (B <= 8, or one BLAS thread):
//                     the panel kernel over w_hh_panels; else BLAS (GEMV at B = 1)
//   gates             the variant's gate pass (step_kernels.hpp); the float
//                     LSTM on AVX-512 instead runs lstm_fused_step, the
//                     recurrent product and the gates in one kernel (gates_h
//                     is never written: recurrent_product_in_gates())
//   projection        BLAS GEMM (GEMV at B = 1)
// Scratch comes from a SequenceWorkspace<T>, grown as needed.
#pragma once

#include <algorithm>
#include <climits>
#include <string>
#include <type_traits>

#include "kernels/blas_calls.hpp"
#include "kernels/lstm_fused_step.hpp"
#include "kernels/panel_matmul.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/recurrence_driver.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cpu/step_kernels.hpp"

namespace rnnconf::cpu::detail {

// G·H rounded up to whole panels: the columns of w_*_panels and of the blocked gates_x layout.
inline int64_t panel_columns(const RecurrenceShape& w) {
  const int64_t gh = w.gates() * w.hidden_size;
  return (gh + kHiddenPanelWidth - 1) / kHiddenPanelWidth * kHiddenPanelWidth;
}

template <class T>
class CpuSteps {
 public:
  using value_type = T;
  CpuSteps(const RnnWeights<T>& w, SequenceWorkspace<T>& ws) : w_(w), ws_(ws) {}

  RecurrenceShape shape() const { return shape_of(w_); }
  const T* b_x() const { return w_.b_x.data(); }
  const T* b_hn() const { return w_.b_hn.data(); }
  bool recurrent_product_in_gates() const { return fused_lstm_; }

  // The weights as the packers build them, and every size within BLAS's int.
  void check(const SequenceArgs<T>& a, int64_t y_stride, const std::string& ctx) const {
    if (!packed_sizes_consistent(w_))
      throw Error(ctx + "RnnWeights buffers do not match their sizes (build them with a pack_* function)");
    check_blas_range(a.steps * a.batch, "steps*batch", ctx);
    check_blas_range(w_.gates() * w_.hidden_size, "gates*H", ctx);
    check_blas_range(y_stride, "y_row_stride", ctx);
    check_blas_range(w_.input_size, "I", ctx);
  }

  RecurrenceBuffers<T> buffers(int64_t steps, int64_t batch) {
    ws_.reserve(w_, steps, batch);
    fused_lstm_ = use_lstm_fused_step(batch);
    gx_blocked_ = false;
    return {ws_.gates_h.data(), ws_.h_a.data(), ws_.h_b.data(), ws_.cell.data(), ws_.m.data()};
  }

  ProjectedInputs<T> project_inputs(const T* x, int64_t steps, int64_t batch) {
    const int64_t GH = w_.gates() * w_.hidden_size, I = w_.input_size, rows = steps * batch;
    T* gx = ws_.gates_x.data();
    if constexpr (std::is_same_v<T, float>) {
      const bool panels = !w_.w_ih_panels.empty() && openblas_get_num_threads() == 1 && panel_matmul_available();
      if (panels && fused_lstm_) {
        panel_matmul(rows, GH, I, x, I, w_.w_ih_panels.data(), PanelOutput{gx, 0, batch});
        gx_blocked_ = true;
        return {gx, batch * panel_columns(shape()), false};
      }
      if (panels && w_.variant != RnnVariant::lstm && panel_weights_cache_resident(GH, I)) {
        panel_matmul(rows, GH, I, x, I, w_.w_ih_panels.data(), gx, GH);
        return {gx, batch * GH, true};
      }
    }
    gemm_abt(rows, GH, I, x, I, w_.w_ih.data(), I, T(0), gx, GH);
    return {gx, batch * GH, true};
  }

  // gates_h [B, G·H] = h_prev [B, H_out] (row stride ldh) · w_hhᵀ; nothing on the fused LSTM path.
  void recurrent_product(int64_t batch, const T* h_prev, int64_t ldh, T* gates_h) const {
    if (fused_lstm_) return;
    const int64_t GH = w_.gates() * w_.hidden_size, H_out = w_.output_size();
    if constexpr (std::is_same_v<T, float>) {
      // LSTM panels are interleaved by unit: only the fused step reads them.
      if (w_.variant != RnnVariant::lstm && use_panels(batch) && panel_matmul_available()) {
        panel_matmul(batch, GH, H_out, h_prev, ldh, w_.w_hh_panels.data(), gates_h, GH);
        return;
      }
    }
    if (batch == 1) gemv_ax(GH, H_out, w_.w_hh.data(), H_out, h_prev, gates_h);
    else gemm_abt(batch, GH, H_out, h_prev, ldh, w_.w_hh.data(), H_out, T(0), gates_h, GH);
  }

  void gates(const GateStep<T>& g) {
    if constexpr (std::is_same_v<T, float>) {
      if (fused_lstm_) {
        LstmStepArgs f;
        f.step = g;
        f.k = w_.output_size();
        f.panels = w_.w_hh_panels.data();
        f.gates_x_blocked = gx_blocked_;
        f.partial = ws_.partial.data();
        lstm_fused_step(f);
        return;
      }
    }
    gate_pass(w_.variant, g);
  }

  // h [B, P] (row stride ldh) = m [B, H] · w_hrᵀ.
  void project(int64_t batch, const T* m, T* h, int64_t ldh) const {
    const int64_t H = w_.hidden_size;
    if (batch == 1) gemv_ax(w_.proj_size, H, w_.w_hr.data(), H, m, h);
    else gemm_abt(batch, w_.proj_size, H, m, H, w_.w_hr.data(), H, T(0), h, ldh);
  }

  void copy_rows(const T* src, int64_t src_stride, T* dst, int64_t dst_stride, int64_t rows, int64_t cols) const {
    for (int64_t r = 0; r < rows; ++r) std::copy_n(src + r * src_stride, cols, dst + r * dst_stride);
  }
  void zero(T* dst, int64_t count) const { std::fill_n(dst, count, T(0)); }

 private:
  static void check_blas_range(int64_t v, const char* what, const std::string& ctx) {
    if (v > INT_MAX) throw Error(ctx + what + " = " + std::to_string(v) + " exceeds the BLAS int range");
  }
  // The panel kernels are single-threaded: above kSmallBatchMax rows a
  // multi-threaded BLAS may do better.
  bool use_panels(int64_t batch) const {
    return !w_.w_hh_panels.empty() && (batch <= kSmallBatchMax || openblas_get_num_threads() == 1);
  }
  // float LSTM: recurrent product and gates in one kernel (lstm_fused_step.hpp).
  bool use_lstm_fused_step(int64_t batch) const {
    if constexpr (std::is_same_v<T, float>)
      return w_.variant == RnnVariant::lstm && use_panels(batch) && lstm_fused_step_available(batch);
    else
      return false;
  }

  const RnnWeights<T>& w_;
  SequenceWorkspace<T>& ws_;
  bool fused_lstm_ = false;  // decided per call (depends on the batch)
  bool gx_blocked_ = false;  // this call's projection is in the fused step's blocked layout
};

}  // namespace rnnconf::cpu::detail
