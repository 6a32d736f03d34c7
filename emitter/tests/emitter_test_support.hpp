// Shared helpers of the emitter tests: the repository root, the small-tier
// cases of conformance/matrix.json that have goldens, their specs and params.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/emitter/emit_inputs.hpp"

namespace rnnconf::emitter::testing {

inline std::filesystem::path repo_root() {
  if (const char* env = std::getenv("RNNCONF_SOURCE_DIR")) return env;
  return RNNCONF_SOURCE_DIR;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::filesystem::path case_dir(const std::string& name) { return repo_root() / "goldens" / "data" / name; }

// Small-tier matrix cases whose golden folder exists.
inline std::vector<std::string> small_cases() {
  const auto matrix = nlohmann::json::parse(read_text(repo_root() / "conformance" / "matrix.json"));
  std::vector<std::string> out;
  for (const auto& c : matrix.at("cases"))
    if (c.value("tier", "") == "small" && std::filesystem::exists(case_dir(c.at("name").get<std::string>()) / "meta.json"))
      out.push_back(c.at("name").get<std::string>());
  return out;
}

inline RnnSpec case_spec(const std::string& name) { return parse_rnn_spec(name); }

inline std::map<std::string, Tensor> case_params(const std::string& name) {
  return read_params_dir(case_spec(name), case_dir(name) / "params");
}

}  // namespace rnnconf::emitter::testing
