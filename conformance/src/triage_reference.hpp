// A plain float64 reference of one (layer, direction) of a PyTorch recurrent
// layer, with knobs that reproduce the classic exporter bugs (gates read in
// another order, biases dropped or doubled, the wrong scan direction, another
// nonlinearity, an input shifted by a step, the projection applied twice).
// Triage runs it under each hypothesis and asks which one reproduces what the
// model computed. Written for clarity, not speed: the goldens are small.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"

namespace rnnconf::conformance::triage_detail {

// One direction of one layer, PyTorch layout, widened to double.
struct LayerParams {
  std::vector<double> w_ih, w_hh, b_ih, b_hh, w_hr;  // [G*H, in], [G*H, H_out], [G*H], [G*H], [P, H]
  int64_t in = 0, H = 0, H_out = 0;
  bool bias = false;
};

// How the reference deviates from PyTorch (the default is PyTorch itself).
struct Variant {
  // Gate g of the equations reads the rows of gate perm[g] of each stacked tensor.
  std::vector<int> perm_ih, perm_hh, perm_b;
  std::vector<double> b_ih_scale, b_hh_scale;  // per gate (0 missing, 2 doubled)
  bool gru_reset_after_bias = false;          // n = tanh(W_in x + b_in + r * (W_hn h) + b_hn)
  bool reverse = false;                       // process time T-1 .. 0
  bool gate_tanh = false;                     // sigmoid gates computed with tanh
  int candidate_act = 0;                      // 0 as PyTorch, 1 sigmoid (LSTM g, GRU n), 2 swapped tanh<->relu (Elman)
  bool cell_sigmoid = false;                  // LSTM h = o * sigmoid(c)
  int input_shift = 0;                        // step t reads x[(t + shift) mod T]
  bool proj_twice = false;                    // h = W_hr (W_hr^T (W_hr m))
};

Variant pytorch_variant(const RnnSpec& spec);

// x: [T][B][in] time-major; h0: [B][H_out]; c0: [B][H] (LSTM). Returns the
// hidden state after each time index, [T][B][H_out] (time index, not step).
std::vector<double> run_layer(const RnnSpec& spec, const LayerParams& p, const Variant& v, const std::vector<double>& x,
                              int64_t T, int64_t B, const std::vector<double>& h0, const std::vector<double>& c0);

}  // namespace rnnconf::conformance::triage_detail
