// Known exporter defects (conformance/expectations.json), in the spirit of
// web-platform-tests expectation files: a case listed here is expected to fail
// (or to be mistrusted) with the pinned exporter. CI stays green on known
// failures, reports "unexpected pass" when a fix makes one pass, and fails on
// any new failure.
//
// An entry may carry a condition, as WPT metadata does:
//   {"case": ..., "verdict": ..., "reason": ..., "when": {"device": "cuda", "mode": ["fused"]}}
// keys `engine` (cpu, cpu-literal, cuda), `device` (cpu, cuda), `mode` (fused,
// literal), `exporter` (torch_to_nnef releases, e.g. "0.20.1"), each a value or
// a list of values; every key given must match.
// An entry without `when` applies everywhere. For a run, the first entry of
// the case (file order) whose condition matches wins, conditional entries
// before the unconditional one; so a CUDA-only deviation is recorded without
// touching the CPU verdict, and the report says which condition matched.
//
// `exporter` is the release of torch_to_nnef that made the export under test
// (`rnnconf exporter-ci --exporter-release`, conformance/exporter_ci/). The
// committed exports, and so every run of `rnnconf run`, are the pinned
// release's: their context names no release, so an `exporter` condition never
// matches there and the unconditional entries keep describing the pinned
// release exactly. A conditional entry may also expect PASS (a release without
// a defect the pinned one has) or FAIL_LOAD (our loader refuses that release's
// export; tract is not run on it).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace rnnconf::conformance {

// Where a case runs: what a `when` condition is matched against.
struct ExpectationContext {
  std::string engine;  // cpu, cpu-literal, cuda
  std::string device;  // cpu, cuda
  std::string mode;    // fused, literal
  std::string exporter;  // torch_to_nnef release of the export under test; "" = the pinned release
};

// The engine that actually runs (device, mode): fused on the CPU is `cpu`,
// literal anywhere is `cpu-literal` (fragment bodies are interpreted on the
// CPU even when the device is cuda), fused on CUDA is `cuda`.
// EXPORTER: the release under test ("" for the committed exports).
ExpectationContext expectation_context(const std::string& device, const std::string& mode,
                                       const std::string& exporter = "");

struct Expectation {
  std::string case_name;
  std::string verdict;     // FAIL_NUMERIC, FAIL_EXPORT, FAIL_TRACT_RUN, MISTRUSTED; conditional: also PASS, FAIL_LOAD
  std::string reason;      // one line, the triage of the defect
  std::string first_seen;  // versions
  // Condition key -> accepted values; empty: applies everywhere.
  std::map<std::string, std::vector<std::string>> when;

  // Every FAIL_* verdict means "the export does not compute what PyTorch does".
  bool expects_failure() const { return verdict.rfind("FAIL_", 0) == 0; }
  bool applies(const ExpectationContext& ctx) const;
  // "device=cuda, mode=fused|literal"; "" for an unconditional entry.
  std::string condition_text() const;
};

class Expectations {
 public:
  Expectations() = default;
  // Errors name the file and the entry (index, field, bad key or value).
  static Expectations load(const std::filesystem::path& path);
  // The entry that applies to `case_name` run in `ctx`, or nullptr.
  const Expectation* find(const std::string& case_name, const ExpectationContext& ctx) const;
  // The unconditional entry of `case_name` (one that applies everywhere), or nullptr.
  const Expectation* find(const std::string& case_name) const;
  size_t size() const;  // entries, conditional ones included
  size_t count(const std::string& case_name) const;  // entries of the case, conditional ones included

 private:
  std::map<std::string, std::vector<Expectation>> by_case_;  // per case: file order
};

}  // namespace rnnconf::conformance
