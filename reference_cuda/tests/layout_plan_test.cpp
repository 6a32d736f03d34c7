// Layout plans (layout_plan.hpp) against the CPU interpreter, without a GPU:
// each orchestration op of the exports (transpose, slice, concat, tile,
// reshape, squeeze, unsqueeze, rnn_bidi_pack) on seeded random shapes,
// attributes and values is run once as a one-statement graph by the CPU
// executor and once as plan_layout_op + run_layout_plan_host (the index
// arithmetic the CUDA gather kernel shares); shapes and every bit must be
// equal. Where the CPU op rejects its arguments the plan must decline, and
// vice versa (so the device path never accepts what the CPU refuses).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cuda/layout_plan.hpp"

namespace rnnconf::cuda {
namespace {

std::string list_text(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + std::to_string(v[k]);
  return s + "]";
}

std::filesystem::path source_root() {
  const char* env = std::getenv("RNNCONF_SOURCE_DIR");
  return env != nullptr && *env != 0 ? std::filesystem::path(env) : std::filesystem::path(RNNCONF_SOURCE_DIR);
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct OpCase {
  std::string op;
  std::vector<Shape> inputs;
  LayoutAttributes attributes;
};

// Attributes the ops take as one integer (the others are lists).
bool scalar_attribute(const OpCase& c, const std::string& name) {
  return name == "axis" || name == "axis_start" || name == "axis_count" || (c.op == "rnn_bidi_pack" && name == "shape");
}

// `y = op(x0, ..., attr = ...)` in a graph with inputs x0.. (f32).
nnef::Model one_op_model(const OpCase& c) {
  std::string g = "version 1.0;\nextension tract_registry tract_core;\n";
  if (c.op == "rnn_bidi_pack") g += read_text(source_root() / "fragments" / "rnn_bidi_pack.nnef") + "\n";
  std::string names;
  for (size_t k = 0; k < c.inputs.size(); ++k) names += (k ? ", x" : "x") + std::to_string(k);
  g += "graph g(" + names + ") -> (y)\n{\n";
  for (size_t k = 0; k < c.inputs.size(); ++k)
    g += "  x" + std::to_string(k) + " = tract_core_external(shape = " + list_text(c.inputs[k]) + ", datum_type = 'f32');\n";
  std::string args = c.op == "concat" ? "[" + names + "]" : names;
  for (const auto& [name, v] : c.attributes)
    args += ", " + name + " = " + (scalar_attribute(c, name) ? std::to_string(v.at(0)) : list_text(v));
  g += "  y = " + c.op + "(" + args + ");\n}\n";
  nnef::ModelFiles files;
  files.display_name = "t";
  files.is_archive = true;
  files.graph_name = "t/graph.nnef";
  files.graph_text = g;
  return nnef::load_model_files(std::move(files));
}

// Cases whose values were compared (the rest: both refused).
int compared = 0;

// CPU result (or its error text) vs the plan (or its decline), bit for bit.
void check_case(const OpCase& c, std::mt19937_64& rng, cpu::FragmentMode mode = cpu::FragmentMode::literal) {
  std::string what = c.op;
  for (const auto& s : c.inputs) what += " " + shape_str(s);
  for (const auto& [n, v] : c.attributes) what += " " + n + "=" + list_text(v);
  SCOPED_TRACE(what);
  std::uniform_real_distribution<float> u(-1.0F, 1.0F);
  std::map<std::string, Tensor> inputs;
  std::vector<const float*> ptrs;
  for (size_t k = 0; k < c.inputs.size(); ++k) {
    Tensor t(DType::f32, c.inputs[k]);
    for (float& e : t.span<float>()) e = u(rng);
    inputs.emplace("x" + std::to_string(k), std::move(t));
  }
  for (size_t k = 0; k < c.inputs.size(); ++k) ptrs.push_back(inputs.at("x" + std::to_string(k)).data<float>());

  std::optional<Tensor> want;
  std::string cpu_error;
  try {
    const nnef::Model m = one_op_model(c);
    cpu::RunOptions opt;
    opt.mode = mode;
    want = cpu::run_model(m, inputs, opt).outputs.at("y");
  } catch (const Error& e) {
    cpu_error = e.what();
  }
  std::string why_not;
  const auto plan = plan_layout_op(c.op, c.inputs, c.attributes, why_not);
  if (!want) {
    EXPECT_FALSE(plan.has_value()) << "the CPU refuses (" << cpu_error << ") but the plan accepts";
    return;
  }
  ASSERT_TRUE(plan.has_value()) << "the CPU runs it but the plan declines: " << why_not;
  ASSERT_EQ(plan->out_shape, want->shape());
  // Every output element written exactly once (no gap, no double write).
  if (!plan->alias) {
    std::vector<int> hits(static_cast<size_t>(shape_volume(plan->out_shape)), 0);
    for (const auto& cp : plan->copies)
      for (int64_t i = 0; i < cp.count; ++i) {
        int64_t s = 0, d = 0;
        gather_offsets(cp, i, s, d);
        ASSERT_GE(d, 0);
        ASSERT_LT(d, static_cast<int64_t>(hits.size()));
        ++hits[static_cast<size_t>(d)];
        ASSERT_GE(s, 0);
        ASSERT_LT(s, shape_volume(c.inputs.at(static_cast<size_t>(cp.input))));
      }
    for (int h : hits) ASSERT_EQ(h, 1);
  }
  std::vector<float> got(static_cast<size_t>(shape_volume(plan->out_shape)), std::numeric_limits<float>::quiet_NaN());
  run_layout_plan_host(*plan, ptrs, got.data());
  ASSERT_EQ(got.size(), static_cast<size_t>(want->numel()));
  if (!got.empty()) {
    EXPECT_EQ(std::memcmp(got.data(), want->data<float>(), got.size() * sizeof(float)), 0) << "values differ";
  }
  ++compared;
}

Shape random_shape(std::mt19937_64& rng, int rank, int64_t max_extent = 4) {
  std::uniform_int_distribution<int64_t> e(1, max_extent);
  Shape s(static_cast<size_t>(rank));
  for (auto& x : s) x = e(rng);
  return s;
}

int pick(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

TEST(LayoutPlan, TransposeMatchesCpu) {
  compared = 0;
  std::mt19937_64 rng(101);
  for (int n = 0; n < 60; ++n) {
    const int r = pick(rng, 1, 5);
    const int k = pick(rng, 0, r);  // the first k axes permuted (tract: the rest kept)
    std::vector<int64_t> axes(static_cast<size_t>(k));
    std::iota(axes.begin(), axes.end(), 0);
    std::shuffle(axes.begin(), axes.end(), rng);
    check_case({"transpose", {random_shape(rng, r)}, {{"axes", axes}}}, rng);
  }
  // As in the exports: batch-first <-> time-major.
  check_case({"transpose", {{3, 4, 5}}, {{"axes", {1, 0, 2}}}}, rng);
  check_case({"transpose", {{2, 3}}, {{"axes", {0, 0}}}}, rng);  // not a permutation: both refuse
  EXPECT_EQ(compared, 61);
}

TEST(LayoutPlan, SliceMatchesCpu) {
  compared = 0;
  std::mt19937_64 rng(202);
  for (int n = 0; n < 120; ++n) {
    const int r = pick(rng, 1, 4);
    const Shape s = random_shape(rng, r, 6);
    std::vector<int64_t> axes, begin, end, stride;
    for (int a = 0; a < r; ++a) {
      if (pick(rng, 0, 1) == 0) continue;
      const int ext = static_cast<int>(s[static_cast<size_t>(a)]);
      axes.push_back(a);
      begin.push_back(pick(rng, -ext, ext));
      end.push_back(pick(rng, -ext, ext + 1));
      stride.push_back(pick(rng, 1, 3));
    }
    LayoutAttributes at{{"axes", axes}, {"begin", begin}, {"end", end}, {"stride", stride}};
    if (n % 5 == 0) at["stride"] = {};  // stride = []: 1 on every axis
    check_case({"slice", {s}, at}, rng);
  }
  // As in the exports: h0[k] of a [L·D, B, H] state.
  check_case({"slice", {{4, 3, 7}}, {{"axes", {0}}, {"begin", {1}}, {"end", {2}}, {"stride", {1}}}}, rng);
  check_case({"slice", {{4, 3}}, {{"axes", {0}}, {"begin", {1}}, {"end", {2}}, {"stride", {0}}}}, rng);  // both refuse
  EXPECT_GE(compared, 60) << "too few random slices were valid";
}

TEST(LayoutPlan, ConcatMatchesCpu) {
  compared = 0;
  std::mt19937_64 rng(303);
  for (int n = 0; n < 60; ++n) {
    const int r = pick(rng, 1, 4);
    const int axis = pick(rng, 0, r - 1);
    const Shape base = random_shape(rng, r);
    std::vector<Shape> parts;
    for (int p = pick(rng, 1, 4); p > 0; --p) {
      Shape s = base;
      s[static_cast<size_t>(axis)] = pick(rng, 1, 3);
      parts.push_back(s);
    }
    check_case({"concat", parts, {{"axis", {axis}}}}, rng);
  }
  check_case({"concat", {{1, 3, 7}, {1, 3, 7}, {1, 3, 7}, {1, 3, 7}}, {{"axis", {0}}}}, rng);  // h_n of 2 bidi layers
  check_case({"concat", {{2, 3}, {2, 4}}, {{"axis", {0}}}}, rng);                            // both refuse
  EXPECT_EQ(compared, 61);
}

TEST(LayoutPlan, TileMatchesCpu) {
  compared = 0;
  std::mt19937_64 rng(404);
  for (int n = 0; n < 40; ++n) {
    const int r = pick(rng, 1, 4);
    std::vector<int64_t> reps;
    for (int a = 0; a < r; ++a) reps.push_back(pick(rng, 1, 3));
    check_case({"tile", {random_shape(rng, r)}, {{"repeats", reps}}}, rng);
  }
  check_case({"tile", {{1, 1, 7}}, {{"repeats", {1, 3, 1}}}}, rng);  // the exports' zero initial state
  check_case({"tile", {{1, 2}}, {{"repeats", {1}}}}, rng);           // both refuse
  EXPECT_EQ(compared, 41);
}

TEST(LayoutPlan, ReshapeSqueezeUnsqueezeMatchCpu) {
  compared = 0;
  std::mt19937_64 rng(505);
  check_case({"reshape", {{3, 4, 2, 7}}, {{"shape", {14}}, {"axis_start", {2}}, {"axis_count", {2}}}}, rng);
  check_case({"reshape", {{3, 4, 5}}, {{"shape", {-1}}, {"axis_start", {0}}, {"axis_count", {-1}}}}, rng);
  check_case({"reshape", {{3, 4, 5}}, {{"shape", {0, 2, -1}}, {"axis_start", {0}}, {"axis_count", {-1}}}}, rng);
  check_case({"reshape", {{3, 4, 5}}, {{"shape", {7}}, {"axis_start", {0}}, {"axis_count", {-1}}}}, rng);  // refuse
  for (int n = 0; n < 30; ++n) {
    const int r = pick(rng, 1, 4);
    Shape s = random_shape(rng, r);
    std::vector<int64_t> axes;
    for (int a = 0; a < r; ++a)
      if (pick(rng, 0, 2) == 0) {
        s[static_cast<size_t>(a)] = 1;
        axes.push_back(a);
      }
    check_case({"squeeze", {s}, {{"axes", axes}}}, rng);
    std::vector<int64_t> un;
    for (int a = 0; a <= r; ++a)
      if (pick(rng, 0, 2) == 0) un.push_back(a);
    check_case({"unsqueeze", {random_shape(rng, r)}, {{"axes", un}}}, rng);
  }
  check_case({"squeeze", {{2, 3}}, {{"axes", {0}}}}, rng);  // extent 2: both refuse
  EXPECT_EQ(compared, 63);
}

TEST(LayoutPlan, BidiPackMatchesCpuLiteralAndFused) {
  compared = 0;
  std::mt19937_64 rng(606);
  for (int n = 0; n < 20; ++n) {
    const Shape s = random_shape(rng, 3, 5);
    const OpCase c{"rnn_bidi_pack", {s, s}, {{"shape", {2 * s[2]}}}};
    check_case(c, rng, cpu::FragmentMode::literal);
    check_case(c, rng, cpu::FragmentMode::fused);
  }
  check_case({"rnn_bidi_pack", {{3, 2, 4}, {3, 2, 4}}, {{"shape", {4}}}}, rng);  // shape != 2H: both refuse
  EXPECT_EQ(compared, 40);
}

TEST(LayoutPlan, DeclinesWhatTheDeviceCannotRun) {
  std::string why;
  EXPECT_FALSE(plan_layout_op("add", {{2}, {2}}, {}, why));
  EXPECT_NE(why.find("not a layout op"), std::string::npos) << why;
  EXPECT_FALSE(plan_layout_op("transpose", {{1, 1, 1, 1, 1, 1, 2}}, {{"axes", {1, 0}}}, why));
  EXPECT_NE(why.find("rank 7"), std::string::npos) << why;
  EXPECT_FALSE(plan_layout_op("transpose", {{2, 3}}, {}, why));
  EXPECT_NE(why.find("'axes' missing"), std::string::npos) << why;
  EXPECT_FALSE(plan_layout_op("concat", {{2, 3}}, {{"axis", {0, 1}}}, why));
  EXPECT_NE(why.find("not one integer"), std::string::npos) << why;
}

}  // namespace
}  // namespace rnnconf::cuda
