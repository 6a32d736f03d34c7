// The state of one emission: the graph body being written and the variables
// declared so far (by label). Shared by the sequence and cell orchestration.
#pragma once

#include <map>
#include <string>

#include "graph_text.hpp"
#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/emitter/param_view.hpp"

namespace rnnconf::emitter::detail {

struct Emission {
  GraphBody body;
  std::map<std::string, Tensor> variables;

  // `<identifier_for_label(label)> = variable<scalar>(label = ..., shape = ...);`
  // and the tensor under `label`; returns the identifier. A label declared
  // twice is an emitter bug: Error.
  std::string declare(const std::string& label, Tensor value);
};

// Graph statements after the inputs: multi-layer, bidirectional,
// batch_first, state set-up, one fragment call per (layer, direction).
void emit_sequence_body(const RnnSpec& spec, const ParamView& view, Emission& out);
// Graph statements after the inputs for a cell: one *_cell fragment call.
void emit_cell_body(const RnnSpec& spec, const ParamView& view, Emission& out);

}  // namespace rnnconf::emitter::detail
