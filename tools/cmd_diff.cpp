// `rnnconf diff A B`: statement-level comparison of two NNEF exports (graph
// signature and statements; fragment bodies and tract_core_properties ignored).
#include <iostream>

#include "emit_commands.hpp"
#include "rnnconf/emitter/statement_diff.hpp"

namespace rnnconf::tools {

int cmd_diff(const DiffArgs& a) {
  emitter::DiffOptions options;
  options.ignore_labels = a.ignore_labels;
  const emitter::StatementDiff d = emitter::diff_models(a.a, a.b, options);
  std::cout << emitter::format_statement_diff(d, a.a.string(), a.b.string(), a.context);
  return d.identical ? 0 : 1;
}

}  // namespace rnnconf::tools
