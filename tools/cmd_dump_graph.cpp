// `rnnconf dump-graph MODEL`: the model as the executor sees it, one line per
// statement (tract's habit of a graph you can print at every node).
#include <iostream>

#include "commands.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::tools {

int cmd_dump_graph(const std::filesystem::path& model_path) {
  const nnef::Model model = nnef::load_model(model_path);
  std::cout << cpu::describe_model(model);
  return 0;
}

}  // namespace rnnconf::tools
