// The conformance matrix (conformance/matrix.json): every case by its
// canonical RnnSpec name, with its tier ("small" committed, "large" on demand)
// and free-form tags. Shared with goldens/ (Python), which reads the same file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"

namespace rnnconf::conformance {

struct MatrixCase {
  std::string name;
  RnnSpec spec;
  std::string tier;
  std::vector<std::string> tags;
};

// Reads and validates the matrix: every name parses, is canonical and unique.
// Errors name the file, the case index and the field.
std::vector<MatrixCase> load_matrix(const std::filesystem::path& path);

// Cases whose name matches `regex` (ECMAScript, searched anywhere; empty = all)
// and whose tier equals `tier` (empty = every tier).
std::vector<MatrixCase> select_cases(const std::vector<MatrixCase>& cases, const std::string& regex,
                                     const std::string& tier);

// Where a case's goldens live under the repository root: the committed small
// tier in goldens/data/<case>, the large tier (generated on demand by
// `./ci/python goldens/generate.py --tier large`, never committed) in
// build/goldens-large/<case>.
std::filesystem::path golden_dir(const std::filesystem::path& root, const MatrixCase& c);

}  // namespace rnnconf::conformance
