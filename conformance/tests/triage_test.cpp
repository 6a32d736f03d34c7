// Triage and the mutant matrix on the committed goldens: triage says "ok" on
// passing cases, names the known exporter defect of the expected failures,
// and the mutant table holds (every semantic mutant killed wherever it
// applies, triage naming its class for at least 80% of them, the one-ULP
// mutant surviving everywhere).
#include <gtest/gtest.h>

#include <filesystem>

#include "committed_data.hpp"
#include "rnnconf/conformance/mutant_matrix.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/conformance/triage.hpp"

using namespace rnnconf;
using namespace rnnconf::conformance;
namespace fs = std::filesystem;

namespace {

using test_data::kRoot;

const test_data::CommittedData& fixture() { return test_data::committed_data(); }

const MatrixCase& case_named(const std::string& name) {
  for (const auto& c : fixture().cases)
    if (c.name == name) return c;
  throw Error("no case " + name);
}

}  // namespace

TEST(Triage, SaysOkOnEveryPassingCase) {
  const auto& f = fixture();
  int checked = 0;
  for (const auto& c : f.cases) {
    if (f.expectations.find(c.name)) continue;
    for (const std::string mode : {"fused", "literal"}) {
      const TriageReport t = triage_case(c, kRoot / "goldens" / "data" / c.name, mode, f.policy);
      EXPECT_TRUE(t.ok) << c.name << " " << mode << ": " << t.line;
      if (t.ok) {
        EXPECT_EQ(t.line.rfind("ok", 0), 0u) << t.line;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 400);
}

TEST(Triage, NamesTheInitialStateDefectOfTheBidirectionalExports) {
  const auto& f = fixture();
  const auto& c = case_named("lstm_l2_bidi_bf_bias_h0_I5H7_B3T4");
  const TriageReport t = triage_case(c, kRoot / "goldens" / "data" / c.name, "fused", f.policy);
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(t.cause_class, "initial state");
  EXPECT_EQ(t.line.rfind("layer 0 backward: h differs from step 0 (initial state: h0[0] used, PyTorch uses h0[1])", 0), 0u)
      << t.line;
  EXPECT_NE(t.line.find("; forward ok"), std::string::npos) << t.line;
  ASSERT_EQ(t.tracks.size(), 4u);
  EXPECT_EQ(t.tracks[0].first_bad_step, -1);
  EXPECT_EQ(t.tracks[1].first_bad_step, 0);
}

TEST(Triage, EveryExpectedNumericFailureIsTriaged) {
  const auto& f = fixture();
  int n = 0;
  for (const auto& c : f.cases) {
    const Expectation* e = f.expectations.find(c.name);
    if (!e || e->verdict != "FAIL_NUMERIC") continue;
    const TriageReport t = triage_case(c, kRoot / "goldens" / "data" / c.name, "fused", f.policy);
    // Every FAIL_NUMERIC entry is the h0/c0 slice defect (explain_failures.py).
    EXPECT_EQ(t.cause_class, "initial state") << c.name << ": " << t.line;
    ++n;
  }
  EXPECT_GT(n, 20);
}

TEST(Triage, RunMatrixFillsTheTriageLineOfFailingCasesOnly) {
  RunConfig cfg;
  cfg.root = kRoot;
  cfg.filter = "^(gru_l1_bidi_tm_bias_h0_I5H7_B3T4|gru_l1_uni_tm_bias_h0_I5H7_B3T4)$";
  cfg.engines = {"cpu"};
  cfg.diff_emitter = false;
  const auto results = run_matrix(cfg, execute_default, {});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    if (r.outcome == Outcome::expected_failure)
      EXPECT_NE(r.triage.find("layer 0 backward: h differs from step 0 (initial state"), std::string::npos) << r.triage;
    else
      EXPECT_TRUE(r.triage.empty()) << r.case_name << ": " << r.triage;
  }
}

TEST(MutantMatrix, EverySemanticMutantKilledTriagedAndTheOneUlpMutantSurvives) {
  MutantMatrixConfig cfg;
  cfg.root = kRoot;
  const auto rows = run_mutant_matrix(cfg);
  int semantic = 0, named = 0, survivors = 0;
  for (const auto& r : rows) {
    EXPECT_GE(r.applicable, 4) << r.mutant << " applies to too few cases to prove anything";
    EXPECT_TRUE(r.ok()) << r.mutant << ": killed " << r.killed << "/" << r.applicable
                        << (r.survivors.empty() ? "" : ", e.g. " + r.survivors.front());
    if (r.must_survive) {
      ++survivors;
      EXPECT_EQ(r.killed, 0) << "one-ULP perturbation failed on " << (r.survivors.empty() ? "" : r.survivors.front());
      continue;
    }
    ++semantic;
    if (r.killed > 0 && 2 * r.triage_right > r.killed) ++named;
    else ADD_FAILURE() << r.mutant << ": triage named " << r.example_class << " (wanted " << r.cause_class << "): "
                       << r.example_triage;
  }
  EXPECT_GE(semantic, 15);
  EXPECT_EQ(survivors, 1);
  EXPECT_GE(5 * named, 4 * semantic) << named << "/" << semantic << " mutants triaged to their class";
  const std::string table = format_mutant_table(rows, true);
  EXPECT_NE(table.find("| one_ulp_weights | none |"), std::string::npos) << table;
}
