// CudaExecutor on golden cases (goldens/data/<case>/): the sequence fragments
// (uni/bidirectional, 2 layers, projection) and the four *_cell fragments run
// on the GPU and match the CPU executor's fused float32 run and the float64
// truth; a second run uploads no weights and captures no graph (it replays);
// recording gives the same per-step records as the CPU executor. GTEST_SKIP
// without a GPU.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "golden_test_support.hpp"
#include "gpu_test_support.hpp"
#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cuda/executor.hpp"

namespace rnnconf::cuda {
namespace {

using testing::as_double;
using testing::golden_dir;


// A case is "<golden name>" (the committed torch_to_nnef export) or
// "emitter:<golden name>" (our emitter's model of the same weights: the only
// source of gru_cell / rnn_tanh_cell / rnn_relu_cell fragment calls, which
// torch_to_nnef exports as primitives).
struct CaseModel {
  conformance::Golden golden;
  nnef::Model model;
};

CaseModel load_case(const std::string& param) {
  const std::string prefix = "emitter:";
  const bool emitted = param.rfind(prefix, 0) == 0;
  const std::string name = emitted ? param.substr(prefix.size()) : param;
  const auto dir = golden_dir(name);
  conformance::Golden g = conformance::load_golden(dir);
  if (!emitted) {
    if (!g.export_path) throw Error(name + ": no export (" + g.export_error + ")");
    nnef::Model m = nnef::load_model(*g.export_path);
    return {std::move(g), std::move(m)};
  }
  const auto matrix = conformance::load_matrix(dir.parent_path().parent_path().parent_path() / "conformance" / "matrix.json");
  const auto sel = conformance::select_cases(matrix, "^" + name + "$", "");
  if (sel.size() != 1) throw Error(name + ": not exactly one matrix case");
  const auto tar = std::filesystem::temp_directory_path() / ("rnnconf_cuda_test_" + name + ".tar");
  conformance::emit_golden_model(sel.front(), dir, tar);
  nnef::Model m = nnef::load_model(tar);
  return {std::move(g), std::move(m)};
}

class GoldenOnCuda : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenOnCuda, MatchesCpuAndTruthAndReplays) {
  RNNCONF_REQUIRE_GPU();
  const CaseModel cm = load_case(GetParam());
  const conformance::Golden& g = cm.golden;
  const nnef::Model& model = cm.model;

  cpu::RunOptions cpu_opt;
  const cpu::RunResult cpu_run = cpu::run_model(model, g.inputs, cpu_opt);
  CudaExecutor exec(model);
  const cpu::RunResult first = exec.run(g.inputs);
  const CudaExecutorStats after_first = exec.stats();
  const cpu::RunResult second = exec.run(g.inputs);
  const CudaExecutorStats after_second = exec.stats();

  EXPECT_GT(after_first.weight_uploads, 0) << "no fused call reached the GPU";
  EXPECT_EQ(after_second.weight_uploads, after_first.weight_uploads) << "weights uploaded again";
  EXPECT_EQ(after_second.graph_captures, after_first.graph_captures) << "time loop captured again";
  EXPECT_EQ(after_second.graph_replays, 2 * after_first.graph_replays);
  for (const auto& w : first.warnings) EXPECT_EQ(w.find("ran literally on the CPU"), std::string::npos) << w;

  ASSERT_EQ(first.outputs.size(), cpu_run.outputs.size());
  for (const auto& [name, want] : cpu_run.outputs) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(first.outputs.count(name));
    const auto got = as_double(first.outputs.at(name));
    EXPECT_LE(testing::max_rel_error(got, as_double(want)), 2 * testing::kFloatBound) << "vs CPU fused float32";
    EXPECT_EQ(got, as_double(second.outputs.at(name))) << "second run differs from the first";
  }
  for (const auto& [name, truth] : g.truth) {
    SCOPED_TRACE("truth " + name);
    ASSERT_TRUE(first.outputs.count(name)) << "output missing";
    EXPECT_LE(testing::max_rel_error(as_double(first.outputs.at(name)), as_double(truth)), 1e-4);
  }
}

