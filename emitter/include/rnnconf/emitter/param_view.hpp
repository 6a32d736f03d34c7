// The one internal view of a recurrent layer's weights that every emission
// line reads: per (layer, direction) the PyTorch tensors w_ih, w_hh, b_ih,
// b_hh, w_hr. The two entry points of the exporter adapt to it:
//   * view_from_module: PyTorch parameter name -> tensor (named_parameters()),
//   * view_from_aten:   the flat list the aten ops receive (_flat_weights).
// Both check every tensor (presence, no extras, shape, dtype) against
// core's module_params / aten_flat_params, so the emission never sees a
// malformed weight.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf::emitter {

struct DirectionParams {
  int layer = 0;
  int direction = 0;  // 0 forward, 1 reverse
  Tensor w_ih;        // [G*H, in_k]
  Tensor w_hh;        // [G*H, H_out]
  std::optional<Tensor> b_ih;  // [G*H], absent when bias = false
  std::optional<Tensor> b_hh;  // [G*H]
  std::optional<Tensor> w_hr;  // [P, H], LSTM with proj_size only
};

// Index layer * directions + direction; a cell has exactly one entry.
using ParamView = std::vector<DirectionParams>;

// Throws rnnconf::Error naming the parameter for a missing, unexpected,
// wrongly shaped or wrongly typed tensor. `origin` prefixes the messages
// (e.g. the params folder).
ParamView view_from_module(const RnnSpec& spec, const std::map<std::string, Tensor>& by_name,
                           const std::string& origin = "module parameters");
ParamView view_from_aten(const RnnSpec& spec, std::span<const Tensor> flat,
                         const std::string& origin = "aten flat parameter list");

}  // namespace rnnconf::emitter
