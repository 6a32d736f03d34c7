// Internal: one float LSTM step with the gate nonlinearities applied in the
// epilogue of the recurrent product (AVX-512). For the LSTM, RnnWeights::
// w_hh_panels interleaves the gates by unit: panel p holds the columns
// i, f, g, o of units 16p .. 16p+15 (4 vectors of 16 floats per k row), so
// the 4 accumulators of a batch row are the 4 gates of 16 units. After the
// last k-block the kernel adds gates_x and b_x, applies σ/tanh in registers
// (activation_avx512.hpp), updates the cell and writes h: gates_h is never
// written to memory and there is no separate gate pass.
// Pre-activation order as the fragment's: (gates_x + b_x) + h·w_hhᵀ.
#pragma once

#include <cstdint>

#include "kernels/gate_passes.hpp"

namespace rnnconf::cpu::detail {

struct LstmStepArgs {
  // The step as for the gate pass: batch, hidden, gates_x (x_t·w_ihᵀ: [B, 4H],
  // or blocked, below), b_x [4H], h_prev [B, K] (row stride h_prev_stride),
  // cell [B, H] updated in place, h_out [B, H] (row stride h_out_stride; with a
  // projection m = o ⊙ tanh(c)). gates_h and b_hn are not used.
  GateStep<float> step;
  int64_t k = 0;                  // H_out (rows of each panel)
  const float* panels = nullptr;  // RnnWeights::w_hh_panels (LSTM unit-interleaved layout)
  bool gates_x_blocked = false;   // gates_x as panel_matmul's blocked output for this step:
                                  //   [ceil(H/16)][B][64], unit-interleaved like the panels
  float* partial = nullptr;       // [B, 64] scratch: partial sums between k-blocks
};

// True when lstm_fused_step can run on this CPU for this batch.
bool lstm_fused_step_available(int64_t batch);

// One step; requires lstm_fused_step_available(B). step.h_out must not alias step.h_prev.
void lstm_fused_step(const LstmStepArgs& a);

}  // namespace rnnconf::cpu::detail
