// tract_core_scan, literal semantics (nnef_format.md §5.1): forward and
// reversed (negative chunk: outputs written back in time order), chunks of
// 2, "full" vs "last", state threading, and the malformed scans (mismatched
// iteration counts, unbound/twice-bound parameters, state pairing, bad kind).
// Several of these are already refused by the static checks (nnef/check.hpp)
// at load time; the tests accept either, as long as the error names line 11.
#include <gtest/gtest.h>

#include "executor_test_support.hpp"

namespace rnnconf::cpu {
namespace {

using namespace testing;

// Line 1-2 header, 3-6 body fragment `acc`, then the graph from line 7:
// 7 `graph`, 8 `{`, 9 x, 10 s0, 11 the scan.
std::string scan_model(const std::string& scan_args, const std::string& lhs = "(full, last)",
                       const std::string& x_shape = "[4, 1]") {
  return "version 1.0;\nextension tract_registry tract_core;\n"
         "fragment acc( s_prev: tensor<scalar>, x_t: tensor<scalar>, w: tensor<scalar> )\n"
         "  -> ( s: tensor<scalar>, y: tensor<scalar> )\n"
         "{ s = s_prev + x_t * w; y = s * 10.0; }\n"
         "\n"
         "graph g(x, s0) -> (full, last)\n{\n"
         "    x = tract_core_external(shape = " + x_shape + ", datum_type = 'f32');\n"
         "    s0 = tract_core_external(shape = [1, 1], datum_type = 'f32');\n"
         "    " + lhs + " = tract_core_scan(body = 'acc', " + scan_args + ");\n}\n";
}

Tensor column(std::vector<float> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return f32({n, 1}, std::move(v));
}

std::map<std::string, Tensor> inputs4() { return {{"x", column({1, 2, 3, 4})}, {"s0", f32({1, 1}, {100})}}; }

const char* kForward =
    "scan = [('x_t', x, 0, 1)], full = [('w', s0)], state = [('s_prev', s0, 's')], "
    "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]";

TEST(ScanOp, ForwardFullAndLast) {
  // w = s0 = 100 (full), state starts at 100: s = 100 + 100·x_t cumulatively.
  const RunResult r = run_model(model_from_text(scan_model(kForward)), inputs4(), literal_f32());
  EXPECT_EQ(r.outputs.at("full").shape(), (Shape{4, 1}));
  EXPECT_EQ(values(r.outputs.at("full")), (std::vector<float>{200, 400, 700, 1100}));
  EXPECT_EQ(values(r.outputs.at("last")), (std::vector<float>{11000}));
}

TEST(ScanOp, NegativeChunkWalksBackwardsAndWritesInTimeOrder) {
  const RunResult r = run_model(
      model_from_text(scan_model("scan = [('x_t', x, 0, -1)], full = [('w', s0)], state = [('s_prev', s0, 's')], "
                                 "output = [('s', 'full', 0, -1), ('y', 'last', 0, -1)]")),
      inputs4(), literal_f32());
  // steps visit t = 3, 2, 1, 0; position t holds the state after visiting t.
  EXPECT_EQ(values(r.outputs.at("full")), (std::vector<float>{1100, 1000, 800, 500}));
  EXPECT_EQ(values(r.outputs.at("last")), (std::vector<float>{11000}));
}

TEST(ScanOp, ChunksOfTwo) {
  // x [4,1] in chunks of 2: s_prev [1,1] + x_t [2,1] -> s [2,1]; then the
  // state has shape [2,1] for the second step.
  const RunResult r = run_model(
      model_from_text(scan_model("scan = [('x_t', x, 0, 2)], full = [('w', s0)], state = [('s_prev', s0, 's')], "
                                 "output = [('s', 'full', 0, 2), ('y', 'last', 0, 2)]")),
      inputs4(), literal_f32());
  EXPECT_EQ(values(r.outputs.at("full")), (std::vector<float>{200, 300, 500, 700}));
}

TEST(ScanOp, SkipDropsLeadingIterations) {
  const RunResult r = run_model(
      model_from_text(scan_model(std::string(kForward) + ", skip = 3", "(full, last)")), inputs4(), literal_f32());
  EXPECT_EQ(values(r.outputs.at("full")), (std::vector<float>{500}));
}

void expect_scan_error(const std::string& args, const std::vector<std::string>& parts,
                       const std::string& x_shape = "[4, 1]", std::map<std::string, Tensor> in = inputs4()) {
  const std::string msg = run_error(scan_model(args, "(full, last)", x_shape), in);
  ASSERT_FALSE(msg.empty());
  EXPECT_NE(msg.find("t/graph.nnef:11:"), std::string::npos) << msg;
  for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "'" << p << "' not in: " << msg;
}

TEST(ScanOpErrors, MismatchedIterationCounts) {
  expect_scan_error(
      "scan = [('x_t', x, 0, 1), ('w', s0, 0, 1)], full = [], state = [('s_prev', s0, 's')], "
      "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]",
      {"iteration counts", "[4, 1]", "[1, 1]"});
}

TEST(ScanOpErrors, UnboundAndTwiceBoundParameters) {
  expect_scan_error("scan = [('x_t', x, 0, 1)], full = [], state = [('s_prev', s0, 's')], "
                    "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]",
                    {"'w'", "not bound"});
  expect_scan_error("scan = [('x_t', x, 0, 1)], full = [('w', s0), ('x_t', s0)], state = [('s_prev', s0, 's')], "
                    "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]",
                    {"'x_t'", "twice"});
  expect_scan_error("scan = [('x_t', x, 0, 1)], full = [('w', s0), ('nope', s0)], state = [('s_prev', s0, 's')], "
                    "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]",
                    {"'nope'"});
}

TEST(ScanOpErrors, BadStateOutputAndChunk) {
  expect_scan_error("scan = [('x_t', x, 0, 1)], full = [('w', s0)], state = [('s_prev', s0, 'zz')], "
                    "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]",
                    {"'zz'"});
  expect_scan_error("scan = [('x_t', x, 0, 1)], full = [('w', s0)], state = [('s_prev', s0, 's')], "
                    "output = [('s', 'middle', 0, 1), ('y', 'last', 0, 1)]",
                    {"'middle'"});
  expect_scan_error("scan = [('x_t', x, 0, 0)], full = [('w', s0)], state = [('s_prev', s0, 's')], "
                    "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]",
                    {"chunk"});
  expect_scan_error("scan = [('x_t', x, 2, 1)], full = [('w', s0)], state = [('s_prev', s0, 's')], "
                    "output = [('s', 'full', 0, 1), ('y', 'last', 0, 1)]",
                    {"axis 2"});
}

TEST(ScanOpErrors, StatePairingByNameMustMatchTractsPositionalPairing) {
  // Parameters (a_prev, b_prev) but results (b, a): by name a_prev <- a, while
  // tract pairs the 1st state parameter with the 1st flagged result (b).
  const std::string text =
      "version 1.0;\nextension tract_registry tract_core;\n"
      "fragment two( a_prev: tensor<scalar>, b_prev: tensor<scalar>, x_t: tensor<scalar> )\n"
      "  -> ( b: tensor<scalar>, a: tensor<scalar> )\n"
      "{ a = a_prev + x_t; b = b_prev * x_t; }\n"
      "\n"
      "graph g(x, s0) -> (full, last)\n{\n"
      "    x = tract_core_external(shape = [4, 1], datum_type = 'f32');\n"
      "    s0 = tract_core_external(shape = [1, 1], datum_type = 'f32');\n"
      "    (full, last) = tract_core_scan(body = 'two', scan = [('x_t', x, 0, 1)], full = [], "
      "state = [('a_prev', s0, 'a'), ('b_prev', s0, 'b')], output = [('a', 'full', 0, 1), ('b', 'last', 0, 1)]);\n}\n";
  const std::string msg = run_error(text, inputs4());
  EXPECT_NE(msg.find("t/graph.nnef:11:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pair"), std::string::npos) << msg;
}

}  // namespace
}  // namespace rnnconf::cpu
