// The indexing, padding and dynamic-shape ops (issue #15) on small
// hand-checked inputs, run through graphs so that errors carry graph.nnef
// line:col: tract_core_gather (negative and out-of-range indices), pad
// (constant / reflect limits / replicate and tract's 'replicated'), select over
// f32, i64 and bool with first-axis broadcasting, clamp with integer literal
// bounds, slice with run-time begin/end (tract: the negative/zero rule only for
// literals), torch_to_nnef's dyn_slice fragments called before they are
// defined, tract_core_range, tract_core_cast to 'tdim', and f64 variable data.
// Every case runs in f32 and in f64 where floats are involved.
#include <gtest/gtest.h>

#include <cmath>

#include "executor_test_support.hpp"

namespace rnnconf::cpu {
namespace {

using namespace testing;

struct In {
  std::string name;
  Tensor value;
  std::string shape;  // as declared: "[2, T]"
};

std::string graph_of(const std::vector<In>& ins, const std::vector<std::string>& body,
                     const std::string& fragments = "") {
  std::string s = "version 1.0;\nextension tract_registry tract_core;\nextension tract_symbol T;\n" +
                  fragments + "graph g(";
  for (size_t k = 0; k < ins.size(); ++k) s += (k ? ", " : "") + ins[k].name;
  s += ") -> (z)\n{\n";
  for (const auto& i : ins)
    s += "    " + i.name + " = tract_core_external(shape = " + i.shape + ", datum_type = '" +
         std::string(dtype_name(i.value.dtype() == DType::f64 ? DType::f32 : i.value.dtype())) + "');\n";
  for (const auto& st : body) s += "    " + st + "\n";
  return s + "}\n";
}

Tensor run(const std::vector<In>& ins, const std::vector<std::string>& body, Precision p = Precision::f32,
           const std::string& fragments = "", const std::map<std::string, Tensor>& vars = {}) {
  std::map<std::string, Tensor> in;
  for (const auto& i : ins) in.emplace(i.name, i.value);
  const nnef::Model m = model_from_text(graph_of(ins, body, fragments), vars);
  RunResult r = run_model(m, in, RunOptions{p, FragmentMode::literal, false});
  return r.outputs.at("z");
}

std::string error_of(const std::vector<In>& ins, const std::vector<std::string>& body,
                     const std::string& fragments = "") {
  try {
    run(ins, body, Precision::f32, fragments);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void expect_error(const std::string& msg, const std::vector<std::string>& parts) {
  ASSERT_FALSE(msg.empty()) << "no error thrown";
  for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
}

Tensor iota(Shape s, DType d = DType::f32) {
  Tensor t(DType::f64, s);
  auto v = t.span<double>();
  for (size_t k = 0; k < v.size(); ++k) v[k] = static_cast<double>(k);
  return t.cast(d);
}

std::vector<double> as_doubles(const Tensor& t) {
  const Tensor d = t.cast(DType::f64);
  auto s = d.span<double>();
  return {s.begin(), s.end()};
}

std::vector<int64_t> as_ints(const Tensor& t) {
  EXPECT_EQ(t.dtype(), DType::i64);
  auto s = t.span<int64_t>();
  return {s.begin(), s.end()};
}

Tensor i64(Shape s, std::vector<int64_t> v) { return Tensor::from<int64_t>(std::move(s), v); }

// Each float test runs in both precisions; the f64 run's output is f64.
class IndexOps : public ::testing::TestWithParam<Precision> {
 protected:
  Precision p() const { return GetParam(); }
  DType fdt() const { return p() == Precision::f64 ? DType::f64 : DType::f32; }
  Tensor xin(Shape s) const { return iota(std::move(s), fdt()); }
};

TEST_P(IndexOps, GatherAxis0LikeEmbeddingWithNegativeIndices) {
  const Tensor z = run({{"w", xin({4, 2}), "[4, 2]"}, {"ids", i64({2, 2}, {1, -1, 0, 3}), "[2, 2]"}},
                       {"z = tract_core_gather(w, ids, axis = 0);"}, p());
  EXPECT_EQ(z.dtype(), fdt());
  EXPECT_EQ(z.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(as_doubles(z), (std::vector<double>{2, 3, 6, 7, 0, 1, 6, 7}));  // -1 is the last row
}

TEST_P(IndexOps, GatherInnerAxisLikeIndexSelect) {
  // x[2,3,2], index_select(1, [2, 0, 2])
  const Tensor z = run({{"x", xin({2, 3, 2}), "[2, 3, 2]"}, {"i", i64({3}, {2, 0, 2}), "[3]"}},
                       {"z = tract_core_gather(x, i, axis = 1);"}, p());
  EXPECT_EQ(z.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(as_doubles(z), (std::vector<double>{4, 5, 0, 1, 4, 5, 10, 11, 6, 7, 10, 11}));
  // The spec's gather, last axis, rank-0 index: the axis disappears.
  const Tensor g = run({{"x", xin({2, 3}), "[2, 3]"}}, {"z = gather(x, 1, axis = 1);"}, p());
  EXPECT_EQ(g.shape(), (Shape{2}));
  EXPECT_EQ(as_doubles(g), (std::vector<double>{1, 4}));
}

TEST(IndexOpsErrors, GatherOutOfRangeIndexNamesIndexAndBound) {
  const std::vector<In> ins{{"w", iota({4, 2}), "[4, 2]"}, {"ids", i64({3}, {0, 4, 1}), "[3]"}};
  expect_error(error_of(ins, {"z = tract_core_gather(w, ids, axis = 0);"}),
               {"t/graph.nnef:8:", "tract_core_gather", "index 4", "position 1", "[-4, 4)", "[4, 2]"});
  const std::vector<In> neg{{"w", iota({4, 2}), "[4, 2]"}, {"ids", i64({1}, {-5}), "[1]"}};
  expect_error(error_of(neg, {"z = tract_core_gather(w, ids, axis = 0);"}), {"index -5", "[-4, 4)"});
  // tract reads the axis as usize: -1 (what torch_to_nnef writes for index_select(-1, ...)) is refused.
  const std::vector<In> ax{{"w", iota({4, 2}), "[4, 2]"}, {"ids", i64({1}, {0}), "[1]"}};
  expect_error(error_of(ax, {"z = tract_core_gather(w, ids, axis = -1);"}),
               {"tract_core_gather", "axis -1", "[4, 2]"});
  expect_error(error_of(ax, {"z = tract_core_gather(w, ids, axis = 2);"}), {"axis 2", "[4, 2]"});
}

TEST_P(IndexOps, PadConstantWithValueOnTheTupleAndListSpellings) {
  // padding as torch_to_nnef writes it (nested lists), and as the spec's tuples
  const std::vector<double> want{0.5, 0, 1, 2, 0.5, 0.5, 0.5, 3, 4, 5, 0.5, 0.5};
  for (const char* padding : {"[[0, 0], [1, 2]]", "[(0, 0), (1, 2)]"}) {
    const Tensor z = run({{"x", xin({2, 3}), "[2, 3]"}},
                         {std::string("z = pad(x, padding = ") + padding + ", value = 0.5);"}, p());
    EXPECT_EQ(z.shape(), (Shape{2, 6})) << padding;
    EXPECT_EQ(as_doubles(z), want) << padding;
  }
  // rank 4, two padded axes; border defaults to 'constant', value to 0
  const Tensor r4 = run({{"x", xin({1, 1, 2, 2}), "[1, 1, 2, 2]"}},
                        {"z = pad(x, padding = [[0, 0], [0, 0], [1, 0], [0, 1]]);"}, p());
  EXPECT_EQ(r4.shape(), (Shape{1, 1, 3, 3}));
  EXPECT_EQ(as_doubles(r4), (std::vector<double>{0, 0, 0, 0, 1, 0, 2, 3, 0}));
}

TEST_P(IndexOps, PadReflectUpToItsLimit) {
  // reflect excludes the edge element; a pad of extent-1 is the largest allowed
  const Tensor z = run({{"x", xin({1, 4}), "[1, 4]"}},
                       {"z = pad(x, padding = [[0, 0], [3, 3]], border = 'reflect');"}, p());
  EXPECT_EQ(as_doubles(z), (std::vector<double>{3, 2, 1, 0, 1, 2, 3, 2, 1, 0}));
  const Tensor r4 = run({{"x", xin({1, 1, 3, 2}), "[1, 1, 3, 2]"}},
                        {"z = pad(x, padding = [[0, 0], [0, 0], [1, 2], [1, 0]], border = 'reflect');"}, p());
  EXPECT_EQ(r4.shape(), (Shape{1, 1, 6, 3}));
  EXPECT_EQ(as_doubles(r4), (std::vector<double>{3, 2, 3, 1, 0, 1, 3, 2, 3, 5, 4, 5, 3, 2, 3, 1, 0, 1}));
}

TEST_P(IndexOps, PadReplicateBothSpellings) {
  const std::vector<double> want{0, 0, 1, 2, 2, 2, 3, 3, 4, 5, 5, 5};
  for (const char* border : {"replicate", "replicated"}) {
    const Tensor z =
        run({{"x", xin({2, 3}), "[2, 3]"}},
            {std::string("z = pad(x, padding = [[0, 0], [1, 2]], border = '") + border + "');"}, p());
    EXPECT_EQ(as_doubles(z), want) << border;
  }
}

TEST(IndexOpsErrors, PadBadBordersAndPaddings) {
  const std::vector<In> ins{{"x", iota({2, 4}), "[2, 4]"}};
  expect_error(error_of(ins, {"z = pad(x, padding = [[0, 0], [4, 0]], border = 'reflect');"}),
               {"t/graph.nnef:7:", "pad", "reflect", "(4, 0)", "extent 4", "[2, 4]"});
  expect_error(error_of(ins, {"z = pad(x, padding = [[0, 0], [1, 1]], border = 'edge');"}),
               {"pad", "border 'edge'"});
  expect_error(error_of(ins, {"z = pad(x, padding = [[1, 1]]);"}), {"pad", "1 pairs", "[2, 4]", "rank 2"});
  expect_error(error_of(ins, {"z = pad(x, padding = [[0, 0], [-1, 0]]);"}),
               {"pad", "negative", "(-1, 0)", "[2, 4]"});
}

TEST(IndexOps64, SelectOverI64AndBoolWithBroadcasting) {
  // within_bound_index's select(cond, 0, size) over shape values
  const std::vector<In> ins{{"x", iota({2, 3}), "[2, 3]"}};
  const Tensor z = run(ins, {"s = tract_core_shape_of(x);", "c = ge(s - 3, 0);", "z = select(c, 0, s);"});
  EXPECT_EQ(as_ints(z), (std::vector<int64_t>{2, 0}));
  const Tensor b = run(ins, {"c = x > 2.0;", "z = select(c, not(c), c);"});
  ASSERT_EQ(b.dtype(), DType::boolean);
  EXPECT_EQ(b.span<bool>()[0], false);  // false branch: c = false
  EXPECT_EQ(b.span<bool>()[5], false);  // true branch: not(c) = false
  // condition [2] against values [2, 3] and a rank-0 literal: first-axis broadcasting
  const Tensor f = run({{"x", iota({2, 3}), "[2, 3]"}, {"m", i64({2}, {0, 1}), "[2]"}},
                       {"c = eq(m, 1);", "z = select(c, x, -1.0);"});
  EXPECT_EQ(as_doubles(f), (std::vector<double>{-1, -1, -1, 3, 4, 5}));
  // an integer literal branch beside a float tensor takes the tensor's dtype
  const Tensor g = run(ins, {"z = select(x > 2.0, x, 0);"}, Precision::f64);
  EXPECT_EQ(g.dtype(), DType::f64);
  EXPECT_EQ(as_doubles(g), (std::vector<double>{0, 0, 0, 3, 4, 5}));
}

TEST(IndexOpsErrors, SelectBadOperands) {
  const std::vector<In> ins{{"x", iota({2, 3}), "[2, 3]"}};
  expect_error(error_of(ins, {"s = tract_core_shape_of(x);", "z = select(x > 1.0, x, s);"}),
               {"t/graph.nnef:8:", "select", "f32[2, 3]", "i64[2]"});
  expect_error(error_of(ins, {"z = select(x, x, x);"}),
               {"t/graph.nnef:7:", "select", "logical", "f32[2, 3]"});
  expect_error(error_of({{"x", iota({2, 3}), "[2, 3]"}, {"m", i64({3}, {0, 1, 1}), "[3]"}},
                        {"z = select(eq(m, 1), x, 0.0);"}),
               {"select", "[3]", "[2, 3]", "do not broadcast"});
}

TEST_P(IndexOps, ClampWithIntegerLiteralBoundsAndMinMaxOnly) {
  const std::vector<In> ins{{"x", xin({4}), "[4]"}};
  EXPECT_EQ(as_doubles(run(ins, {"z = clamp(x, 1, 2);"}, p())), (std::vector<double>{1, 1, 2, 2}));
  EXPECT_EQ(as_doubles(run(ins, {"z = max(x, 1.5);"}, p())), (std::vector<double>{1.5, 1.5, 2, 3}));
  EXPECT_EQ(as_doubles(run(ins, {"z = min(x, 0.5);"}, p())), (std::vector<double>{0, 0.5, 0.5, 0.5}));
  // tensor bounds, broadcast
  const Tensor t =
      run({{"x", xin({2, 2}), "[2, 2]"}, {"lo", xin({2}), "[2]"}}, {"z = clamp(x, lo, 2.0);"}, p());
  EXPECT_EQ(as_doubles(t), (std::vector<double>{0, 1, 2, 2}));
}

TEST_P(IndexOps, SliceWithRunTimeBoundsFollowsTract) {
  const std::vector<In> ins{{"x", xin({2, 4}), "[2, T]"}};
  const std::vector<std::string> dim{
      "s = tract_core_shape_of(x);",
      "n = squeeze(slice(s, axes = [0], begin = [1], end = [2]), axes = [0]);"};
  auto with = [&](const std::string& last) {
    auto b = dim;
    b.push_back(last);
    return run(ins, b, p());
  };
  EXPECT_EQ(with("z = slice(x, axes = [1], begin = [0], end = [n - 1]);").shape(), (Shape{2, 3}));
  // a computed end of 0 is an empty slice; a literal end of 0 means "to the end" (tract)
  EXPECT_EQ(with("z = slice(x, axes = [1], begin = [0], end = [n - 4]);").shape(), (Shape{2, 0}));
  EXPECT_EQ(with("z = slice(x, axes = [1], begin = [0], end = [0]);").shape(), (Shape{2, 4}));
  // a literal negative begin counts from the end; out-of-range ends are clamped
  const Tensor tail = with("z = slice(x, axes = [1], begin = [-3], end = [9], stride = [2]);");
  EXPECT_EQ(as_doubles(tail), (std::vector<double>{1, 3, 5, 7}));
  // an empty literal range
  EXPECT_EQ(with("z = slice(x, axes = [1], begin = [2], end = [2]);").shape(), (Shape{2, 0}));
}

TEST(IndexOpsErrors, SliceBadRanges) {
  const std::vector<In> ins{{"x", iota({2, 4}), "[2, 4]"}};
  expect_error(error_of(ins, {"z = slice(x, axes = [1], begin = [3], end = [1]);"}),
               {"t/graph.nnef:7:", "slice", "begin 3 end 1", "[2, 4]"});
  expect_error(error_of(ins, {"z = slice(x, axes = [1], begin = [0], end = [4], stride = [-1]);"}),
               {"slice", "stride -1"});
  expect_error(error_of(ins, {"z = slice(x, axes = [2], begin = [0], end = [1]);"}),
               {"slice", "axis 2", "[2, 4]"});
}

// torch_to_nnef 0.24.12's fragments, verbatim and in its order: dyn_slice is
// written before the within_bound_index it calls (tract resolves fragments
// from the whole document).
const char* kDynSliceFragments = R"NNEF(
fragment dyn_slice(
    input: tensor<scalar>,
    axis: tensor<scalar>,
    begin: tensor<scalar>,
    end: tensor<scalar>,
    stride: tensor<scalar>
) -> ( output: tensor<scalar> )
{
    input_shape = tract_core_shape_of(input);
    input_dim = slice(input_shape, axes=[0], begin=[axis], end=[axis + 1], stride=[1]);
    input_axis_size = squeeze(input_dim, axes=[0]);
    output = slice(
        input,
        axes = [axis],
        begin=[within_bound_index(begin, input_axis_size)],
        end = [within_bound_index(end, input_axis_size)],
        stride = [stride]
    );
}
fragment dyn_slice_begin(
    input: tensor<scalar>,
    axis: tensor<scalar>,
    begin: tensor<scalar>,
    stride: tensor<scalar>
) -> ( output: tensor<scalar> )
{
    input_shape = tract_core_shape_of(input);
    input_dim = slice(input_shape, axes=[0], begin=[axis], end=[axis + 1], stride=[1]);
    input_axis_size = squeeze(input_dim, axes=[0]);
    output = slice(
        input,
        axes = [axis],
        begin=[within_bound_index(begin, input_axis_size)],
        end = [input_axis_size],
        stride = [stride]
    );
}
fragment within_bound_index(
    index: tensor<scalar>,
    input_axis_size: tensor<scalar>
) -> ( bounded_index: tensor<scalar> )
{
    cond = ge(index, 0);
    offset = select(cond, 0, input_axis_size);
    bounded_index = tract_core_cast(min(max(0, offset + index), input_axis_size), to="tdim");
}
)NNEF";

TEST_P(IndexOps, TorchToNnefDynSliceFragmentsOnADynamicTimeAxis) {
  const std::vector<std::string> dim{
      "s = tract_core_shape_of(x);",
      "t = squeeze(slice(s, axes = [0], begin = [1], end = [2], stride = [1]), axes = [0]);"};
  for (int64_t T : {5, 8}) {
    const std::vector<In> ins{{"x", xin({1, T, 1}), "[1, T, 1]"}};
    auto with = [&](const std::string& last) {
      auto b = dim;
      b.push_back(last);
      return run(ins, b, p(), kDynSliceFragments);
    };
    // x[:, : x.shape[1] - 1]
    EXPECT_EQ(with("z = dyn_slice(x, axis = 1, begin = 0, stride = 1, end = t - 1);").shape(),
              (Shape{1, T - 1, 1}));
    // x[:, -2:]
    EXPECT_EQ(as_doubles(with("z = dyn_slice_begin(x, axis = 1, begin = -2, stride = 1);")),
              (std::vector<double>{static_cast<double>(T - 2), static_cast<double>(T - 1)}));
    // x[:, 1 : T - 1 : 2]
    const Tensor st = with("z = dyn_slice(x, axis = 1, begin = 1, stride = 2, end = t - 1);");
    EXPECT_EQ(st.shape(), (Shape{1, (T - 2 + 1) / 2, 1}));
    EXPECT_EQ(as_doubles(st)[0], 1.0);
    // out-of-range bounds are clamped by within_bound_index: x[:, -100 : 100]
    EXPECT_EQ(with("z = dyn_slice(x, axis = 1, begin = -100, stride = 1, end = t + 100);").shape(),
              (Shape{1, T, 1}));
  }
}

TEST(IndexOps64, RangeAndTdimCast) {
  const std::vector<In> ins{{"x", iota({2, 5}), "[2, T]"}};
  const Tensor r = run(ins, {"s = tract_core_shape_of(x);",
                             "n = squeeze(slice(s, axes = [0], begin = [1], end = [2]), axes = [0]);",
                             "z = tract_core_range(0, n, step = 1);"});
  EXPECT_EQ(as_ints(r), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(as_ints(run(ins, {"z = tract_core_range(5, 0, -2);"})), (std::vector<int64_t>{5, 3, 1}));
  EXPECT_EQ(run(ins, {"z = tract_core_range(3, 3, 1);"}).shape(), (Shape{0}));
  expect_error(error_of(ins, {"z = tract_core_range(0, 3, 0);"}),
               {"t/graph.nnef:7:", "tract_core_range", "step is 0"});
  EXPECT_EQ(as_ints(run(ins, {"z = tract_core_cast(tract_core_shape_of(x), to = 'tdim');"})),
            (std::vector<int64_t>{2, 5}));
  // arange < lengths[:, None] over a dynamic length (the length-mask pattern)
  const Tensor mask = run({{"x", iota({2, 3}), "[2, T]"}, {"len", i64({2}, {1, 3}), "[2]"}},
                          {"s = tract_core_shape_of(x);",
                           "n = squeeze(slice(s, axes = [0], begin = [1], end = [2]), axes = [0]);",
                           "a = unsqueeze(tract_core_range(0, n, step = 1), axes = [0]);",
                           "z = tract_core_cast(lt(a, unsqueeze(len, axes = [1])), to = 'f32');"});
  EXPECT_EQ(as_doubles(mask), (std::vector<double>{1, 0, 0, 1, 1, 1}));
}

TEST_P(IndexOps, F64DataUnderScalarVariable) {
  // torch_to_nnef stores a Python float factor as an f64 .dat under variable<scalar>
  const Tensor z =
      run({{"x", xin({2}), "[2]"}},
          {"v = variable<scalar>(label = 'v', shape = []);", "z = mul(x, tract_core_cast(v, to = 'f32'));"},
          p(), "", {{"v", Tensor::from<double>({}, std::vector<double>{0.1})}});
  EXPECT_EQ(z.dtype(), fdt());
  if (p() == Precision::f64)
    EXPECT_EQ(as_doubles(z)[1], 0.1);  // the f64 run keeps the double
  else
    EXPECT_EQ(z.span<float>()[1], 0.1f);
}

INSTANTIATE_TEST_SUITE_P(Precisions, IndexOps, ::testing::Values(Precision::f32, Precision::f64),
                         [](const auto& param_info) {
                           return param_info.param == Precision::f64 ? "f64" : "f32";
                         });

}  // namespace
}  // namespace rnnconf::cpu