// Cases that the CPU executor passes in fused mode (GoldenCases.UsableOnCpu checks it).
const std::vector<std::string> kCases = {
    "lstm_l1_uni_tm_bias_h0_I5H7P3_B3T4",   "lstm_l1_uni_tm_bias_h0_I13H37_B2T16",  "lstm_l2_bidi_bf_bias_noh0_I5H7_B3T4",
    "lstm_l3_uni_tm_bias_h0_I5H7_B3T4",     "gru_l2_bidi_bf_bias_noh0_I13H37_B2T16", "gru_l1_uni_tm_bias_h0_I5H1_B3T4",
    "rnn_tanh_l2_bidi_bf_bias_noh0_I5H7_B3T4", "rnn_relu_l1_uni_tm_bias_h0_I13H37_B2T16", "lstm_cell_bias_h0_I13H37_B3",
    "lstm_cell_bias_h0_I5H1_B3",            "emitter:gru_cell_bias_h0_I13H37_B3",   "emitter:rnn_relu_cell_bias_h0_I13H37_B3",
    "emitter:rnn_tanh_cell_bias_h0_I13H37_B3", "emitter:lstm_cell_bias_noh0_I5H7_B3", "emitter:gru_cell_nobias_noh0_I5H7_B3"};

INSTANTIATE_TEST_SUITE_P(Cases, GoldenOnCuda, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           for (char& c : n)
                             if (c == ':') c = '_';
                           return n;
                         });

// The premises of GoldenOnCuda, checked without a GPU: every case loads, runs
// fused on the CPU with every fragment call fused, and its outputs cover the
// truth's names within the same 1e-4 bound.
TEST(GoldenCases, UsableOnCpu) {
  for (const std::string& name : kCases) {
    SCOPED_TRACE(name);
    const CaseModel cm = load_case(name);
    const conformance::Golden& g = cm.golden;
    const cpu::RunResult r = cpu::run_model(cm.model, g.inputs, cpu::RunOptions{});
    EXPECT_FALSE(r.calls.empty());
    for (const auto& c : r.calls) EXPECT_TRUE(c.fused) << c.fragment << " ran literally";
    ASSERT_FALSE(g.truth.empty());
    for (const auto& [out, truth] : g.truth) {
      ASSERT_TRUE(r.outputs.count(out)) << out;
      EXPECT_LE(testing::max_rel_error(as_double(r.outputs.at(out)), as_double(truth)), 1e-4) << out;
    }
  }
}

TEST(CudaExecutorRecord, SameRecordsAsCpu) {
  RNNCONF_REQUIRE_GPU();
  const conformance::Golden g = conformance::load_golden(golden_dir("lstm_l2_bidi_bf_bias_noh0_I5H7_B3T4"));
  const nnef::Model model = nnef::load_model(*g.export_path);
  cpu::RunOptions opt;
  opt.record = true;
  const cpu::RunResult want = cpu::run_model(model, g.inputs, opt);
  CudaExecutor exec(model);
  const cpu::RunResult got = exec.run(g.inputs, true);
  ASSERT_FALSE(want.records.empty());
  ASSERT_EQ(got.records.size(), want.records.size());
  for (size_t k = 0; k < want.records.size(); ++k) {
    EXPECT_EQ(got.records[k].name, want.records[k].name);
    EXPECT_LE(testing::max_rel_error(as_double(got.records[k].value), as_double(want.records[k].value)),
              2 * testing::kFloatBound)
        << want.records[k].name;
  }
}

TEST(CudaExecutorNoDevice, ConstructorSaysNoGpu) {
  std::string why;
  if (device_present(why)) GTEST_SKIP() << "a GPU is present";
  const conformance::Golden g = conformance::load_golden(golden_dir("gru_cell_bias_h0_I13H37_B3"));
  const nnef::Model model = nnef::load_model(*g.export_path);
  try {
    CudaExecutor exec(model);
    FAIL() << "constructed without a GPU";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("device cuda: no GPU present"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rnnconf::cuda
