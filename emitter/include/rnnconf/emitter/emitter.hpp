// rnnconf's own writer of the torch_to_nnef-style NNEF export of a PyTorch
// recurrent layer (tract dialect): same statement structure, names, labels
// and fragment signatures as torch_to_nnef 0.24.12, so `rnnconf diff` can
// compare statement by statement, but correct where the exporter is not
// (PyTorch is the authority):
//   * initial state of (layer k, direction d) = h0[k * D + d] (and c0),
//   * rnn_bidi_pack(shape = 2 * H_out), H_out = proj_size when projecting,
//   * the projection is honoured on every path (module and aten),
//   * cells always go through the *_cell fragments, with a tiled zero state
//     when no state is given.
// Two entry points (PyTorch parameter names, aten flat list) adapt to one
// ParamView and share every line of emission: byte-identical outputs.
// Deterministic: no dates, hosts, paths, no tract_core_properties.
#pragma once

#include <filesystem>
#include <map>
#include <span>
#include <string>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/core/tensor.hpp"
#include "rnnconf/emitter/param_view.hpp"

namespace rnnconf::emitter {

struct EmittedModel {
  std::string graph_text;                  // graph.nnef
  std::map<std::string, Tensor> variables;  // by label ("m.l0_w_ii" -> m.l0_w_ii.dat)
  friend bool operator==(const EmittedModel&, const EmittedModel&) = default;
};

// Module entry point: PyTorch parameter name ("weight_ih_l0_reverse") -> tensor.
EmittedModel emit_module(const RnnSpec& spec, const std::map<std::string, Tensor>& params_by_name);
// Aten entry point: the flat list in aten order (core's aten_flat_params).
EmittedModel emit_aten(const RnnSpec& spec, std::span<const Tensor> flat_params);
// The shared emission both entry points end in.
EmittedModel emit_from_view(const RnnSpec& spec, const ParamView& view);

// Writes graph.nnef and one .dat per variable: a folder, .tar or .tgz
// (nnef::write_model; deterministic bytes).
void write_emitted(const EmittedModel& model, const std::filesystem::path& out);

}  // namespace rnnconf::emitter
