// PyTorch parameter names, shapes and orders (module and aten entry points)
// and the gate order of each recurrent variant.
#include "rnnconf/core/weight_names.hpp"

#include <array>

namespace rnnconf {

std::string_view role_name(ParamInfo::Role role) {
  switch (role) {
    case ParamInfo::Role::w_ih:
      return "w_ih";
    case ParamInfo::Role::w_hh:
      return "w_hh";
    case ParamInfo::Role::b_ih:
      return "b_ih";
    case ParamInfo::Role::b_hh:
      return "b_hh";
    case ParamInfo::Role::w_hr:
      return "w_hr";
  }
  throw Error("role_name: invalid ParamInfo::Role value " + std::to_string(static_cast<int>(role)));
}

namespace {

using Role = ParamInfo::Role;

void check_param(const RnnSpec& s, int layer, int direction, Role role) {
  auto fail = [&](const char* why) {
    throw Error("parameter " + std::string(role_name(role)) + " of layer " + std::to_string(layer) +
                " direction " + std::to_string(direction) + " of " + to_string(s) + ": " + why);
  };
  if (layer < 0 || layer >= s.layers) fail("layer out of range");
  if (direction < 0 || direction >= s.directions()) fail("direction out of range");
  if ((role == Role::b_ih || role == Role::b_hh) && !s.bias) fail("the spec has no bias");
  if (role == Role::w_hr && s.proj == 0) fail("the spec has no projection");
}

// Parameters of one (layer, direction) in PyTorch order.
void append_group(const RnnSpec& s, int layer, int direction, std::vector<ParamInfo>& out) {
  std::vector<Role> roles{Role::w_ih, Role::w_hh};
  if (s.bias) roles.insert(roles.end(), {Role::b_ih, Role::b_hh});
  if (s.proj > 0) roles.push_back(Role::w_hr);
  for (Role r : roles)
    out.push_back(
        {param_name(s, layer, direction, r), param_shape(s, layer, direction, r), layer, direction, r});
}

std::vector<ParamInfo> per_layer_per_direction(const RnnSpec& s) {
  validate(s);
  std::vector<ParamInfo> out;
  for (int k = 0; k < s.layers; ++k)
    for (int d = 0; d < s.directions(); ++d) append_group(s, k, d, out);
  return out;
}

}  // namespace

std::string param_name(const RnnSpec& s, int layer, int direction, Role role) {
  check_param(s, layer, direction, role);
  std::string base;
  switch (role) {
    case Role::w_ih:
      base = "weight_ih";
      break;
    case Role::w_hh:
      base = "weight_hh";
      break;
    case Role::b_ih:
      base = "bias_ih";
      break;
    case Role::b_hh:
      base = "bias_hh";
      break;
    case Role::w_hr:
      base = "weight_hr";
      break;
  }
  if (s.cell) return base;
  return base + "_l" + std::to_string(layer) + (direction == 1 ? "_reverse" : "");
}

Shape param_shape(const RnnSpec& s, int layer, int direction, Role role) {
  check_param(s, layer, direction, role);
  const int64_t gh = int64_t{s.gates()} * s.H;
  switch (role) {
    case Role::w_ih:
      return {gh, s.layer_input_size(layer)};
    case Role::w_hh:
      return {gh, s.H_out()};
    case Role::b_ih:
    case Role::b_hh:
      return {gh};
    case Role::w_hr:
      return {s.proj, s.H};
  }
  throw Error("param_shape: invalid ParamInfo::Role value " + std::to_string(static_cast<int>(role)));
}

std::vector<ParamInfo> module_params(const RnnSpec& spec) { return per_layer_per_direction(spec); }

std::vector<ParamInfo> aten_flat_params(const RnnSpec& spec) { return per_layer_per_direction(spec); }

namespace {
constexpr std::array<std::string_view, 4> kLstmGates{"i", "f", "g", "o"};
constexpr std::array<std::string_view, 3> kGruGates{"r", "z", "n"};
constexpr std::array<std::string_view, 1> kRnnGates{"h"};
}  // namespace

std::span<const std::string_view> gate_names(RnnSpec::Kind kind) {
  switch (kind) {
    case RnnSpec::Kind::lstm:
      return kLstmGates;
    case RnnSpec::Kind::gru:
      return kGruGates;
    case RnnSpec::Kind::rnn_tanh:
    case RnnSpec::Kind::rnn_relu:
      return kRnnGates;
  }
  throw Error("gate_names: invalid RnnSpec::Kind value " + std::to_string(static_cast<int>(kind)));
}

int gate_index(RnnSpec::Kind kind, std::string_view gate) {
  const auto names = gate_names(kind);
  std::string known;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == gate) return static_cast<int>(i);
    known += (i ? ", " : "") + std::string(names[i]);
  }
  throw Error("gate '" + std::string(gate) + "' is not a gate of " + std::string(kind_name(kind)) +
              " (gates: " + known + ")");
}

}  // namespace rnnconf
