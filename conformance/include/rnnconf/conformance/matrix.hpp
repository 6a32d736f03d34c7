// The conformance matrix (conformance/matrix.json): every RNN case by its
// canonical RnnSpec name, with its tier ("small" committed, "large" on demand)
// and free-form tags; and the model tier: whole torch.nn models (kind
// "model", tier "model", named model_<snake>) around RNN layers, which have no
// RnnSpec. Shared with goldens/ (Python), which reads the same file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"

namespace rnnconf::conformance {

struct MatrixCase {
  std::string name;
  RnnSpec spec;               // RNN cases only (kind "rnn"); default for model cases
  std::string tier;           // "small" | "large" (kind "rnn") | "model" (kind "model")
  std::string kind = "rnn";  // "rnn": one RNN layer or cell | "model": a whole model
  std::vector<std::string> tags;

  bool is_model() const { return kind == "model"; }
};

// Reads and validates the matrix: every name is unique; an RNN case's name
// parses as an RnnSpec and is canonical, its tier small or large; a model
// case's name is model_[a-z0-9_]+ and its tier "model". Errors name the file,
// the case index and the field.
std::vector<MatrixCase> load_matrix(const std::filesystem::path& path);

// The tiers `rnnconf run` selects without --tier.
inline constexpr const char* kDefaultRunTiers = "small,model";

// Cases whose name matches `regex` (ECMAScript, searched anywhere; empty = all)
// and whose tier is one of `tiers` (a comma list such as "small,model";
// empty = every tier).
std::vector<MatrixCase> select_cases(const std::vector<MatrixCase>& cases, const std::string& regex,
                                     const std::string& tiers);

// Where a case's goldens live under the repository root: the committed small
// tier in goldens/data/<case>, the model tier in goldens/models/<case> (same
// layout), the large tier (generated on demand by
// `./ci/python goldens/generate.py --tier large`, never committed) in
// build/goldens-large/<case>.
std::filesystem::path golden_dir(const std::filesystem::path& root, const MatrixCase& c);

}  // namespace rnnconf::conformance
