// End-to-end: every small-tier case is emitted by our emitter, loaded like
// any model (nnef::load_model) and run by the reference executor in float32,
// fragments literal and fused; every output must pass the policy of
// conformance/POLICY.md against the float64 truth, including the cases where
// torch_to_nnef's export is a known defect (conformance/expectations.json).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "emitter_test_support.hpp"
#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/emitter/emitter.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cpu/fragment_identity.hpp"

namespace rnnconf::emitter {
namespace {

using namespace testing;
namespace fs = std::filesystem;

fs::path scratch_dir() {
  fs::path dir = fs::temp_directory_path() / ("rnnconf_emitter_e2e_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

// Runs our emitted model of `name` and returns the judgements' failures ("" when all pass).
std::string failures_of(const std::string& name, cpu::FragmentMode mode, const conformance::Policy& policy,
                        const fs::path& model_path) {
  const RnnSpec spec = case_spec(name);
  const conformance::Golden golden = conformance::load_golden(case_dir(name));
  const nnef::Model model = nnef::load_model(model_path);
  cpu::RunOptions options;
  options.precision = cpu::Precision::f32;
  options.mode = mode;
  const cpu::RunResult result = cpu::run_model(model, golden.inputs, options);
  std::string failures;
  // Fused mode binds a kernel exactly when the fragment's identity is in
  // reference_cpu's known table (ours are listed by OurFragmentIdentities).
  if (mode == cpu::FragmentMode::fused)
    for (const cpu::FragmentCallInfo& call : result.calls) {
      const bool known = cpu::find_known_fragment(cpu::fragment_identity(model.doc.fragments, call.fragment)) != nullptr;
      if (call.fused != known) failures += call.fragment + ": fused = " + std::to_string(call.fused) + "; ";
    }
  for (const std::string& out : golden.output_names) {
    auto it = result.outputs.find(out);
    if (it == result.outputs.end()) {
      failures += out + ": missing; ";
      continue;
    }
    const auto j = conformance::judge_output(out, it->second, golden.torch_f32.at(out), golden.truth.at(out), policy, spec);
    if (!j.passed) failures += out + ": " + j.reason + "; ";
  }
  return failures;
}

class EmittedVsGoldens : public ::testing::TestWithParam<cpu::FragmentMode> {};

TEST_P(EmittedVsGoldens, EveryCasePassesThePolicy) {
  const conformance::Policy policy = conformance::load_policy(repo_root() / "conformance" / "POLICY.md");
  const fs::path dir = scratch_dir();
  int checked = 0;
  for (const std::string& name : small_cases()) {
    SCOPED_TRACE(name);
    const fs::path model_path = dir / (name + ".nnef.tgz");
    write_emitted(emit_module(case_spec(name), case_params(name)), model_path);
    std::string failures;
    ASSERT_NO_THROW(failures = failures_of(name, GetParam(), policy, model_path));
    EXPECT_EQ(failures, "");
    fs::remove(model_path);
    ++checked;
  }
  fs::remove_all(dir);
  EXPECT_GT(checked, 300);
}

INSTANTIATE_TEST_SUITE_P(Modes, EmittedVsGoldens,
                         ::testing::Values(cpu::FragmentMode::literal, cpu::FragmentMode::fused),
                         [](const auto& param_info) {
                           return std::string(param_info.param == cpu::FragmentMode::literal ? "literal" : "fused");
                         });

// Side by side with torch_to_nnef: where its export is correct (golden
// verdict PASS) and calls fragments, our emitted model and the export, both
// run literally in float64, agree to rounding.
TEST(EmittedVsExport, AgreeWhereTheExportIsCorrect) {
  const fs::path dir = scratch_dir();
  int compared = 0;
  for (const std::string& name : small_cases()) {
    const conformance::Golden golden = conformance::load_golden(case_dir(name));
    const auto meta = nlohmann::json::parse(read_text(case_dir(name) / "meta.json"));
    if (meta.value("verdict", "") != "PASS" || golden.export_path_kind != "fragment" || !golden.export_path) continue;
    SCOPED_TRACE(name);
    const fs::path model_path = dir / (name + ".nnef.tgz");
    write_emitted(emit_module(case_spec(name), case_params(name)), model_path);
    cpu::RunOptions options;
    options.precision = cpu::Precision::f64;
    options.mode = cpu::FragmentMode::literal;
    const cpu::RunResult ours = cpu::run_model(nnef::load_model(model_path), golden.inputs, options);
    const cpu::RunResult theirs = cpu::run_model(nnef::load_model(*golden.export_path), golden.inputs, options);
    for (const std::string& out : golden.output_names) {
      const Tensor a = ours.outputs.at(out).cast(DType::f64), b = theirs.outputs.at(out).cast(DType::f64);
      ASSERT_EQ(a.shape(), b.shape()) << out;
      double worst = 0;
      for (size_t i = 0; i < a.span<double>().size(); ++i)
        worst = std::max(worst, std::abs(a.span<double>()[i] - b.span<double>()[i]));
      EXPECT_LE(worst, 1e-12) << out;
    }
    fs::remove(model_path);
    ++compared;
  }
  fs::remove_all(dir);
  EXPECT_GT(compared, 150);
}

}  // namespace
}  // namespace rnnconf::emitter
