// `rnnconf mutants`: the mutant matrix and its table (mutant_matrix.hpp).
// Exit 1 when a semantic mutant survives somewhere, the one-ULP mutant is
// killed somewhere, or triage names the right class for fewer than 80% of
// the semantic mutants.
#include <fstream>
#include <iostream>

#include "rnnconf/conformance/mutant_matrix.hpp"
#include "rnnconf/core/error.hpp"
#include "triage_commands.hpp"

namespace rnnconf::tools {

using namespace rnnconf::conformance;

int cmd_mutants(const MutantsArgs& a) {
  MutantMatrixConfig cfg;
  cfg.root = a.root;
  cfg.mutant_filter = a.filter;
  cfg.engine = a.engine;
  const auto rows = run_mutant_matrix(cfg, [](const MutantRow& r) {
    std::cerr << "mutant " << r.mutant << ": killed " << r.killed << "/" << r.applicable << "\n";
  });
  std::cout << format_mutant_table(rows, false);
  if (!a.markdown.empty()) {
    std::ofstream out(a.markdown);
    if (!out) throw Error("cannot write " + a.markdown);
    out << format_mutant_table(rows, true);
  }
  int semantic = 0, named = 0;
  bool all_ok = true;
  for (const auto& r : rows) {
    all_ok = all_ok && r.ok();
    if (r.must_survive) continue;
    ++semantic;
    named += r.killed > 0 && 2 * r.triage_right > r.killed ? 1 : 0;
  }
  const bool triage_ok = semantic == 0 || 5 * named >= 4 * semantic;
  if (!all_ok) std::cout << "FAILED: a semantic mutant survived or the one-ULP mutant was killed\n";
  if (!triage_ok) std::cout << "FAILED: triage names the right class for fewer than 80% of the semantic mutants\n";
  return all_ok && triage_ok ? 0 : 1;
}

}  // namespace rnnconf::tools
