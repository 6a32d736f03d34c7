// `rnnconf dump-graph MODEL`: the model as the executor sees it, one line per
// statement (tract's habit of a graph you can print at every node). The
// shape-inference run stops at the memory budget (the dump says where) and at
// --timeout (the dump is printed, then exit code 124).
#include <iostream>

#include "commands.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::tools {

int cmd_dump_graph(const std::filesystem::path& model_path, const ResourceArgs& resource_args) {
  return run_with_limits(resource_args, [&](const CommandLimits& limits) {
    const nnef::Model model = nnef::load_model(model_path);
    std::cout << cpu::describe_model(model, limits.deadline());
    if (limits.deadline().passed())
      throw Error(SourceLocation::in_file(model.files.graph_name),
                  limits.deadline().ran_out() + " during shape inference (see the dump above)");
    return 0;
  });
}

}  // namespace rnnconf::tools
