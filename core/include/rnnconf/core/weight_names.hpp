// PyTorch parameter naming for recurrent layers: the names and shapes of
// named_parameters() (module entry point), the flat order in which the aten
// ops receive the same tensors (aten entry point), and the gate order inside
// the stacked weights. Checked against torch in core/tests/data/.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf {

struct ParamInfo {
  enum class Role : uint8_t { w_ih, w_hh, b_ih, b_hh, w_hr };

  std::string name;   // PyTorch name: "weight_ih_l1_reverse", "bias_hh" (cells), ...
  Shape shape;        // e.g. [G*H, in_k] for w_ih
  int layer = 0;      // 0 for cells
  int direction = 0;  // 0 forward, 1 reverse
  Role role = Role::w_ih;

  friend bool operator==(const ParamInfo&, const ParamInfo&) = default;
};

std::string_view role_name(ParamInfo::Role role);  // "w_ih", "w_hh", "b_ih", "b_hh", "w_hr"

// The PyTorch name of one parameter: sequences "weight_ih_l{k}[_reverse]",
// cells "weight_ih". Throws Error for a layer/direction outside the spec, a
// bias of a bias-free spec, or w_hr without a projection.
std::string param_name(const RnnSpec& spec, int layer, int direction, ParamInfo::Role role);

// Shape of one parameter (same checks as param_name):
//   w_ih [G*H, layer_input_size(k)], w_hh [G*H, H_out], b_ih/b_hh [G*H], w_hr [P, H].
// Cells: w_ih [G*H, I], w_hh [G*H, H], b_ih/b_hh [G*H].
Shape param_shape(const RnnSpec& spec, int layer, int direction, ParamInfo::Role role);

// In the order of module.named_parameters(): per layer k, per direction,
// weight_ih, weight_hh, [bias_ih, bias_hh], [weight_hr].
std::vector<ParamInfo> module_params(const RnnSpec& spec);

// In the order the aten ops receive them: sequences aten::lstm/gru/rnn_tanh/
// rnn_relu take `params` = module._flat_weights, per layer, per direction,
// w_ih, w_hh, [b_ih, b_hh], [w_hr]; cells aten::lstm_cell/gru_cell/rnn_*_cell
// take (w_ih, w_hh[, b_ih, b_hh]) after the input and state (without bias,
// torch passes None for both biases: they are left out here).
// In torch 2.x this order coincides with module_params; both are checked
// against torch separately because they are separate contracts.
std::vector<ParamInfo> aten_flat_params(const RnnSpec& spec);

// Gate order in the stacked weights (rows g*H .. (g+1)*H of w_ih, w_hh, b_*):
// LSTM i, f, g, o; GRU r, z, n; RNN a single gate "h".
std::span<const std::string_view> gate_names(RnnSpec::Kind kind);
// Index of a gate by name within gate_names(kind); throws Error naming the
// kind and the known gates.
int gate_index(RnnSpec::Kind kind, std::string_view gate);

}  // namespace rnnconf
