// Fused cell kernels bound to the pinned torch_to_nnef cell fragments
// (lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell). The golden exports call
// only lstm_cell (other cells go through primitives), so each cell fragment
// is read at test time from the installed torch_to_nnef package (never
// copied into the repository), wrapped in a small graph with random weights,
// and run fused and literal in f32 and f64. Skipped, with the reason, when
// the package is not installed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "executor_test_support.hpp"

namespace rnnconf::cpu {
namespace {

namespace fs = std::filesystem;
using namespace testing;

fs::path fragment_dir() {
  if (const char* d = std::getenv("RNNCONF_T2N_FRAGMENTS")) return d;
  return "";  // ci/test.sh sets it from the project venv (ci/python)
}

// The fragment definitions of a torch_to_nnef file (its own version and
// extension lines dropped: the graph supplies them).
std::string fragment_text(const std::string& name) {
  std::ifstream in(fragment_dir() / (name + ".nnef"));
  std::string line, out;
  while (std::getline(in, line))
    if (line.rfind("version", 0) != 0 && line.rfind("extension", 0) != 0) out += line + "\n";
  return out;
}

Tensor random(Shape s, uint32_t seed) {
  Tensor t(DType::f32, s);
  uint32_t x = seed * 2654435761u + 12345u;
  for (auto& v : t.span<float>()) {
    x = x * 1664525u + 1013904223u;
    v = static_cast<float>(x >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  return t;
}

double max_diff(const Tensor& a, const Tensor& b) {
  const Tensor x = a.cast(DType::f64), y = b.cast(DType::f64);
  double m = 0;
  for (size_t k = 0; k < x.span<double>().size(); ++k) {
    const double d = std::abs(x.span<double>()[k] - y.span<double>()[k]);
    m = d == d ? std::max(m, d) : std::numeric_limits<double>::infinity();
  }
  return m;
}

struct CellCase {
  std::string fragment;
  int64_t gates;
};

class FusedCells : public ::testing::TestWithParam<CellCase> {};

TEST_P(FusedCells, FusedMatchesLiteral) {
  const CellCase c = GetParam();
  if (!fs::exists(fragment_dir() / (c.fragment + ".nnef")))
    GTEST_SKIP() << "torch_to_nnef fragments not found at " << fragment_dir() << " (set RNNCONF_T2N_FRAGMENTS)";
  const int64_t B = 3, I = 5, H = 7, G = c.gates;
  const bool lstm = c.fragment == "lstm_cell", gru = c.fragment == "gru_cell";
  std::ostringstream g;
  g << "version 1.0;\nextension tract_registry tract_core;\n" << fragment_text(c.fragment) << "\ngraph g(x, h"
    << (lstm ? ", c" : "") << ") -> (y" << (lstm ? ", cy" : "") << ")\n{\n"
    << "    x = tract_core_external(shape = [3, 5], datum_type = 'f32');\n"
    << "    h = tract_core_external(shape = [3, 7], datum_type = 'f32');\n";
  if (lstm) g << "    c = tract_core_external(shape = [3, 7], datum_type = 'f32');\n";
  g << "    w_ih = variable<scalar>(label = 'w_ih', shape = [" << G * H << ", 5]);\n"
    << "    w_hh = variable<scalar>(label = 'w_hh', shape = [" << G * H << ", 7]);\n"
    << "    b1 = variable<scalar>(label = 'b1', shape = [1, " << G * H << "]);\n"
    << "    b2 = variable<scalar>(label = 'b2', shape = [1, " << G * H << "]);\n";
  if (lstm) g << "    y, cy = lstm_cell(x, h, c, w_ih, w_hh, b1, i_end = 7, f_end = 14, g_end = 21, o_end = 28);\n";
  else if (gru) g << "    y = gru_cell(x, h, w_ih, w_hh, b1, b2, r_end = 7, z_end = 14, n_end = 21);\n";
  else g << "    y = " << c.fragment << "(x, h, w_ih, w_hh, b1);\n";
  g << "}\n";
  const nnef::Model m = model_from_text(g.str(), {{"w_ih", random({G * H, I}, 1)},
                                                  {"w_hh", random({G * H, H}, 2)},
                                                  {"b1", random({1, G * H}, 3)},
                                                  {"b2", random({1, G * H}, 4)}});
  std::map<std::string, Tensor> in{{"x", random({B, I}, 5)}, {"h", random({B, H}, 6)}};
  if (lstm) in.emplace("c", random({B, H}, 7));
  for (Precision p : {Precision::f32, Precision::f64}) {
    const RunResult fused = run_model(m, in, RunOptions{p, FragmentMode::fused, false});
    const RunResult literal = run_model(m, in, RunOptions{p, FragmentMode::literal, false});
    ASSERT_EQ(fused.calls.size(), 1u);
    EXPECT_TRUE(fused.calls[0].fused) << c.fragment << ": " << (fused.warnings.empty() ? "" : fused.warnings[0]);
    EXPECT_FALSE(literal.calls[0].fused);
    for (const auto& [name, t] : literal.outputs) {
      // Same bounds as the golden sweep (executor_test.cpp): 1e-5 in f32, 1e-12 in f64.
      EXPECT_LE(max_diff(fused.outputs.at(name), t), p == Precision::f32 ? 1e-5 : 1e-12) << c.fragment << " " << name;
      EXPECT_EQ(fused.outputs.at(name).shape(), t.shape());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TorchToNnefCells, FusedCells,
                         ::testing::Values(CellCase{"lstm_cell", 4}, CellCase{"gru_cell", 3},
                                           CellCase{"rnn_tanh_cell", 1}, CellCase{"rnn_relu_cell", 1}),
                         [](const ::testing::TestParamInfo<CellCase>& p) { return p.param.fragment; });

}  // namespace
}  // namespace rnnconf::cpu
