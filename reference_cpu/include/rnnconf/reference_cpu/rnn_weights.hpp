// rnnconf::cpu::RnnWeights: the packed parameters of one recurrent layer in one
// direction, as the fused kernels of rnn_kernels.hpp consume them, and the
// packers that build it once at model-load time from
//   (a) the per-gate arguments of a torch_to_nnef sequence fragment call
//       (lstm, lstm_with_projection, gru, rnn_tanh, rnn_relu), or
//   (b) PyTorch-style stacked weights (weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
//       bias_hh_l{k}, weight_hr_l{k}; also what the *_cell fragments receive).
//
// Layout (row-major, gates stacked in PyTorch order: LSTM i,f,g,o; GRU r,z,n):
//   w_ih [G·H, I]       input weights
//   w_hh [G·H, H_out]   recurrent weights, H_out = P when P > 0 else H
//   b_x  [G·H]          every bias that can be folded into the input projection:
//                       LSTM/RNN b_ih + b_hh; GRU r,z: b_ih + b_hh, n: b_in only
//   b_hn [H]            GRU only (empty otherwise): b_hn, applied inside r ⊙ (h W_hnᵀ + b_hn)
//   w_hr [P, H]         LSTM projection (empty when P = 0)
//   w_ih_panels         float only, for the AVX-512 input projection: w_ihᵀ
//                       [I, G·H] in panels of 64 columns, [I][64] each, in
//                       the same column order as w_hh_panels
//   w_hh_panels         float only, for the AVX-512 recurrent kernels: w_hhᵀ
//                       [H_out, G·H] cut into panels of kHiddenPanelWidth
//                       columns, panel p = [H_out][64] contiguous, zero-padded.
//                       GRU/RNN: gate columns 64p .. 64p+63. LSTM: the gates
//                       i, f, g, o of units 16p .. 16p+15 (column 16·gate + u),
//                       so the fused step has a unit's 4 gates in registers.
//                       Empty = the kernels use BLAS on w_hh
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::cpu {

// Gate columns per panel of RnnWeights::w_hh_panels.
inline constexpr int64_t kHiddenPanelWidth = 64;

enum class RnnVariant : uint8_t { lstm, gru, rnn_tanh, rnn_relu };

std::string_view variant_name(RnnVariant v);  // "lstm", "gru", "rnn_tanh", "rnn_relu"
int64_t gate_count(RnnVariant v);             // 4, 3, 1, 1

template <class T>
struct RnnWeights {
  RnnVariant variant = RnnVariant::lstm;
  int64_t input_size = 0;   // I
  int64_t hidden_size = 0;  // H
  int64_t proj_size = 0;    // P (LSTM only; 0 = no projection)
  std::vector<T> w_ih;      // [G·H, I]
  std::vector<T> w_hh;      // [G·H, H_out]
  std::vector<T> b_x;       // [G·H]
  std::vector<T> b_hn;      // [H] for GRU, empty otherwise
  std::vector<T> w_hr;      // [P, H], empty when P = 0
  std::vector<T> w_ih_panels;  // [ceil(G·H / 64), I, 64] (float packers fill it; may be empty; see above)
  std::vector<T> w_hh_panels;  // [ceil(G·H / 64), H_out, 64] (float packers fill it; may be empty; see above)

  int64_t gates() const { return gate_count(variant); }
  int64_t output_size() const { return proj_size > 0 ? proj_size : hidden_size; }  // H_out
};

// True when every buffer of `w` has the size its variant and sizes call for
// (panels: empty or complete), as the packers build it. The CPU kernels and
// the device upload refuse weights for which it is false.
template <class T>
bool packed_sizes_consistent(const RnnWeights<T>& w);

// PyTorch-style stacked parameters as plain spans (row-major). Empty b_ih and
// b_hh mean bias=False; w_hr must be empty unless proj_size > 0. Shapes:
// w_ih [G·H, I], w_hh [G·H, H_out], b_ih/b_hh [G·H], w_hr [P, H].
template <class T>
struct StackedWeightsView {
  std::span<const T> w_ih, w_hh, b_ih, b_hh, w_hr;
};

// Packs stacked weights; throws rnnconf::Error naming the argument whose size is wrong.
template <class T>
RnnWeights<T> pack_stacked_weights(RnnVariant variant, int64_t input_size, int64_t hidden_size,
                                   int64_t proj_size, const StackedWeightsView<T>& w);

// Same from Tensors (f32 or f64; converted to T). b_ih/b_hh/w_hr may be null.
// Extra leading axes of extent 1 are accepted ([1, 4H] for a cell's bias).
// Sizes are read from the tensors: H = rows(w_ih) / G, I = cols(w_ih), P = rows(w_hr).
// For the cell fragments: lstm_cell passes its summed `b` as b_ih and null b_hh,
// gru_cell passes b_ih and b_hh, rnn_*_cell passes `b` as b_ih.
template <class T>
RnnWeights<T> pack_stacked_weights(RnnVariant variant, const Tensor& w_ih, const Tensor& w_hh,
                                   const Tensor* b_ih, const Tensor* b_hh, const Tensor* w_hr);

// The weight arguments of one torch_to_nnef sequence-fragment call, in the
// fragment's parameter order (each pointer must be non-null):
//   lstm / lstm_with_projection: w_input = W_ii W_if W_ig W_io [1,H,I];
//       w_hidden = W_hi W_hf W_hg W_ho [1,H,H_out]; bias = b_i b_f b_g b_o [1,1,H];
//       w_proj = W_hr [1,P,H] (lstm_with_projection only, else null)
//   gru: w_input = W_ir W_iz W_in; w_hidden = W_hr W_hz W_hn; bias = b_r b_z b_in b_hn
//   rnn_tanh / rnn_relu: w_input = W_ih; w_hidden = W_hh; bias = b_ih_hh
// A bias of one element broadcasts (the exporter writes [1, 1] zeros for bias=False).
struct FragmentWeightArgs {
  std::vector<const Tensor*> w_input;
  std::vector<const Tensor*> w_hidden;
  std::vector<const Tensor*> bias;
  const Tensor* w_proj = nullptr;
};

template <class T>
RnnWeights<T> pack_fragment_weights(RnnVariant variant, const FragmentWeightArgs& args);

}  // namespace rnnconf::cpu
