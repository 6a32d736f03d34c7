// Known exporter defects (conformance/expectations.json), in the spirit of
// web-platform-tests expectation files: a case listed here is expected to fail
// (or to be mistrusted) with the pinned exporter. CI stays green on known
// failures, reports "unexpected pass" when a fix makes one pass, and fails on
// any new failure.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace rnnconf::conformance {

struct Expectation {
  std::string case_name;
  std::string verdict;     // FAIL_NUMERIC, FAIL_EXPORT, FAIL_TRACT_RUN, MISTRUSTED
  std::string reason;      // one line, the triage of the defect
  std::string first_seen;  // versions
  // Every FAIL_* verdict means "the export does not compute what PyTorch does".
  bool expects_failure() const { return verdict.rfind("FAIL_", 0) == 0; }
};

class Expectations {
 public:
  Expectations() = default;
  static Expectations load(const std::filesystem::path& path);
  const Expectation* find(const std::string& case_name) const;
  size_t size() const { return by_case_.size(); }

 private:
  std::map<std::string, Expectation> by_case_;
};

}  // namespace rnnconf::conformance
