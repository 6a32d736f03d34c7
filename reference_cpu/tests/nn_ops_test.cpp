// The neural-network ops (ops_nn_*.cpp, linear in ops_linalg.cpp) on small
// hand-computed cases, through one-statement graphs so that errors carry
// graph.nnef line:col: conv (padding pairs and tract's [] = SameUpper,
// stride, dilation, groups, bias shapes), batch_normalization, linear on
// rank > 2 (tract), leaky_relu, tract_core_erf, softmax and
// tract_core_log_softmax (several axes, the single-integer axis torch_to_nnef
// writes), the reductions (several axes, NaN, argmax ties -> first index as
// PyTorch), float32 and float64, and the shape errors naming op, shapes and
// line. Their agreement with PyTorch float64 on real exports is
// layer_exports_test.cpp's.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <utility>

#include "executor_test_support.hpp"

namespace rnnconf::cpu {
namespace {

using namespace testing;
using Inputs = std::vector<std::pair<std::string, Tensor>>;

Tensor iota(Shape s) {
  Tensor t(DType::f32, s);
  auto v = t.span<float>();
  for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>(k);
  return t;
}

std::string graph_for(const std::string& expr, const Inputs& inputs) {
  std::vector<std::string> st;
  std::string names;
  for (const auto& [n, t] : inputs) {
    st.push_back(ext(n, shape_str(t.shape())));
    names += (names.empty() ? "" : ", ") + n;
  }
  st.push_back("z = " + expr + ";");
  return graph_text(names, "z", st);
}

// Runs `z = <expr>;` (statement on graph.nnef line 5 + number of inputs).
Tensor run_expr(const std::string& expr, const Inputs& inputs, Precision p = Precision::f32) {
  const nnef::Model m = model_from_text(graph_for(expr, inputs));
  std::map<std::string, Tensor> in(inputs.begin(), inputs.end());
  RunResult r = run_model(m, in, RunOptions{p, FragmentMode::literal, false});
  EXPECT_EQ(r.outputs.size(), 1u);
  return r.outputs.begin()->second;
}

std::string expr_error(const std::string& expr, const Inputs& inputs) {
  std::map<std::string, Tensor> in(inputs.begin(), inputs.end());
  return run_error(graph_for(expr, inputs), in);
}

std::vector<double> as_doubles(const Tensor& t) {
  std::vector<double> v;
  if (t.dtype() == DType::f32)
    for (float x : t.span<float>()) v.push_back(x);
  else
    for (double x : t.span<double>()) v.push_back(x);
  return v;
}

std::vector<int64_t> as_ints(const Tensor& t) {
  auto s = t.span<int64_t>();
  return {s.begin(), s.end()};
}

void expect_near_all(const Tensor& got, const std::vector<double>& want, double tol) {
  const auto g = as_doubles(got);
  ASSERT_EQ(g.size(), want.size());
  for (size_t k = 0; k < g.size(); ++k) EXPECT_NEAR(g[k], want[k], tol) << "index " << k;
}

void expect_error(const std::string& message, const std::vector<std::string>& parts) {
  ASSERT_FALSE(message.empty()) << "no error";
  for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' not in: " << message;
}

Tensor ones(Shape s) {
  Tensor t(DType::f32, s);
  for (auto& x : t.span<float>()) x = 1.0f;
  return t;
}

// ---- conv ----

TEST(NnConv, PaddingStrideDilationOn1d) {
  // x = 0..4, filter of ones: window sums.
  const Inputs in{{"x", iota({1, 1, 5})}, {"w", ones({1, 1, 3})}};
  expect_near_all(run_expr("conv(x, w, padding = [(0, 0)])", in), {3, 6, 9}, 0);
  expect_near_all(run_expr("conv(x, w, padding = [(1, 1)])", in), {1, 3, 6, 9, 7}, 0);
  expect_near_all(run_expr("conv(x, w, padding = [(1, 1)], stride = [2])", in), {1, 6, 7}, 0);
  expect_near_all(run_expr("conv(x, w, padding = [(0, 0)], dilation = [2])", in), {6}, 0);
  // padding [] = SameUpper: out = ceil(5 / 1) = 5, k = 4 needs 3: 1 before, 2 after.
  const Inputs in4{{"x", iota({1, 1, 5})}, {"w", ones({1, 1, 4})}};
  const Tensor same = run_expr("conv(x, w)", in4, Precision::f64);
  EXPECT_EQ(same.dtype(), DType::f64);
  expect_near_all(same, {3, 6, 10, 9, 7}, 0);
  // stride 2 and []: out = ceil(5 / 2) = 3, k = 4 needs (3-1)·2 + 4 - 5 = 3: 1 before, 2 after.
  expect_near_all(run_expr("conv(x, w, stride = [2])", in4), {3, 10, 7}, 0);
}

TEST(NnConv, GroupsAndBias) {
  // Two groups of one channel: output channel 0 reads only input channel 0.
  const Inputs in{{"x", iota({1, 2, 3})}, {"w", iota({2, 1, 1})}, {"b", Tensor::from<float>({2}, {10, 20})}};
  expect_near_all(run_expr("conv(x, w, b, groups = 2, padding = [(0, 0)])", in), {10, 10, 10, 23, 24, 25}, 0);
  // groups = 0 is tract's C_out groups (depthwise here), bias [1, C_out] as the spec writes it.
  const Inputs in2{{"x", iota({1, 2, 3})}, {"w", iota({2, 1, 1})}, {"b", Tensor::from<float>({1, 2}, {10, 20})}};
  expect_near_all(run_expr("conv(x, w, b, groups = 0, padding = [(0, 0)])", in2), {10, 10, 10, 23, 24, 25}, 0);
  // One group: each output channel sums both input channels.
  const Inputs in3{{"x", iota({1, 2, 3})}, {"w", ones({1, 2, 1})}};
  expect_near_all(run_expr("conv(x, w, padding = [(0, 0)])", in3), {3, 5, 7}, 0);
}

TEST(NnConv, TwoSpatialAxesWithPaddingPairs) {
  // 3x3 input 0..8, 2x2 ones filter, padding 1 before on rows only.
  const Inputs in{{"x", iota({1, 1, 3, 3})}, {"w", ones({1, 1, 2, 2})}};
  const Tensor z = run_expr("conv(x, w, padding = [(1, 0), (0, 0)])", in, Precision::f64);
  EXPECT_EQ(z.shape(), (Shape{1, 1, 3, 2}));
  expect_near_all(z, {1, 3, 8, 12, 20, 24}, 0);
}

TEST(NnConv, ErrorsNameShapesAndLine) {
  expect_error(expr_error("conv(x, w)", {{"x", iota({1, 3, 5})}, {"w", iota({2, 2, 3})}}),
               {"t/graph.nnef:7:", "conv", "[1, 3, 5]", "[2, 2, 3]", "groups"});
  expect_error(expr_error("conv(x, w, groups = 2)", {{"x", iota({1, 4, 5})}, {"w", iota({3, 2, 3})}}),
               {"t/graph.nnef:7:", "conv", "[3, 2, 3]", "groups = 2"});
  expect_error(expr_error("conv(x, w, padding = [(0, 0), (0, 0)])", {{"x", iota({1, 1, 5})}, {"w", iota({1, 1, 3})}}),
               {"t/graph.nnef:7:", "conv", "2 pairs", "1 spatial"});
  expect_error(expr_error("conv(x, w, padding = [(0, 0)])", {{"x", iota({1, 1, 2})}, {"w", iota({1, 1, 3})}}),
               {"t/graph.nnef:7:", "conv", "[1, 1, 2]", "shorter"});
  expect_error(expr_error("conv(x, w, b)", {{"x", iota({1, 1, 5})}, {"w", iota({2, 1, 3})}, {"b", iota({3})}}),
               {"t/graph.nnef:8:", "conv", "bias [3]", "C_out = 2"});
  expect_error(expr_error("conv(x, w, border = 'reflect')", {{"x", iota({1, 1, 5})}, {"w", iota({1, 1, 3})}}),
               {"t/graph.nnef:7:", "conv", "reflect"});
  expect_error(expr_error("conv(x, w, stride = [1, 1])", {{"x", iota({1, 1, 5})}, {"w", iota({1, 1, 3})}}),
               {"t/graph.nnef:7:", "conv", "stride"});
}

// ---- batch_normalization, linear, activations ----

TEST(NnNorm, BatchNormalizationPerChannel) {
  // x [1, 2, 2]; mean [1, 2, 1] = (1, 2), variance (3, 8) + eps 1 -> sqrt 2, 3; scale (2, 3), offset (0.5, -1).
  const Inputs in{{"x", Tensor::from<float>({1, 2, 2}, {3, 5, 2, 8})},
                  {"m", Tensor::from<float>({1, 2, 1}, {1, 2})},
                  {"v", Tensor::from<float>({1, 2, 1}, {3, 8})},
                  {"o", Tensor::from<float>({1, 2, 1}, {0.5f, -1})},
                  {"s", Tensor::from<float>({1, 2, 1}, {2, 3})}};
  for (Precision p : {Precision::f32, Precision::f64})
    expect_near_all(run_expr("batch_normalization(x, m, v, o, s, epsilon = 1.0)", in, p),
                    {0.5 + 2 * 2 / 2.0, 0.5 + 2 * 4 / 2.0, -1 + 3 * 0 / 3.0, -1 + 3 * 6 / 3.0}, 1e-6);
  // epsilon as a variable of shape [] (torch_to_nnef's default 1e-05): a one-value tensor.
  Inputs with_eps = in;
  with_eps.emplace_back("e", Tensor::from<float>({}, {1.0f}));
  expect_near_all(run_expr("batch_normalization(x, m, v, o, s, epsilon = e)", with_eps, Precision::f64),
                  {2.5, 4.5, -1, 5}, 1e-12);
  expect_error(expr_error("batch_normalization(x, m, m, m, m, epsilon = 1.0)",
                          {{"x", iota({2, 3, 2})}, {"m", iota({1, 2, 1})}}),
               {"t/graph.nnef:7:", "batch_normalization", "[2, 3, 2]", "[1, 2, 1]"});
}

TEST(NnLinear, AnyRankAsTract) {
  // x [2, 1, 3] · w[1, 2, 3]ᵀ + b [1, 1, 2] (torch_to_nnef's nn.Linear on rank 3).
  const Inputs in{{"x", iota({2, 1, 3})}, {"w", iota({1, 2, 3})}, {"b", Tensor::from<float>({1, 1, 2}, {1, -1})}};
  const Tensor z = run_expr("linear(x, w, b)", in, Precision::f64);
  EXPECT_EQ(z.shape(), (Shape{2, 1, 2}));
  // rows (0,1,2), (3,4,5); filter rows (0,1,2), (3,4,5).
  expect_near_all(z, {5 + 1, 14 - 1, 14 + 1, 50 - 1}, 0);
  // A rank-2 filter gets leading unit axes (numpy matmul): same values.
  const Inputs in2{{"x", iota({2, 1, 3})}, {"w", iota({2, 3})}};
  expect_near_all(run_expr("linear(x, w)", in2), {5, 14, 14, 50}, 0);
  // Rank 4, batch axes broadcast.
  const Tensor z4 = run_expr("linear(x, w)", {{"x", ones({2, 3, 1, 4})}, {"w", ones({1, 1, 5, 4})}});
  EXPECT_EQ(z4.shape(), (Shape{2, 3, 1, 5}));
  expect_near_all(z4, std::vector<double>(30, 4.0), 0);
  expect_error(expr_error("linear(x, w)", {{"x", iota({4, 1, 8})}, {"w", iota({1, 10, 7})}}),
               {"t/graph.nnef:7:", "linear", "[4, 1, 8]", "[1, 10, 7]"});
  expect_error(expr_error("linear(x, w, b)", {{"x", iota({4, 1, 8})}, {"w", iota({1, 10, 8})}, {"b", iota({1, 1, 9})}}),
               {"t/graph.nnef:8:", "linear", "bias [1, 1, 9]", "[4, 1, 10]"});
  expect_error(expr_error("linear(x, w)", {{"x", iota({8})}, {"w", iota({10, 8})}}),
               {"t/graph.nnef:7:", "linear", "[8]", "rank"});
}

TEST(NnActivation, LeakyReluAndErf) {
  const Inputs in{{"x", Tensor::from<float>({4}, {-2, -0.5f, 0, 3})}};
  for (Precision p : {Precision::f32, Precision::f64}) {
    expect_near_all(run_expr("leaky_relu(x, alpha = 0.1)", in, p), {-0.2, -0.05, 0, 3}, 1e-7);
    expect_near_all(run_expr("tract_core_erf(x)", in, p), {std::erf(-2.0), std::erf(-0.5), 0, std::erf(3.0)}, 1e-7);
  }
  // alpha as a one-value tensor (tract coerces it); more values are an error.
  expect_near_all(run_expr("leaky_relu(x, alpha = a)", {in[0], {"a", Tensor::from<float>({}, {0.5f})}}),
                  {-1, -0.25, 0, 3}, 0);
  expect_error(expr_error("leaky_relu(x, alpha = a)", {in[0], {"a", Tensor::from<float>({2}, {0.5f, 1})}}),
               {"t/graph.nnef:7:", "leaky_relu", "alpha", "[2]"});
  const Tensor f64 = run_expr("tract_core_erf(x)", in, Precision::f64);
  EXPECT_EQ(as_doubles(f64)[1], std::erf(-0.5));
}

// ---- softmax ----

TEST(NnSoftmax, OverOneAndSeveralAxes) {
  const double l2 = std::log(2.0), l3 = std::log(3.0);
  const Inputs in{{"x", Tensor::from<float>({2, 3}, {0, float(l2), float(l3), 5, 5, 5})}};
  // axes as torch_to_nnef writes it (a single integer) and as the spec does.
  expect_near_all(run_expr("softmax(x, 1)", in), {1 / 6.0, 2 / 6.0, 3 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, 1e-7);
  expect_near_all(run_expr("softmax(x, axes = [1])", in, Precision::f64),
                  {1 / 6.0, 2 / 6.0, 3 / 6.0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, 1e-7);
  expect_near_all(run_expr("tract_core_log_softmax(x, 1)", in, Precision::f64),
                  {std::log(1 / 6.0), std::log(2 / 6.0), std::log(3 / 6.0), -l3, -l3, -l3}, 1e-7);
  // Over both axes: one distribution over the 6 elements.
  const auto all = as_doubles(run_expr("softmax(x, axes = [0, 1])", in, Precision::f64));
  double s = 0;
  for (double v : all) s += v;
  EXPECT_NEAR(s, 1.0, 1e-15);
  EXPECT_NEAR(all[0] * std::exp(5.0), all[3], 1e-15);
  // Large inputs do not overflow (the max is subtracted first).
  const Tensor big = run_expr("softmax(x, axes = [0])", {{"x", Tensor::from<float>({2}, {1000, 1000})}});
  expect_near_all(big, {0.5, 0.5}, 0);
  expect_error(expr_error("softmax(x, axes = [2])", in), {"t/graph.nnef:6:", "softmax", "[2, 3]", "[2]"});
  expect_error(expr_error("tract_core_log_softmax(x, 3)", in),
               {"t/graph.nnef:6:", "tract_core_log_softmax", "[2, 3]", "[3]"});
}

// ---- reductions ----

TEST(NnReduce, SeveralAxesKeepUnitExtents) {
  // iota [2, 3, 2]: element (i, j, k) = 6i + 2j + k.
  const Inputs in{{"x", iota({2, 3, 2})}};
  const Tensor s = run_expr("sum_reduce(x, axes = [0, 2])", in);
  EXPECT_EQ(s.shape(), (Shape{1, 3, 1}));
  expect_near_all(s, {14, 22, 30}, 0);
  expect_near_all(run_expr("sum_reduce(x, axes = [0, 2], normalize = true)", in), {3.5, 5.5, 7.5}, 0);
  expect_near_all(run_expr("mean_reduce(x, axes = [2, 0])", in, Precision::f64), {3.5, 5.5, 7.5}, 0);
  const Tensor mx = run_expr("max_reduce(x, axes = [1])", in);
  EXPECT_EQ(mx.shape(), (Shape{2, 1, 2}));
  expect_near_all(mx, {4, 5, 10, 11}, 0);
  expect_near_all(run_expr("min_reduce(x, axes = [0, 1, 2])", in), {0}, 0);
  const Tensor am = run_expr("argmax_reduce(x, axes = [1])", in);
  EXPECT_EQ(am.dtype(), DType::i64);
  EXPECT_EQ(am.shape(), (Shape{2, 1, 2}));
  EXPECT_EQ(as_ints(am), (std::vector<int64_t>{2, 2, 2, 2}));
  // Several axes: the row-major index within the reduced axes (torch.argmax over a flattened view).
  EXPECT_EQ(as_ints(run_expr("argmax_reduce(x, axes = [1, 2])", in)), (std::vector<int64_t>{5, 5}));
  EXPECT_EQ(as_ints(run_expr("argmin_reduce(x, axes = [0, 1, 2])", in)), (std::vector<int64_t>{0}));
}

TEST(NnReduce, ArgTiesTakeTheFirstIndexAndNaNPropagates) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Inputs ties{{"x", Tensor::from<float>({2, 4}, {1, 3, 3, 2, 2, 0, 2, 0})}};
  for (Precision p : {Precision::f32, Precision::f64}) {
    EXPECT_EQ(as_ints(run_expr("argmax_reduce(x, axes = [1])", ties, p)), (std::vector<int64_t>{1, 0}));
    EXPECT_EQ(as_ints(run_expr("argmin_reduce(x, axes = [1])", ties, p)), (std::vector<int64_t>{0, 1}));
  }
  // PyTorch: max/min of a row holding NaN is NaN, argmax/argmin its first NaN.
  const Inputs with_nan{{"x", Tensor::from<float>({2, 3}, {1, nan, 5, 0, 1, 2})}};
  const auto mx = as_doubles(run_expr("max_reduce(x, axes = [1])", with_nan));
  EXPECT_TRUE(std::isnan(mx[0]));
  EXPECT_EQ(mx[1], 2);
  EXPECT_TRUE(std::isnan(as_doubles(run_expr("min_reduce(x, axes = [1])", with_nan))[0]));
  EXPECT_TRUE(std::isnan(as_doubles(run_expr("softmax(x, axes = [1])", with_nan))[2]));
  EXPECT_EQ(as_ints(run_expr("argmax_reduce(x, axes = [1])", with_nan)), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(as_ints(run_expr("argmin_reduce(x, axes = [1])", with_nan)), (std::vector<int64_t>{1, 0}));
}

TEST(NnReduce, ErrorsNameAxesShapeAndLine) {
  const Inputs in{{"x", iota({2, 3})}};
  expect_error(expr_error("sum_reduce(x, axes = [2])", in), {"t/graph.nnef:6:", "sum_reduce", "[2]", "[2, 3]"});
  expect_error(expr_error("max_reduce(x, axes = [1, 1])", in), {"t/graph.nnef:6:", "max_reduce", "[1, 1]", "[2, 3]"});
  expect_error(expr_error("argmax_reduce(x, axes = [-1])", in), {"t/graph.nnef:6:", "argmax_reduce", "[-1]", "[2, 3]"});
  expect_error(expr_error("mean_reduce(x, axes = [])", in), {"t/graph.nnef:6:", "mean_reduce", "[2, 3]"});
}

}  // namespace
}  // namespace rnnconf::cpu
