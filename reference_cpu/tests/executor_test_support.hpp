// Helpers for the executor tests: models from NNEF text held in memory,
// small tensors, and running a graph.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "rnnconf/nnef/dat.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::cpu::testing {

// A model from graph.nnef text (a "version 1.0;" header is added when the
// text has none) and variables by label. Files are named "t/graph.nnef".
inline nnef::Model model_from_text(const std::string& text, const std::map<std::string, Tensor>& vars = {}) {
  nnef::ModelFiles files;
  files.display_name = "t";
  files.is_archive = true;
  files.graph_name = "t/graph.nnef";
  files.graph_text = text.rfind("version", 0) == 0 ? text : "version 1.0;\nextension tract_registry tract_core;\n" + text;
  for (const auto& [label, t] : vars) {
    const auto bytes = nnef::write_dat(t);
    files.members.emplace(label + ".dat", MeteredBytes(bytes.begin(), bytes.end()));
  }
  return nnef::load_model_files(std::move(files));
}

inline Tensor f32(Shape shape, std::vector<float> v) { return Tensor::from<float>(std::move(shape), v); }

inline std::vector<float> values(const Tensor& t) {
  auto s = t.span<float>();
  return {s.begin(), s.end()};
}

inline RunOptions literal_f32() { return RunOptions{Precision::f32, FragmentMode::literal, false}; }
inline RunOptions fused_f32() { return RunOptions{Precision::f32, FragmentMode::fused, false}; }

// Runs a one-output graph; returns that output.
inline Tensor run1(const std::string& text, const std::map<std::string, Tensor>& inputs,
                   const std::map<std::string, Tensor>& vars = {}) {
  const nnef::Model m = model_from_text(text, vars);
  RunResult r = run_model(m, inputs, literal_f32());
  EXPECT_EQ(r.outputs.size(), 1u);
  return r.outputs.begin()->second;
}

// The message of the Error a graph run throws ("" when none is thrown).
inline std::string run_error(const std::string& text, const std::map<std::string, Tensor>& inputs,
                             const std::map<std::string, Tensor>& vars = {}) {
  try {
    const nnef::Model m = model_from_text(text, vars);
    run_model(m, inputs, literal_f32());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace rnnconf::cpu::testing

namespace rnnconf::cpu::testing {

// graph.nnef text: line 1 version, 2 extension, 3 `graph g(...) -> (...)`,
// 4 `{`, then statement k (0-based) on line 5 + k.
inline std::string graph_text(const std::string& inputs, const std::string& outputs,
                              const std::vector<std::string>& statements, const std::string& fragments = "") {
  std::string s = "version 1.0;\nextension tract_registry tract_core;\n";
  if (!fragments.empty()) throw std::logic_error("use fragments_then_graph");
  s += "graph g(" + inputs + ") -> (" + outputs + ")\n{\n";
  for (const auto& st : statements) s += "    " + st + "\n";
  return s + "}\n";
}

inline std::string ext(const std::string& name, const std::string& shape) {
  return name + " = tract_core_external(shape = " + shape + ", datum_type = 'f32');";
}

}  // namespace rnnconf::cpu::testing
