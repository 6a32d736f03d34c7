// A loaded NNEF model: its files, the parsed and checked document (tract
// dialect) and every graph `variable` read from its .dat member, keyed by the
// identifier the variable is assigned to. This is what executors run.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "rnnconf/core/tensor.hpp"
#include "rnnconf/nnef/ast.hpp"
#include "rnnconf/nnef/container.hpp"

namespace rnnconf::nnef {

struct Model {
  ModelFiles files;
  Document doc;  // has a graph (load_model refuses fragment-only files)
  // Tensor of each `x = variable<T>(shape = ..., label = ...)` by its LHS `x`,
  // checked against the declared shape and dtype.
  std::map<std::string, Tensor> variables;
  // LHS identifier -> label, for tools and error messages.
  std::map<std::string, std::string> variable_labels;
};

// Opens the container (folder, .tar, .tgz), parses graph.nnef in the tract
// dialect, runs the static checks and reads every variable. Errors are
// rnnconf::Error naming the file and, for variables, graph.nnef line:col.
Model load_model(const std::filesystem::path& path);

// The same from already opened files (tests build models in memory).
Model load_model_files(ModelFiles files);

}  // namespace rnnconf::nnef
