// `rnnconf emit` and `rnnconf diff` (issue 6, the emitter): declarations for
// rnnconf_main.cpp to wire to CLI11. Both return the exit code and throw
// rnnconf::Error for bad input.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace rnnconf::tools {

// rnnconf emit SPEC.json --params DIR -o MODEL [--entry module|aten]
struct EmitArgs {
  std::filesystem::path spec;    // SPEC.json in PyTorch's terms (emitter/include/rnnconf/emitter/emit_inputs.hpp)
  std::filesystem::path params;  // folder of <pytorch parameter name>.dat
  std::filesystem::path output;  // folder, .tar or .tgz
  std::string entry = "module";  // module | aten: which entry point adapts the weights (same bytes)
};
int cmd_emit(const EmitArgs& a);  // 0 on success

// rnnconf diff A B [--context N] [--ignore-labels]
struct DiffArgs {
  std::filesystem::path a, b;  // models (folder, .tar, .tgz) or bare graph.nnef files
  size_t context = 3;          // statements shown around the first difference
  bool ignore_labels = false;  // compare variables by position (t2n's aten labels differ)
};
int cmd_diff(const DiffArgs& a);  // 0 identical, 1 differs

}  // namespace rnnconf::tools
