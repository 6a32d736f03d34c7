// What `rnnconf emit` reads: a SPEC.json in PyTorch's own terms and a folder
// with one `<pytorch parameter name>.dat` per parameter. Bad input is refused
// with rnnconf::Error naming the file and the field (or parameter).
//
// SPEC.json, sequences:
//   {"module": "LSTM" | "GRU" | "RNN", "input_size": 3, "hidden_size": 29,
//    "num_layers": 4, "bias": true, "batch_first": true, "bidirectional": true,
//    "proj_size": 11 (LSTM only), "nonlinearity": "tanh" | "relu" (RNN only),
//    "seq_len": 9, "batch": 2, "initial_state": true, "dtype": "f32" | "f64"}
// cells: "module": "LSTMCell" | "GRUCell" | "RNNCell", without num_layers,
// batch_first, bidirectional, proj_size, seq_len.
// Required: module, input_size, hidden_size, batch, and seq_len for
// sequences. Defaults are PyTorch's (num_layers 1, bias true, batch_first
// false, bidirectional false, proj_size 0, nonlinearity tanh), plus
// initial_state false and dtype f32. Unknown keys are refused.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf::emitter {

RnnSpec parse_spec_json(std::string_view text, const std::string& filename);
RnnSpec read_spec_json(const std::filesystem::path& path);

// The SPEC.json text of a spec (the inverse of parse_spec_json; keys sorted).
std::string spec_json_text(const RnnSpec& spec);

// Reads `<dir>/<name>.dat` for every parameter of module_params(spec);
// refuses a missing file, a .dat that is not a parameter of the spec, and a
// tensor of the wrong shape or dtype (naming the file).
std::map<std::string, Tensor> read_params_dir(const RnnSpec& spec, const std::filesystem::path& dir);

// The same tensors as the aten ops receive them (core's aten_flat_params order).
std::vector<Tensor> aten_flat_list(const RnnSpec& spec, const std::map<std::string, Tensor>& by_name);

}  // namespace rnnconf::emitter
