// Tests of the comparison policy: constants from the real POLICY.md, the floor,
// and the judgement of NaN, shape, bound and ULP cases.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/core/error.hpp"

using namespace rnnconf;
using namespace rnnconf::conformance;

namespace {

const std::filesystem::path kRoot = RNNCONF_SOURCE_DIR;

Policy real_policy() { return load_policy(kRoot / "conformance" / "POLICY.md"); }

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("rnnconf_policy_test_" + name);
  std::ofstream(p) << text;
  return p;
}

}  // namespace

TEST(Policy, LoadsTheCommittedConstants) {
  const Policy p = real_policy();
  EXPECT_GE(p.R, 2.0);
  EXPECT_LE(p.R, 4.0);
  EXPECT_EQ(p.eps_f32, std::ldexp(1.0, -23));
  EXPECT_GT(p.c, 0.0);
  EXPECT_GT(p.check_atol, 0.0);
}

TEST(Policy, FloorFollowsTheFormula) {
  const Policy p = real_policy();
  // lstm, I=5, H=7, T=4, 2 layers, bidi: c * ceil(log2(12 * 4)) * eps * 2 * 2 = c * 6 * eps * 4
  const RnnSpec s = parse_rnn_spec("lstm_l2_bidi_tm_bias_h0_I5H7_B3T4");
  EXPECT_DOUBLE_EQ(accumulation_floor(p, s), p.c * 6 * p.eps_f32 * 4);
  // Cells: T = 1, one layer, one direction: ceil(log2(12)) = 4
  const RnnSpec cell = parse_rnn_spec("gru_cell_bias_h0_I5H7_B3");
  EXPECT_DOUBLE_EQ(accumulation_floor(p, cell), p.c * 4 * p.eps_f32);
}

TEST(Policy, ExactOutputPasses) {
  const Policy p = real_policy();
  const RnnSpec s = parse_rnn_spec("gru_cell_bias_h0_I5H7_B3");
  Tensor truth = Tensor::from<double>({2, 2}, {0.1, -0.2, 0.3, 0.4});
  Tensor torch = truth.cast(DType::f32);
  OutputJudgement j = judge_output("h1", truth.cast(DType::f32), torch, truth, p, s);
  EXPECT_TRUE(j.passed) << j.reason;
  EXPECT_EQ(j.ulp_max, 0);
  EXPECT_TRUE(j.reason.empty());
}

TEST(Policy, ErrorAboveTheBoundFailsAndBelowPasses) {
  const Policy p = real_policy();
  const RnnSpec s = parse_rnn_spec("gru_cell_bias_h0_I5H7_B3");
  Tensor truth = Tensor::from<double>({3}, {0.5, 0.25, -0.125});
  Tensor torch = truth.cast(DType::f32);  // exact: e_torch = 0, so the floor A decides
  const double A = accumulation_floor(p, s);
  Tensor below = Tensor::from<double>({3}, {0.5 + 0.5 * A, 0.25, -0.125});
  Tensor above = Tensor::from<double>({3}, {0.5, 0.25 + 2.0 * A, -0.125});
  EXPECT_TRUE(judge_output("h1", below, torch, truth, p, s).passed);
  OutputJudgement j = judge_output("h1", above, torch, truth, p, s);
  EXPECT_FALSE(j.passed);
  EXPECT_EQ(j.worst_index, 1);
  EXPECT_NE(j.reason.find("> bound"), std::string::npos) << j.reason;
}

TEST(Policy, TorchErrorScalesTheBound) {
  const Policy p = real_policy();
  const RnnSpec s = parse_rnn_spec("gru_cell_bias_h0_I5H7_B3");
  Tensor truth = Tensor::from<double>({1}, {0.5});
  Tensor torch = Tensor::from<double>({1}, {0.5 + 1e-4});  // a (fictional) sloppy PyTorch
  EXPECT_TRUE(judge_output("h1", Tensor::from<double>({1}, {0.5 + 3.9e-4}), torch, truth, p, s).passed);
  EXPECT_FALSE(judge_output("h1", Tensor::from<double>({1}, {0.5 + 4.1e-4}), torch, truth, p, s).passed);
}

TEST(Policy, NanAndInfNeverPass) {
  const Policy p = real_policy();
  const RnnSpec s = parse_rnn_spec("gru_cell_bias_h0_I5H7_B3");
  Tensor truth = Tensor::from<double>({2}, {0.5, 0.25});
  Tensor torch = truth.cast(DType::f32);
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    OutputJudgement j = judge_output("h1", Tensor::from<float>({2}, {0.5f, bad}), torch, truth, p, s);
    EXPECT_FALSE(j.passed);
    EXPECT_EQ(j.nonfinite, 1);
    EXPECT_NE(j.reason.find("NaN/Inf"), std::string::npos) << j.reason;
  }
}

