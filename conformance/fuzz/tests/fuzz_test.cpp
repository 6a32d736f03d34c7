// The fuzz machinery without LibTorch (our own float64 reference as oracle):
// configurations are deterministic and replay from their line, every axis of
// RnnSpec is drawn, a clean system passes, and a deliberately broken system
// is caught and shrunk to the smallest configuration that still fails.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "rnnconf/core/error.hpp"
#include "rnnconf/fuzz/differential.hpp"
#include "rnnconf/fuzz/torch_oracle.hpp"

using namespace rnnconf;
using namespace rnnconf::fuzz;
namespace fs = std::filesystem;

namespace {

const conformance::Policy& policy() {
  static const conformance::Policy p = conformance::load_policy(fs::path(RNNCONF_SOURCE_DIR) / "conformance" / "POLICY.md");
  return p;
}

// Broken on purpose: adds 1e-3 to every output of stacked layers wider than 4.
SystemFn broken_system() {
  const SystemFn good = emitter_on_reference_cpu("fused");
  return [good](const FuzzConfig& c, const CaseData& d) {
    auto out = good(c, d);
    if (c.spec.layers >= 2 && c.spec.H >= 5)
      for (auto& [name, t] : out)
        for (float& v : t.span<float>()) v += 1e-3f;
    return out;
  };
}

}  // namespace

TEST(FuzzConfig, LineRoundTripsAndGenerationIsDeterministic) {
  for (uint64_t i = 0; i < 500; ++i) {
    const FuzzConfig c = random_config(7, i);
    EXPECT_EQ(parse_line(to_line(c)), c) << to_line(c);
    EXPECT_EQ(random_config(7, i), c);
  }
  EXPECT_NE(to_line(random_config(7, 0)), to_line(random_config(8, 0)));
  EXPECT_THROW(parse_line("lstm_l1_uni_tm_bias_h0_I5H7_B3T4/seed=x/w=1/x=1"), Error);
  EXPECT_THROW(parse_line("lstm_l1_uni_tm_bias_h0_I5H7_B3T4/seed=1/w=-1/x=1"), Error);
  EXPECT_THROW(parse_line("lstm_l1_uni_tm_bias_h0_I5H7_B3T4"), Error);
}

TEST(FuzzConfig, EveryAxisIsDrawn) {
  std::set<std::string> seen;
  int64_t max_I = 0, max_H = 0, max_T = 0;
  int max_layers = 0;
  for (uint64_t i = 0; i < 3000; ++i) {
    const RnnSpec s = random_config(1, i).spec;
    seen.insert(std::string(kind_name(s.kind)) + (s.cell ? "_cell" : ""));
    if (s.proj > 0) seen.insert("proj");
    if (s.bidirectional) seen.insert("bidi");
    if (s.batch_first) seen.insert("bf");
    if (!s.bias) seen.insert("nobias");
    if (s.state) seen.insert("state");
    if (s.entry == RnnSpec::Entry::aten) seen.insert("aten");
    max_I = std::max(max_I, s.I);
    max_H = std::max(max_H, s.H);
    max_T = std::max(max_T, s.T);
    max_layers = std::max(max_layers, s.layers);
  }
  for (const char* k : {"lstm", "gru", "rnn_tanh", "rnn_relu", "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell",
                        "proj", "bidi", "bf", "nobias", "state", "aten"})
    EXPECT_TRUE(seen.count(k)) << k;
  EXPECT_EQ(max_I, 96);
  EXPECT_EQ(max_H, 96);
  EXPECT_EQ(max_T, 40);
  EXPECT_EQ(max_layers, 4);
}

TEST(FuzzDifferential, ReplayReproducesTheSameVerdictAndData) {
  const FuzzConfig c = parse_line("gru_l2_bidi_bf_bias_h0_I13H9_B2T5/seed=42/w=1/x=4");
  const CaseData a = make_case_data(c), b = make_case_data(parse_line(to_line(c)));
  EXPECT_EQ(a.params, b.params);
  EXPECT_EQ(a.inputs, b.inputs);
  const FuzzVerdict v1 = judge_config(c, self_oracle(), broken_system(), policy());
  const FuzzVerdict v2 = judge_config(parse_line(to_line(c)), self_oracle(), broken_system(), policy());
  EXPECT_EQ(v1.outcome, FuzzOutcome::failed);
  EXPECT_EQ(v1.detail, v2.detail);
  EXPECT_EQ(judge_config(c, self_oracle(), emitter_on_reference_cpu("fused"), policy()).outcome, FuzzOutcome::passed);
}

