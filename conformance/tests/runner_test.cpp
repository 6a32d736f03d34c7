// The runner end to end on the committed goldens: every matrix case gets the
// verdict the expectations file predicts, on both CPU engines, and the
// planted errors (mutants.hpp) each make the runner fail on the cases they
// should.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "committed_data.hpp"
#include "rnnconf/conformance/mutants.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

using namespace rnnconf;
using namespace rnnconf::conformance;
namespace fs = std::filesystem;

namespace {

using test_data::kRoot;

const test_data::CommittedData& fixture() { return test_data::committed_data(); }

// Runs a mutated copy of the model in memory; records how many edits the mutant made.
ExecuteFn mutating_executor(const Mutant& mutant, int& edits) {
  return [&mutant, &edits](const fs::path& model, const std::map<std::string, Tensor>& inputs, const std::string& mode,
                           const std::string&) {
    EditableModel m = read_editable_model(model);
    edits = mutant.apply(m);
    const auto bytes = nnef::write_model_archive_bytes(m.graph, m.variables_by_label, std::nullopt, false);
    const nnef::Model loaded = nnef::load_model_files(nnef::open_model_archive_bytes(bytes, "mutant-" + mutant.name + ".tar"));
    cpu::RunOptions opt;
    opt.mode = mode == "literal" ? cpu::FragmentMode::literal : cpu::FragmentMode::fused;
    cpu::RunResult rr = cpu::run_model(loaded, inputs, opt);
    return ExecOutput{std::move(rr.outputs), std::move(rr.warnings)};
  };
}

}  // namespace

class RunnerMatrix : public ::testing::TestWithParam<std::string> {};

TEST_P(RunnerMatrix, EveryCaseGetsItsExpectedVerdict) {
  const auto& f = fixture();
  ASSERT_GT(f.cases.size(), 200u);
  Summary s;
  for (const auto& c : f.cases) {
    const CaseResult r = run_case(c, kRoot / "goldens" / "data" / c.name, f.policy, f.expectations,
                                  find_engine(GetParam()), execute_default);
    EXPECT_EQ(r.engine, GetParam());
    s.add(r);
    EXPECT_TRUE(r.outcome == Outcome::passed || r.outcome == Outcome::expected_failure ||
                r.outcome == Outcome::mistrusted)
        << c.name << " " << GetParam() << ": " << outcome_name(r.outcome) << " " << r.error
        << (r.outputs.empty() ? "" : " " + r.outputs.front().reason);
    if (r.outcome == Outcome::passed) {
      EXPECT_TRUE(r.warnings.empty() || GetParam() == "cpu-literal") << c.name;
    }
  }
  EXPECT_EQ(s.unexpected_failures, 0);
  EXPECT_EQ(s.unexpected_passes, 0);
  EXPECT_EQ(s.skipped, 0);
  EXPECT_GT(s.passed, 150);
}

INSTANTIATE_TEST_SUITE_P(Engines, RunnerMatrix, ::testing::Values("cpu", "cpu-literal"));

class PlantedError : public ::testing::TestWithParam<size_t> {};

TEST_P(PlantedError, IsCaughtOnEveryCaseItApplies) {
  const auto& f = fixture();
  const Mutant mutant = planted_mutants().at(GetParam());
  const std::regex applies(mutant.applies_to);
  int applicable = 0, caught = 0;
  for (const auto& c : f.cases) {
    if (!std::regex_search(c.name, applies)) continue;
    if (f.expectations.find(c.name)) continue;  // already failing unmutated: cannot show a kill
    int edits = 0;
    const CaseResult r = run_case(c, kRoot / "goldens" / "data" / c.name, f.policy, f.expectations,
                                  find_engine("cpu"), mutating_executor(mutant, edits));
    if (edits == 0) continue;
    ++applicable;
    if (r.outcome == Outcome::unexpected_failure) ++caught;
    else ADD_FAILURE() << mutant.name << " survived on " << c.name << " (" << outcome_name(r.outcome)
                       << ", err " << r.worst_abs_error << ")";
  }
  EXPECT_GE(applicable, 4) << mutant.name << " applied to too few cases to prove anything";
  EXPECT_EQ(caught, applicable) << mutant.name;
}

INSTANTIATE_TEST_SUITE_P(Mutants, PlantedError, ::testing::Range<size_t>(0, 8), [](const ::testing::TestParamInfo<size_t>& p) {
  return planted_mutants().at(p.param).name;
});

TEST(PlantedErrors, AtLeastEightDistinctOnes) {
  const auto m = planted_mutants();
  EXPECT_GE(m.size(), 8u);
  std::set<std::string> names;
  for (const auto& x : m) names.insert(x.name);
  EXPECT_EQ(names.size(), m.size());
}

TEST(Runner, MissingExportIsAFailureNotASkip) {
  const auto& f = fixture();
  // A case whose export failed (listed as FAIL_EXPORT) must be an expected failure with the reason.
  for (const auto& c : f.cases) {
    const Expectation* e = f.expectations.find(c.name);
    if (!e || e->verdict != "FAIL_EXPORT") continue;
    const CaseResult r = run_case(c, kRoot / "goldens" / "data" / c.name, f.policy, f.expectations,
                                  find_engine("cpu"), execute_default);
    EXPECT_EQ(r.outcome, Outcome::expected_failure) << c.name;
    EXPECT_NE(r.error.find("no torch_to_nnef export"), std::string::npos) << r.error;
    return;
  }
  FAIL() << "the expectations list no FAIL_EXPORT case";
}

// A conditional expectation changes the verdict of its context only, and the
// result names the condition that matched.
TEST(RunnerExpectations, ConditionalEntryAppliesToItsModeOnly) {
  const auto& f = fixture();
  const std::string name = "gru_l2_uni_tm_bias_h0_I5H7_B3T4";  // passes in both modes with the pinned exporter
  ASSERT_EQ(f.expectations.find(name), nullptr);
  const fs::path path = fs::temp_directory_path() / "rnnconf-runner-when.json";
  {
    std::ofstream out(path);
    out << R"({"version": 1, "entries": [{"case": ")" << name
        << R"(", "verdict": "FAIL_NUMERIC", "reason": "planted: literal only", "when": {"mode": "literal"}}]})";
  }
  const Expectations ex = Expectations::load(path);
  const MatrixCase* c = nullptr;
  for (const auto& m : f.cases)
    if (m.name == name) c = &m;
  ASSERT_NE(c, nullptr);
  const CaseResult fused = run_case(*c, kRoot / "goldens" / "data" / name, f.policy, ex, find_engine("cpu"), execute_default);
  EXPECT_EQ(fused.outcome, Outcome::passed);
  EXPECT_EQ(fused.expectation, "");
  const CaseResult literal =
      run_case(*c, kRoot / "goldens" / "data" / name, f.policy, ex, find_engine("cpu-literal"), execute_default);
  EXPECT_EQ(literal.outcome, Outcome::unexpected_pass);  // listed as failing there, but passes
  EXPECT_EQ(literal.expectation_when, "mode=literal");
  EXPECT_NE(literal.expectation.find("[when mode=literal]"), std::string::npos) << literal.expectation;
  fs::remove(path);
}
