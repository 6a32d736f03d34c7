// CudaExecutor with the graph on the device (GTEST_SKIP without a GPU):
// per run exactly one upload per graph input and one download per graph
// output (CudaExecutorStats), the layout ops run on the device, model
// variables are uploaded once per executor; the two lanes give the same bits
// as one lane (bidirectional layers' directions concurrently vs serially);
// the paired input projection (one batched GEMM for both directions) agrees
// with one GEMM per direction within the float32 bound;
// ops without a device implementation and unknown fragments run on the CPU
// with warnings naming them, results still matching the CPU executor.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "golden_test_support.hpp"
#include "gpu_test_support.hpp"
#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cuda/executor.hpp"

namespace rnnconf::cuda {
namespace {

using testing::as_double;
using testing::fallback_warning;
using testing::golden_dir;
using testing::same_bits;




class ResidencyOnCuda : public ::testing::TestWithParam<std::string> {};

TEST_P(ResidencyOnCuda, OneUploadPerInputOneDownloadPerOutput) {
  RNNCONF_REQUIRE_GPU();
  const conformance::Golden g = conformance::load_golden(golden_dir(GetParam()));
  const nnef::Model model = nnef::load_model(*g.export_path);
  const cpu::RunResult want = cpu::run_model(model, g.inputs, cpu::RunOptions{});
  CudaExecutor exec(model);
  const CudaExecutorStats s0 = exec.stats();
  const cpu::RunResult first = exec.run(g.inputs);
  const CudaExecutorStats s1 = exec.stats();
  const cpu::RunResult second = exec.run(g.inputs);
  const CudaExecutorStats s2 = exec.stats();
  for (const auto& w : first.warnings) EXPECT_FALSE(fallback_warning(w)) << w;
  const auto inputs = static_cast<int64_t>(g.inputs.size()), outputs = static_cast<int64_t>(want.outputs.size());
  EXPECT_EQ(s1.host_to_device - s0.host_to_device, inputs) << "uploads in run 1";
  EXPECT_EQ(s1.device_to_host - s0.device_to_host, outputs) << "downloads in run 1";
  EXPECT_EQ(s2.host_to_device - s1.host_to_device, inputs) << "uploads in run 2";
  EXPECT_EQ(s2.device_to_host - s1.device_to_host, outputs) << "downloads in run 2";
  EXPECT_EQ(s2.variable_uploads, s1.variable_uploads) << "variables uploaded again";
  EXPECT_EQ(s2.weight_uploads, s1.weight_uploads) << "weights uploaded again";
  EXPECT_GT(s1.device_layout_ops, 0) << "no layout op ran on the device";
  for (const auto& [name, t] : want.outputs) {
    SCOPED_TRACE(name);
    EXPECT_LE(testing::max_rel_error(as_double(first.outputs.at(name)), as_double(t)), 2 * testing::kFloatBound);
    EXPECT_TRUE(same_bits(first.outputs.at(name), second.outputs.at(name))) << "run 2 differs from run 1";
  }
  for (const auto& [name, truth] : g.truth)
    EXPECT_LE(testing::max_rel_error(as_double(first.outputs.at(name)), as_double(truth)), 1e-4) << "truth " << name;
}

// Batch-first and time-major, uni and bidirectional, 1-3 layers, with and
// without a given state (tile of a variable), with projection.
const std::vector<std::string> kResidencyCases = {
    "lstm_l2_bidi_bf_bias_noh0_I5H7_B3T4", "gru_l2_bidi_tm_bias_noh0_I5H7_B3T4", "rnn_tanh_l2_bidi_bf_bias_noh0_I5H7_B3T4",
    "lstm_l3_uni_tm_bias_h0_I5H7_B3T4",    "lstm_l1_uni_tm_bias_h0_I5H7P3_B3T4", "gru_l2_bidi_bf_bias_noh0_I13H37_B2T16",
    "rnn_relu_l1_uni_tm_bias_h0_I13H37_B2T16", "lstm_l2_uni_bf_bias_h0_I5H7_B3T4"};

INSTANTIATE_TEST_SUITE_P(Cases, ResidencyOnCuda, ::testing::ValuesIn(kResidencyCases),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

TEST(CudaExecutorLanes, TwoLanesBitIdenticalToOne) {
  RNNCONF_REQUIRE_GPU();
  for (const char* name : {"lstm_l2_bidi_bf_bias_noh0_I5H7_B3T4", "gru_l2_bidi_bf_bias_noh0_I13H37_B2T16",
                           "rnn_tanh_l2_bidi_bf_bias_noh0_I5H7_B3T4", "lstm_l3_uni_tm_bias_h0_I5H7_B3T4"}) {
    SCOPED_TRACE(name);
    const conformance::Golden g = conformance::load_golden(golden_dir(name));
    const nnef::Model model = nnef::load_model(*g.export_path);
    CudaExecutorOptions one;
    one.lanes = 1;
    CudaExecutor serial(model, one);
    CudaExecutor concurrent(model);
    const cpu::RunResult a = serial.run(g.inputs);
    const cpu::RunResult b = concurrent.run(g.inputs);
    const cpu::RunResult c = concurrent.run(g.inputs);  // replayed graphs, both lanes again
    for (const auto& [out, t] : a.outputs) {
      EXPECT_TRUE(same_bits(b.outputs.at(out), t)) << out << ": two lanes differ from one";
      EXPECT_TRUE(same_bits(c.outputs.at(out), t)) << out << ": second two-lane run differs";
    }
  }
}

TEST(CudaExecutorPairing, PairedProjectionsMatchOneGemmPerDirection) {
  RNNCONF_REQUIRE_GPU();
  for (const char* name : {"lstm_l2_bidi_bf_bias_noh0_I5H7_B3T4", "gru_l2_bidi_bf_bias_noh0_I13H37_B2T16",
                           "rnn_tanh_l2_bidi_bf_bias_noh0_I5H7_B3T4", "lstm_l3_uni_tm_bias_h0_I5H7_B3T4"}) {
    SCOPED_TRACE(name);
    const bool bidi = std::string(name).find("_bidi_") != std::string::npos;
    const conformance::Golden g = conformance::load_golden(golden_dir(name));
    const nnef::Model model = nnef::load_model(*g.export_path);
    CudaExecutorOptions unpaired;
    unpaired.pair_input_projections = false;
    CudaExecutor single(model, unpaired);
    CudaExecutor paired(model);
    const cpu::RunResult a = single.run(g.inputs);
    const cpu::RunResult b = paired.run(g.inputs);
    EXPECT_EQ(single.stats().paired_projections, 0);
    // One pair per bidirectional layer (2 layers here), none without a partner.
    EXPECT_EQ(paired.stats().paired_projections, bidi ? 2 : 0);
    for (const auto& [out, t] : a.outputs)
      EXPECT_LE(testing::max_rel_error(as_double(b.outputs.at(out)), as_double(t)), 2 * testing::kFloatBound) << out;
    for (const auto& [out, truth] : g.truth)
      EXPECT_LE(testing::max_rel_error(as_double(b.outputs.at(out)), as_double(truth)), 1e-4) << "truth " << out;
  }
}

TEST(CudaExecutorFallback, PrimitiveOpsRunOnCpuWithWarnings) {
  RNNCONF_REQUIRE_GPU();
  // torch_to_nnef exports nn.GRUCell as primitives (linear, add, sigmoid, ...).
  const conformance::Golden g = conformance::load_golden(golden_dir("gru_cell_bias_h0_I5H7_B3"));
  const nnef::Model model = nnef::load_model(*g.export_path);
  const cpu::RunResult want = cpu::run_model(model, g.inputs, cpu::RunOptions{});
  CudaExecutor exec(model);
  const cpu::RunResult got = exec.run(g.inputs);
  bool warned = false;
  for (const auto& w : got.warnings) warned = warned || (w.find("device cuda: op '") == 0 && fallback_warning(w));
  EXPECT_TRUE(warned);
  for (const auto& [out, t] : want.outputs)
    EXPECT_LE(testing::max_rel_error(as_double(got.outputs.at(out)), as_double(t)), 2 * testing::kFloatBound) << out;
}

TEST(CudaExecutorFallback, UnknownFragmentRunsLiterally) {
  RNNCONF_REQUIRE_GPU();
  const testing::UnknownFragmentCase c = testing::unknown_fragment_case();
  const nnef::Model& model = c.model;
  const auto& inputs = c.inputs;
  const cpu::RunResult want = cpu::run_model(model, inputs, cpu::RunOptions{});
  CudaExecutor exec(model);
  const cpu::RunResult got = exec.run(inputs);
  EXPECT_TRUE(same_bits(got.outputs.at("z"), want.outputs.at("z")));
  bool said = false;
  for (const auto& w : got.warnings) said = said || w.find("'my_pack'") != std::string::npos;
  EXPECT_TRUE(said) << "no warning names the literal fragment";
}

}  // namespace
}  // namespace rnnconf::cuda
