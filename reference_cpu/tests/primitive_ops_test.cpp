// Primitive ops of the executor on small hand-checked inputs, run through
// one-statement graphs (so errors carry graph.nnef line:col): element-wise ops
// with NNEF first-axis broadcasting, matmul/linear, the layout ops (reshape
// with axis_start/axis_count/0/-1, transpose, slice with stride and tract's
// negative/zero ends, tile, concat, split, stack, unstack, squeeze), and each
// op's shape-error message (op, line and shapes named).
#include <gtest/gtest.h>

#include <cmath>

#include "executor_test_support.hpp"

namespace rnnconf::cpu {
namespace {

using namespace testing;

Tensor iota(Shape s) {
  Tensor t(DType::f32, s);
  auto v = t.span<float>();
  for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<float>(k);
  return t;
}

// Runs `z = <expr>;` on inputs x (and y) of the given shapes (iota values).
Tensor run_op(const std::string& expr, const std::string& xs, const Shape& x, const std::string& ys = "",
              const Shape& y = {}) {
  std::vector<std::string> st{ext("x", xs)};
  std::map<std::string, Tensor> in{{"x", iota(x)}};
  std::string ins = "x";
  if (!ys.empty()) {
    st.push_back(ext("y", ys));
    in.emplace("y", iota(y));
    ins = "x, y";
  }
  st.push_back("z = " + expr + ";");
  return run1(graph_text(ins, "z", st), in);
}

std::string op_error(const std::string& expr, const std::string& xs, const Shape& x, const std::string& ys = "",
                     const Shape& y = {}) {
  std::vector<std::string> st{ext("x", xs)};
  std::map<std::string, Tensor> in{{"x", iota(x)}};
  std::string ins = "x";
  if (!ys.empty()) {
    st.push_back(ext("y", ys));
    in.emplace("y", iota(y));
    ins = "x, y";
  }
  st.push_back("z = " + expr + ";");
  return run_error(graph_text(ins, "z", st), in);
}

TEST(PrimitiveOps, AddBroadcastsFromTheFirstAxis) {
  // [2,3] + [2]: y is read as [2,1] (NNEF), not as [1,2] (NumPy would refuse).
  const Tensor z = run_op("add(x, y)", "[2, 3]", {2, 3}, "[2]", {2});
  EXPECT_EQ(z.shape(), (Shape{2, 3}));
  EXPECT_EQ(values(z), (std::vector<float>{0, 1, 2, 4, 5, 6}));
  // [1,3] + [2,1] -> [2,3]
  const Tensor w = run_op("x + y", "[1, 3]", {1, 3}, "[2, 1]", {2, 1});
  EXPECT_EQ(w.shape(), (Shape{2, 3}));
  EXPECT_EQ(values(w), (std::vector<float>{0, 1, 2, 1, 2, 3}));
}

TEST(PrimitiveOps, ArithmeticAndLiterals) {
  EXPECT_EQ(values(run_op("sub(x, y)", "[3]", {3}, "[3]", {3})), (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(values(run_op("mul(x, x)", "[3]", {3})), (std::vector<float>{0, 1, 4}));
  EXPECT_EQ(values(run_op("1.0 - x", "[3]", {3})), (std::vector<float>{1, 0, -1}));
  EXPECT_EQ(values(run_op("x * 2.0 + 1.0", "[3]", {3})), (std::vector<float>{1, 3, 5}));
  EXPECT_EQ(values(run_op("div(x, 2.0)", "[3]", {3})), (std::vector<float>{0, 0.5f, 1}));
  EXPECT_EQ(values(run_op("neg(x)", "[2]", {2})), (std::vector<float>{0, -1}));
  EXPECT_EQ(values(run_op("-x", "[2]", {2})), (std::vector<float>{0, -1}));
  EXPECT_EQ(values(run_op("min(x, 1.0)", "[3]", {3})), (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(values(run_op("max(x, 1.0)", "[3]", {3})), (std::vector<float>{1, 1, 2}));
  EXPECT_EQ(values(run_op("clamp(x, 0.5, 1.5)", "[3]", {3})), (std::vector<float>{0.5f, 1, 1.5f}));
  EXPECT_EQ(values(run_op("copy(x)", "[2]", {2})), (std::vector<float>{0, 1}));
  EXPECT_EQ(values(run_op("select(x > 0.5, x, 9.0)", "[3]", {3})), (std::vector<float>{9, 1, 2}));
}

TEST(PrimitiveOps, UnaryMath) {
  const Tensor s = run_op("sigmoid(x)", "[2]", {2});
  EXPECT_FLOAT_EQ(s.span<float>()[0], 0.5f);
  EXPECT_NEAR(s.span<float>()[1], 1.0 / (1.0 + std::exp(-1.0)), 1e-7);
  EXPECT_NEAR(run_op("tanh(x)", "[2]", {2}).span<float>()[1], std::tanh(1.0), 1e-7);
  EXPECT_EQ(values(run_op("relu(x - 1.0)", "[3]", {3})), (std::vector<float>{0, 0, 1}));
  EXPECT_NEAR(run_op("exp(x)", "[2]", {2}).span<float>()[1], std::exp(1.0), 1e-6);
  EXPECT_NEAR(run_op("log(x + 1.0)", "[2]", {2}).span<float>()[1], std::log(2.0), 1e-7);
  EXPECT_EQ(values(run_op("sqrt(x * x)", "[3]", {3})), (std::vector<float>{0, 1, 2}));
  EXPECT_EQ(values(run_op("abs(neg(x))", "[3]", {3})), (std::vector<float>{0, 1, 2}));
}

TEST(PrimitiveOps, MatmulAndLinear) {
  // x [2,3] = 0..5, y [3,2] = 0..5: x·y = [[10, 13], [28, 40]]
  EXPECT_EQ(values(run_op("matmul(x, y)", "[2, 3]", {2, 3}, "[3, 2]", {3, 2})),
            (std::vector<float>{10, 13, 28, 40}));
  // transposeB: x [2,3] · y[2,3]ᵀ = [[5, 14], [14, 50]]
  EXPECT_EQ(values(run_op("matmul(x, y, transposeB = true)", "[2, 3]", {2, 3}, "[2, 3]", {2, 3})),
            (std::vector<float>{5, 14, 14, 50}));
  // transposeA: x[3,2]ᵀ · y[3,2] = [[20, 26], [26, 35]]
  EXPECT_EQ(values(run_op("matmul(x, y, transposeA = true)", "[3, 2]", {3, 2}, "[3, 2]", {3, 2})),
            (std::vector<float>{20, 26, 26, 35}));
  // batched with a broadcast batch axis: [2,1,2] · [1,2,1]
  EXPECT_EQ(values(run_op("matmul(x, y)", "[2, 1, 2]", {2, 1, 2}, "[1, 2, 1]", {1, 2, 1})),
            (std::vector<float>{1, 3}));
  // linear = x · yᵀ + bias
  EXPECT_EQ(values(run_op("linear(x, y, 1.0)", "[2, 3]", {2, 3}, "[2, 3]", {2, 3})),
            (std::vector<float>{6, 15, 15, 51}));
}

TEST(PrimitiveOps, Reshape) {
  EXPECT_EQ(run_op("reshape(x, shape = [3, 2])", "[2, 3]", {2, 3}).shape(), (Shape{3, 2}));
  EXPECT_EQ(run_op("reshape(x, shape = [-1])", "[2, 3]", {2, 3}).shape(), (Shape{6}));
  EXPECT_EQ(run_op("reshape(x, shape = [0, -1])", "[2, 3, 4]", {2, 3, 4}).shape(), (Shape{2, 12}));
  // axis_start/axis_count: only axes 1..2 are replaced
  const Tensor r = run_op("reshape(x, shape = [6], axis_start = 1, axis_count = 2)", "[4, 2, 3, 5]", {4, 2, 3, 5});
  EXPECT_EQ(r.shape(), (Shape{4, 6, 5}));
  EXPECT_EQ(r.span<float>()[7], 7.0f);  // data order unchanged
  EXPECT_EQ(run_op("reshape(x, shape = [1, 2], axis_start = 2)", "[3, 4, 2]", {3, 4, 2}).shape(), (Shape{3, 4, 1, 2}));
}

TEST(PrimitiveOps, TransposeSqueezeUnsqueeze) {
  const Tensor t = run_op("transpose(x, axes = [1, 0])", "[2, 3]", {2, 3});
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(values(t), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  // axes past the list stay: [1, 0] on rank 3 swaps the first two only
  const Tensor t3 = run_op("transpose(x, axes = [1, 0])", "[2, 1, 2]", {2, 1, 2});
  EXPECT_EQ(t3.shape(), (Shape{1, 2, 2}));
  EXPECT_EQ(values(t3), (std::vector<float>{0, 1, 2, 3}));
  const Tensor t4 = run_op("transpose(x, axes = [0, 2, 1, 3])", "[1, 2, 3, 1]", {1, 2, 3, 1});
  EXPECT_EQ(values(t4), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(run_op("unsqueeze(x, axes = [0, 2])", "[2, 3]", {2, 3}).shape(), (Shape{1, 2, 1, 3}));
  EXPECT_EQ(run_op("squeeze(x, axes = [0, 2])", "[1, 2, 1, 3]", {1, 2, 1, 3}).shape(), (Shape{2, 3}));
}

TEST(PrimitiveOps, SliceWithStrideAndTractEnds) {
  // x = 0..9
  EXPECT_EQ(values(run_op("slice(x, axes = [0], begin = [1], end = [7], stride = [2])", "[10]", {10})),
            (std::vector<float>{1, 3, 5}));
  // end = 0 means "to the end" (tract)
  EXPECT_EQ(values(run_op("slice(x, axes = [0], begin = [7], end = [0])", "[10]", {10})),
            (std::vector<float>{7, 8, 9}));
  // negative end counts from the end: -1 drops the last element
  EXPECT_EQ(values(run_op("slice(x, axes = [0], begin = [-3], end = [-1])", "[10]", {10})),
            (std::vector<float>{7, 8}));
  // ends past the extent clamp
  EXPECT_EQ(values(run_op("slice(x, axes = [0], begin = [8], end = [100])", "[10]", {10})),
            (std::vector<float>{8, 9}));
  // 2-d, second axis
  EXPECT_EQ(values(run_op("slice(x, axes = [1], begin = [1], end = [3])", "[2, 3]", {2, 3})),
            (std::vector<float>{1, 2, 4, 5}));
}

TEST(PrimitiveOps, TileConcatSplitStackUnstack) {
  const Tensor t = run_op("tile(x, repeats = [2, 1])", "[1, 2]", {1, 2});
  EXPECT_EQ(t.shape(), (Shape{2, 2}));
  EXPECT_EQ(values(t), (std::vector<float>{0, 1, 0, 1}));
  EXPECT_EQ(values(run_op("tile(x, repeats = [1, 2])", "[2, 1]", {2, 1})), (std::vector<float>{0, 0, 1, 1}));
  const Tensor c = run_op("concat([x, y], axis = 1)", "[2, 1]", {2, 1}, "[2, 2]", {2, 2});
  EXPECT_EQ(c.shape(), (Shape{2, 3}));
  EXPECT_EQ(values(c), (std::vector<float>{0, 0, 1, 1, 2, 3}));
  EXPECT_EQ(values(run_op("concat([x, y], axis = 0)", "[1, 2]", {1, 2}, "[1, 2]", {1, 2})),
            (std::vector<float>{0, 1, 0, 1}));
  const std::string split = graph_text("x", "a, b", {ext("x", "[2, 3]"), "[a, b] = split(x, axis = 1, ratios = [1, 2]);"});
  const RunResult r = run_model(model_from_text(split), {{"x", iota({2, 3})}}, literal_f32());
  EXPECT_EQ(values(r.outputs.at("a")), (std::vector<float>{0, 3}));
  EXPECT_EQ(values(r.outputs.at("b")), (std::vector<float>{1, 2, 4, 5}));
  const Tensor s = run_op("stack([x, y], axis = 1)", "[2]", {2}, "[2]", {2});
  EXPECT_EQ(s.shape(), (Shape{2, 2}));
  EXPECT_EQ(values(s), (std::vector<float>{0, 0, 1, 1}));
  const std::string unstack = graph_text("x", "a, b", {ext("x", "[2, 2]"), "[a, b] = unstack(x, axis = 1);"});
  const RunResult u = run_model(model_from_text(unstack), {{"x", iota({2, 2})}}, literal_f32());
  EXPECT_EQ(values(u.outputs.at("a")), (std::vector<float>{0, 2}));
  EXPECT_EQ(values(u.outputs.at("b")), (std::vector<float>{1, 3}));
}

TEST(PrimitiveOps, ConstantAndF64Mode) {
  const std::string g = graph_text("x", "z", {ext("x", "[2]"), "c = constant(shape = [2], value = [0.5]);",
                                              "z = x + c;"});
  const nnef::Model m = model_from_text(g);
  const RunResult r32 = run_model(m, {{"x", iota({2})}}, literal_f32());
  EXPECT_EQ(values(r32.outputs.at("z")), (std::vector<float>{0.5f, 1.5f}));
  const RunResult r64 = run_model(m, {{"x", iota({2})}}, RunOptions{Precision::f64, FragmentMode::literal, false});
  ASSERT_EQ(r64.outputs.at("z").dtype(), DType::f64);
  EXPECT_EQ(r64.outputs.at("z").span<double>()[1], 1.5);
}

TEST(PrimitiveOps, IntegerShapeArithmetic) {
  // tract_core_shape_of gives i64; arithmetic on it stays integer.
  const std::string g = graph_text("x", "z", {ext("x", "[2, 3]"), "s = tract_core_shape_of(x);",
                                              "n = s * s - s;", "z = tile(x, repeats = [1, squeeze(slice(n, axes = [0], "
                                              "begin = [0], end = [1]), axes = [0])]);"});
  const RunResult r = run_model(model_from_text(g), {{"x", iota({2, 3})}}, literal_f32());
  EXPECT_EQ(r.outputs.at("z").shape(), (Shape{2, 6}));  // n = [2, 6]: repeats [1, 2]
}

// ---- shape errors: op, graph.nnef line (statement 1 is on line 6) and shapes --

void expect_error(const std::string& message, const std::vector<std::string>& parts) {
  ASSERT_FALSE(message.empty()) << "no error";
  for (const auto& p : parts) EXPECT_NE(message.find(p), std::string::npos) << "'" << p << "' not in: " << message;
}

TEST(PrimitiveOpErrors, NameOpLineAndShapes) {
  expect_error(op_error("add(x, y)", "[2, 3]", {2, 3}, "[3]", {3}), {"t/graph.nnef:7:", "add", "[2, 3]", "[3]"});
  expect_error(op_error("matmul(x, y)", "[2, 3]", {2, 3}, "[2, 3]", {2, 3}),
               {"t/graph.nnef:7:", "matmul", "[2, 3]", "inner"});
  expect_error(op_error("reshape(x, shape = [4])", "[2, 3]", {2, 3}), {"t/graph.nnef:6:", "reshape", "[4]", "[2, 3]"});
  expect_error(op_error("reshape(x, shape = [-1, -1])", "[2, 3]", {2, 3}), {"t/graph.nnef:6:", "reshape", "-1"});
  expect_error(op_error("transpose(x, axes = [0, 0])", "[2, 3]", {2, 3}), {"t/graph.nnef:6:", "transpose", "[2, 3]"});
  expect_error(op_error("squeeze(x, axes = [0])", "[2, 3]", {2, 3}), {"t/graph.nnef:6:", "squeeze", "[2, 3]"});
  expect_error(op_error("slice(x, axes = [0], begin = [2], end = [1])", "[3]", {3}), {"t/graph.nnef:6:", "slice", "[3]"});
  expect_error(op_error("slice(x, axes = [0, 1], begin = [0], end = [1])", "[3]", {3}), {"t/graph.nnef:6:", "slice", "length"});
  expect_error(op_error("slice(x, axes = [3], begin = [0], end = [1])", "[3]", {3}), {"t/graph.nnef:6:", "slice", "axis 3"});
  expect_error(op_error("tile(x, repeats = [2])", "[2, 3]", {2, 3}), {"t/graph.nnef:6:", "tile", "[2, 3]"});
  expect_error(op_error("concat([x, y], axis = 1)", "[2, 3]", {2, 3}, "[3, 3]", {3, 3}),
               {"t/graph.nnef:7:", "concat", "[2, 3]", "[3, 3]"});
  expect_error(op_error("linear(x, y)", "[2, 3]", {2, 3}, "[2, 2]", {2, 2}), {"t/graph.nnef:7:", "linear", "[2, 3]", "[2, 2]"});
  expect_error(op_error("unsqueeze(x, axes = [5])", "[2, 3]", {2, 3}), {"t/graph.nnef:6:", "unsqueeze", "[2, 3]"});
  expect_error(op_error("stack([x, y], axis = 0)", "[2]", {2}, "[3]", {3}), {"t/graph.nnef:7:", "stack", "[2]", "[3]"});
  expect_error(op_error("select(x > 0.5, x, y)", "[2, 3]", {2, 3}, "[3]", {3}), {"t/graph.nnef:7:", "select", "[2, 3]", "[3]"});
  expect_error(op_error("x * y", "[2, 3]", {2, 3}, "[2, 2]", {2, 2}), {"t/graph.nnef:7:", "mul", "[2, 3]", "[2, 2]"});
  expect_error(op_error("matmul(x, y)", "[2, 3]", {2, 3}, "[1, 3, 2]", {1, 3, 2}), {"t/graph.nnef:7:", "matmul", "rank"});
  expect_error(op_error("x + constant(shape = [2], value = [1.0, 2.0, 3.0])", "[2]", {2}),
               {"t/graph.nnef:6:", "constant", "3 values", "[2]"});
}

TEST(PrimitiveOpErrors, SplitRatiosMustDivide) {
  const std::string g = graph_text("x", "a, b", {ext("x", "[2, 3]"), "[a, b] = split(x, axis = 1, ratios = [1, 1]);"});
  const std::string msg = run_error(g, {{"x", Tensor(DType::f32, {2, 3})}});
  expect_error(msg, {"t/graph.nnef:6:", "split", "[1, 1]", "[2, 3]"});
}

}  // namespace
}  // namespace rnnconf::cpu
