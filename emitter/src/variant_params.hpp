// Per-variant parameter extraction: what one fragment call of a variant
// receives besides the input and the states, as NNEF variables (fragment
// parameter name, label, tensor) in declaration order, plus the order in
// which the fragment takes them. One function per variant, each in its own
// file (variant_lstm.cpp, variant_gru.cpp, variant_rnn.cpp, variant_cells.cpp);
// the orchestration (emit_sequence.cpp, emit_cell.cpp) is variant-agnostic.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/core/tensor.hpp"
#include "rnnconf/emitter/param_view.hpp"

namespace rnnconf::emitter::detail {

// Label prefix of every weight variable: the wrapped module is `m`.
inline constexpr const char* kModuleLabel = "m";

struct FragmentVariable {
  std::string param;  // fragment parameter name: "W_ii", "b_r", "b_ih_hh", "W_ih", "b"
  std::string label;  // variable label: "m.l0_back_w_ii", "m.weight_ih", "h1_bias_bias"
  Tensor value;
};

struct VariantCall {
  std::vector<FragmentVariable> variables;          // declaration order in the graph
  std::vector<std::string> weight_order;            // fragment parameter order (after input and states)
  std::vector<std::pair<std::string, int64_t>> attributes;  // cells: gate ends; sequences: none
};

// A sequence variant's states, in fragment parameter order: LSTM {c_0, h_0}, else {h_0}.
std::vector<std::string> sequence_state_names(const RnnSpec& spec);
// A cell variant's states, in fragment parameter order: LSTM {h_0, c_0}, else {h_0}.
std::vector<std::string> cell_state_names(const RnnSpec& spec);

// Sequence fragments: gates split into [1, H, F] / [1, H, H_out] weights,
// biases summed as the fragment expects, [1, 1, H] (bias = false: [1, 1] zeros).
VariantCall lstm_sequence_call(const RnnSpec& spec, const DirectionParams& p);
VariantCall gru_sequence_call(const RnnSpec& spec, const DirectionParams& p);
VariantCall rnn_sequence_call(const RnnSpec& spec, const DirectionParams& p);
VariantCall sequence_call(const RnnSpec& spec, const DirectionParams& p);  // dispatch on kind

// Cell fragments: stacked weights as PyTorch holds them, biases [1, G*H]
// (summed for lstm/rnn, apart for gru), gate-end attributes. `out` is the
// graph output the bias labels are derived from ("h1").
VariantCall cell_call(const RnnSpec& spec, const DirectionParams& p, const std::string& out);

}  // namespace rnnconf::emitter::detail
