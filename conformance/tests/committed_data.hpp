// Test support: the committed matrix (small tier), policy and expectations,
// loaded once per test binary.
#pragma once

#include <filesystem>
#include <vector>

#include "rnnconf/conformance/expectations.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/policy.hpp"

namespace rnnconf::conformance::test_data {

inline const std::filesystem::path kRoot = RNNCONF_SOURCE_DIR;

struct CommittedData {
  std::vector<MatrixCase> cases = select_cases(load_matrix(kRoot / "conformance" / "matrix.json"), "", "small");
  Policy policy = load_policy(kRoot / "conformance" / "POLICY.md");
  Expectations expectations = Expectations::load(kRoot / "conformance" / "expectations.json");
};

inline const CommittedData& committed_data() {
  static const CommittedData d;
  return d;
}

}  // namespace rnnconf::conformance::test_data
