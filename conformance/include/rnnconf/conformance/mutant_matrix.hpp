// The mutant matrix (`rnnconf mutants`): every planted mutant (mutants.hpp)
// against every matrix case it applies to, with the verdict of the runner and
// the class triage names. A semantic mutant must be killed wherever it applies
// (the policy is strict enough); the one-ULP mutant must survive everywhere
// (the policy is not absurdly strict); triage should name the mutant's class.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "rnnconf/conformance/mutants.hpp"

namespace rnnconf::conformance {

struct MutantRow {
  std::string mutant;
  std::string cause_class;    // what triage should name ("none": must survive)
  bool must_survive = false;
  int applicable = 0;         // cases that pass unmutated, not mistrusted, where the mutant edited something
  int killed = 0;             // of those, failed by the runner
  int triage_right = 0;       // of the killed, triage named cause_class
  std::vector<std::string> survivors;        // cases where a semantic mutant was not killed (or the ULP one was)
  std::string example_case, example_triage;  // first killed case and its triage line
  std::string example_class;                 // the class triage named there
  bool ok() const { return applicable > 0 && (must_survive ? killed == 0 : killed == applicable); }
};

struct MutantMatrixConfig {
  std::filesystem::path root;
  std::string mutant_filter;  // regex on mutant names (empty = all)
  std::string case_filter;    // regex on case names (empty = all small cases)
  // The engine the mutated models run on: cpu or cpu-literal (they are run
  // in process from memory on reference_cpu; Error for any other engine).
  std::string engine = "cpu";
};

std::vector<MutantRow> run_mutant_matrix(const MutantMatrixConfig& cfg,
                                         const std::function<void(const MutantRow&)>& on_row = {});

// The table: "mutant | class | killed/applicable | triage right | example triage".
std::string format_mutant_table(const std::vector<MutantRow>& rows, bool markdown);

}  // namespace rnnconf::conformance