TEST(FuzzDifferential, CleanSystemPassesAShortRun) {
  FuzzRunConfig cfg;
  cfg.seed = 3;
  cfg.seconds = 0;
  cfg.count = 60;
  const FuzzStats st = run_fuzz(cfg, self_oracle(), emitter_on_reference_cpu("literal"), policy());
  EXPECT_EQ(st.configurations, 60);
  EXPECT_EQ(st.failed, 0) << (st.failures.empty() ? "" : to_line(st.failures.front().original) + ": " + st.failures.front().detail);
  EXPECT_GT(st.passed, 30);
}

TEST(FuzzDifferential, ShrinkingFindsTheMinimalConfigurationOfAnInjectedBug) {
  const FuzzConfig big = parse_line("lstm_l4_bidi_bf_bias_h0_I37H23P11_B6T17_aten/seed=5/w=3/x=4");
  const FuzzVerdict v = judge_config(big, self_oracle(), broken_system(), policy());
  ASSERT_EQ(v.outcome, FuzzOutcome::failed);
  const ShrinkResult s = shrink(big, v, self_oracle(), broken_system(), policy());
  EXPECT_EQ(s.verdict.outcome, FuzzOutcome::failed);
  // The bug needs two layers and H >= 5, nothing else.
  EXPECT_EQ(to_line(s.config), "lstm_l2_uni_tm_nobias_noh0_I1H5_B1T1/seed=5/w=1/x=1") << s.steps << " steps";
  // The shrunk repro replays to the same failure.
  EXPECT_EQ(judge_config(parse_line(to_line(s.config)), self_oracle(), broken_system(), policy()).outcome,
            FuzzOutcome::failed);
}

TEST(FuzzDifferential, RunLoopReportsShrunkFailures) {
  FuzzRunConfig cfg;
  cfg.seed = 11;
  cfg.seconds = 0;
  cfg.count = 25;
  const FuzzStats st = run_fuzz(cfg, self_oracle(), broken_system(), policy());
  EXPECT_EQ(st.configurations, 25);
  ASSERT_GT(st.failed, 0);
  for (const auto& f : st.failures) {
    EXPECT_EQ(f.shrunk.spec.layers, 2) << to_line(f.shrunk);
    EXPECT_EQ(f.shrunk.spec.H, 5) << to_line(f.shrunk);
    EXPECT_EQ(f.shrunk.spec.T, 1) << to_line(f.shrunk);
  }
}

// With the oracle module (built with LibTorch and loadable), it computes; without
// it, every entry point says why, and torch_oracle() refuses with that reason.
TEST(FuzzOracle, LoadsOrRefusesClearly) {
  std::string why;
  if (have_libtorch(why)) {
    EXPECT_FALSE(libtorch_version().empty());
    const FuzzConfig c = parse_line("gru_l1_uni_tm_bias_h0_I3H4_B2T3/seed=5/w=1/x=1");
    const Reference r = torch_oracle()(c, make_case_data(c));
    ASSERT_TRUE(r.f32.count("y") && r.f64.count("y"));
    EXPECT_EQ(r.f32.at("y").dtype(), DType::f32);
    EXPECT_EQ(r.f64.at("y").dtype(), DType::f64);
    EXPECT_EQ(r.f32.at("y").shape(), (Shape{3, 2, 4}));
    // Through the boundary it is the oracle `rnnconf fuzz` uses: our emitter + reference_cpu passes the policy against it.
    const FuzzVerdict v = judge_config(c, torch_oracle(), emitter_on_reference_cpu("fused"), policy());
    EXPECT_EQ(v.outcome, FuzzOutcome::passed) << v.detail;
    return;
  }
  EXPECT_TRUE(libtorch_version().empty());
  EXPECT_TRUE(why.find("built without LibTorch") != std::string::npos ||
              why.find("librnnconf_fuzz_oracle_torch.so") != std::string::npos)
      << why;
  try {
    torch_oracle();
    ADD_FAILURE() << "torch_oracle() returned without the LibTorch oracle";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
}