TEST(Policy, ShapeMismatchFails) {
  const Policy p = real_policy();
  const RnnSpec s = parse_rnn_spec("gru_cell_bias_h0_I5H7_B3");
  Tensor truth = Tensor::from<double>({2, 1}, {0.5, 0.25});
  OutputJudgement j = judge_output("h1", Tensor::from<float>({1, 2}, {0.5f, 0.25f}), truth.cast(DType::f32), truth, p, s);
  EXPECT_FALSE(j.passed);
  EXPECT_NE(j.reason.find("shape [1, 2] != expected [2, 1]"), std::string::npos) << j.reason;
}

TEST(Policy, UlpDistance) {
  EXPECT_EQ(ulp_distance_f32(1.0f, 1.0f), 0);
  EXPECT_EQ(ulp_distance_f32(1.0f, std::nextafter(1.0f, 2.0f)), 1);
  EXPECT_EQ(ulp_distance_f32(-0.0f, 0.0f), 0);
  EXPECT_EQ(ulp_distance_f32(-std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::denorm_min()), 2);
}

TEST(Policy, MistrustCountsSaturationAndReluZeros) {
  const Policy p = real_policy();
  std::map<std::string, Tensor> sat{{"h1", Tensor::from<double>({4}, {0.9995, -0.9999, 1.0, 0.1})}};
  EXPECT_TRUE(is_mistrusted(p, parse_rnn_spec("gru_cell_bias_h0_I5H7_B3"), sat));  // 3/4 > 0.5
  std::map<std::string, Tensor> relu{{"h1", Tensor::from<double>({4}, {0.0, 0.0, 0.3, 0.1})}};
  EXPECT_FALSE(is_mistrusted(p, parse_rnn_spec("rnn_relu_cell_bias_h0_I5H7_B3"), relu));  // 1/2 <= 0.75
  EXPECT_DOUBLE_EQ(mistrust_fraction(p, parse_rnn_spec("rnn_relu_cell_bias_h0_I5H7_B3"), relu), 0.5);
}

TEST(Policy, CheckWithoutTruthUsesAtolAndRtol) {
  const Policy p = real_policy();
  Tensor expect = Tensor::from<float>({2}, {1.0f, 100.0f});
  const double ok_big = 100.0 + 0.9 * (p.check_atol + p.check_rtol * 100.0);
  EXPECT_TRUE(judge_output_against_f32("y", Tensor::from<double>({2}, {1.0, ok_big}), expect, p).passed);
  const double bad_small = 1.0 + 1.1 * (p.check_atol + p.check_rtol * 1.0);
  OutputJudgement j = judge_output_against_f32("y", Tensor::from<double>({2}, {bad_small, 100.0}), expect, p);
  EXPECT_FALSE(j.passed);
  EXPECT_EQ(j.worst_index, 0);
}

TEST(Policy, IntegerOutputsAreComparedExactly) {
  const Policy p = real_policy();
  const Tensor expect = Tensor::from<int64_t>({4}, {0, 2, 1, 3});
  // With a truth (the model tier, `check --truth`) and without one (`check`).
  for (int with_truth = 0; with_truth < 2; ++with_truth) {
    auto judge = [&](const Tensor& ours) {
      return with_truth ? judge_output_generic("idx", ours, expect, expect, p)
                        : judge_output_against_f32("idx", ours, expect, p);
    };
    OutputJudgement same = judge(Tensor::from<int64_t>({4}, {0, 2, 1, 3}));
    EXPECT_TRUE(same.passed) << same.reason;
    OutputJudgement off = judge(Tensor::from<int64_t>({4}, {0, 2, 2, 3}));
    EXPECT_FALSE(off.passed);
    EXPECT_EQ(off.worst_index, 2);
    EXPECT_NE(off.reason.find("1 element(s) differ"), std::string::npos) << off.reason;
    // An index returned as a float is a dtype error, even when the values agree.
    OutputJudgement as_float = judge(expect.cast(DType::f32));
    EXPECT_FALSE(as_float.passed);
    EXPECT_NE(as_float.reason.find("dtype f32, expected i64"), std::string::npos) << as_float.reason;
  }
}

TEST(Policy, BadPolicyFilesAreRefusedWithTheFileName) {
  auto none = write_temp("none.md", "# no block\n");
  try {
    load_policy(none);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(none.string()), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no ```json block"), std::string::npos);
  }
  auto missing = write_temp("missing.md", "```json\n{\"R\": 4}\n```\n");
  try {
    load_policy(missing);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing number \"c\""), std::string::npos) << e.what();
  }
}
