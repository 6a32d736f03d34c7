// `rnnconf list`: the matrix cases, one per line (name, tier, tags).
#include <iostream>

#include "commands.hpp"
#include "rnnconf/conformance/matrix.hpp"

namespace rnnconf::tools {

int cmd_list(const ListArgs& a) {
  const auto cases = conformance::select_cases(conformance::load_matrix(a.root / "conformance" / "matrix.json"),
                                               a.filter, a.tier == "all" ? "" : a.tier);
  for (const auto& c : cases) {
    std::cout << c.name << "\t" << c.tier;  // the tier tells RNN cases (small, large) from models (model)
    for (const auto& t : c.tags) std::cout << "\t" << t;
    std::cout << "\n";
  }
  std::cerr << cases.size() << " case(s)\n";
  return 0;
}

}  // namespace rnnconf::tools
