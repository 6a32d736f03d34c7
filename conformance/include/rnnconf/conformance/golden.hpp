// One golden case on disk (goldens/data/<case>/, written by goldens/generate.py):
// inputs, PyTorch float32 outputs, float64 truth, per-step float64 states, the
// torch_to_nnef export and tract's outputs on it, plus meta.json.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::conformance {

struct Golden {
  std::filesystem::path dir;
  std::string name;
  std::vector<std::string> input_names;   // graph input order: x, h0, c0
  std::vector<std::string> output_names;  // y, hn, cn / h1, c1
  std::map<std::string, Tensor> inputs;
  std::map<std::string, Tensor> torch_f32;
  std::map<std::string, Tensor> truth;
  std::optional<std::filesystem::path> export_path;  // absent when the export failed
  std::string export_status;                         // "ok" or the recorded failure
  std::string export_error;
  std::string export_path_kind;                      // "fragment" / "primitives"
  bool mistrusted_by_generator = false;
};

// Loads a golden folder; errors name the folder and the file.
Golden load_golden(const std::filesystem::path& dir);

// Per-step float64 states for triage: states_f64/<name>.dat (h_l0_fwd, c_l1_bwd, ...).
std::map<std::string, Tensor> load_golden_states(const std::filesystem::path& dir);

}  // namespace rnnconf::conformance
