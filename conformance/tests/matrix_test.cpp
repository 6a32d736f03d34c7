// Tests of the matrix and expectations readers on the committed files and on
// malformed ones.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "rnnconf/conformance/expectations.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/core/error.hpp"

using namespace rnnconf;
using namespace rnnconf::conformance;

namespace {

const std::filesystem::path kRoot = RNNCONF_SOURCE_DIR;

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("rnnconf_matrix_test_" + name);
  std::ofstream(p) << text;
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Matrix, CommittedMatrixCoversTheIssueAxes) {
  const auto cases = load_matrix(kRoot / "conformance" / "matrix.json");
  std::set<std::string> kinds_seq, kinds_cell, kinds_aten;
  int proj = 0;
  for (const auto& c : cases) {
    if (c.tier != "small") continue;
    const std::string k(kind_name(c.spec.kind));
    (c.spec.cell ? kinds_cell : kinds_seq).insert(k);
    if (c.spec.entry == RnnSpec::Entry::aten) kinds_aten.insert(k);
    if (c.spec.proj > 0) ++proj;
  }
  EXPECT_EQ(kinds_seq.size(), 4u);
  EXPECT_EQ(kinds_cell.size(), 4u);
  EXPECT_EQ(kinds_aten.size(), 4u);
  EXPECT_GE(proj, 8);
  // The full cross product of the issue: 4 kinds x 3 layers x 2^4 flags.
  int cross = 0;
  for (const auto& c : cases)
    if (!c.spec.cell && c.spec.entry == RnnSpec::Entry::module && c.spec.proj == 0 && c.spec.I == 5 && c.spec.H == 7 &&
        c.spec.B == 3 && c.spec.T == 4)
      ++cross;
  EXPECT_GE(cross, 4 * 3 * 16);
}

TEST(Matrix, SelectByRegexAndTier) {
  const auto cases = load_matrix(kRoot / "conformance" / "matrix.json");
  const auto cells = select_cases(cases, "_cell_", "small");
  ASSERT_FALSE(cells.empty());
  for (const auto& c : cells) EXPECT_TRUE(c.spec.cell) << c.name;
  EXPECT_NE(error_of([&] { select_cases(cases, "([", ""); }).find("bad --filter regex"), std::string::npos);
}

TEST(Matrix, MalformedFilesNameFileAndField) {
  auto bad_json = write_temp("bad.json", "{\"version\": 1, \"cases\": [");
  EXPECT_NE(error_of([&] { load_matrix(bad_json); }).find(bad_json.string() + "@"), std::string::npos);
  auto bad_name = write_temp("name.json", R"({"version": 1, "cases": [{"name": "lstm_l0_uni_tm_bias_h0_I5H7_B3T4"}]})");
  const std::string e1 = error_of([&] { load_matrix(bad_name); });
  EXPECT_NE(e1.find("cases[0].name"), std::string::npos) << e1;
  auto dup = write_temp("dup.json", R"({"version": 1, "cases": [{"name": "gru_cell_bias_h0_I5H7_B3"}, {"name": "gru_cell_bias_h0_I5H7_B3"}]})");
  EXPECT_NE(error_of([&] { load_matrix(dup); }).find("cases[1].name: duplicate"), std::string::npos);
  auto tier = write_temp("tier.json", R"({"version": 1, "cases": [{"name": "gru_cell_bias_h0_I5H7_B3", "tier": "huge"}]})");
  EXPECT_NE(error_of([&] { load_matrix(tier); }).find("cases[0].tier"), std::string::npos);
  auto version = write_temp("version.json", R"({"version": 2, "cases": []})");
  EXPECT_NE(error_of([&] { load_matrix(version); }).find("\"version\": 1"), std::string::npos);
}

TEST(Expectations, CommittedFileLoadsAndListsMatrixCases) {
  const auto ex = Expectations::load(kRoot / "conformance" / "expectations.json");
  EXPECT_GT(ex.size(), 0u);
  const auto cases = load_matrix(kRoot / "conformance" / "matrix.json");
  size_t listed = 0;
  for (const auto& c : cases) listed += ex.count(c.name);
  EXPECT_EQ(listed, ex.size()) << "every expectation must name a matrix case";
}

TEST(Expectations, MalformedEntriesAreRefused) {
  auto verdict = write_temp("ex1.json", R"({"version": 1, "entries": [{"case": "a", "verdict": "MAYBE", "reason": "r"}]})");
  EXPECT_NE(error_of([&] { Expectations::load(verdict); }).find("entries[0].verdict: unknown verdict 'MAYBE'"),
            std::string::npos);
  auto dup = write_temp("ex2.json", R"({"version": 1, "entries": [{"case": "a", "verdict": "FAIL_NUMERIC", "reason": "r"},
    {"case": "a", "verdict": "FAIL_NUMERIC", "reason": "r"}]})");
  EXPECT_NE(error_of([&] { Expectations::load(dup); }).find("entries[1].case: duplicate"), std::string::npos);
  auto missing = write_temp("ex3.json", R"({"version": 1, "entries": [{"case": "a", "verdict": "FAIL_NUMERIC"}]})");
  EXPECT_NE(error_of([&] { Expectations::load(missing); }).find("missing string \"reason\""), std::string::npos);
}

// Conditional entries (WPT metadata style): the first matching conditional
// entry of a case wins, then the unconditional one; other contexts are untouched.
TEST(Expectations, ConditionalEntriesApplyOnlyWhereTheirConditionHolds) {
  auto path = write_temp("ex-when.json", R"({"version": 1, "entries": [
    {"case": "a", "verdict": "FAIL_NUMERIC", "reason": "everywhere"},
    {"case": "a", "verdict": "MISTRUSTED", "reason": "cuda fused", "when": {"engine": "cuda"}},
    {"case": "a", "verdict": "FAIL_EXPORT", "reason": "literal", "when": {"mode": ["literal"]}},
    {"case": "b", "verdict": "FAIL_NUMERIC", "reason": "only on cuda", "when": {"device": "cuda", "mode": ["fused", "literal"]}}]})");
  const auto ex = Expectations::load(path);
  EXPECT_EQ(ex.size(), 4u);
  const auto cpu_fused = expectation_context("cpu", "fused");
  const auto cpu_literal = expectation_context("cpu", "literal");
  const auto cuda_fused = expectation_context("cuda", "fused");
  const auto cuda_literal = expectation_context("cuda", "literal");
  EXPECT_EQ(cpu_fused.engine, "cpu");
  EXPECT_EQ(cpu_literal.engine, "cpu-literal");
  EXPECT_EQ(cuda_fused.engine, "cuda");
  EXPECT_EQ(cuda_literal.engine, "cpu-literal");  // literal bodies run on the CPU whatever the device
  EXPECT_EQ(ex.find("a", cpu_fused)->reason, "everywhere");
  EXPECT_EQ(ex.find("a", cuda_fused)->reason, "cuda fused");
  EXPECT_EQ(ex.find("a", cuda_fused)->condition_text(), "engine=cuda");
  EXPECT_EQ(ex.find("a", cpu_literal)->reason, "literal");
  EXPECT_EQ(ex.find("a", cuda_literal)->reason, "literal");
  EXPECT_EQ(ex.find("a")->reason, "everywhere");
  EXPECT_EQ(ex.find("b", cpu_fused), nullptr);
  EXPECT_EQ(ex.find("b", cpu_literal), nullptr);
  ASSERT_NE(ex.find("b", cuda_literal), nullptr);
  EXPECT_EQ(ex.find("b", cuda_literal)->condition_text(), "device=cuda, mode=fused|literal");
  EXPECT_EQ(ex.find("b"), nullptr);
  EXPECT_EQ(ex.find("c", cpu_fused), nullptr);
}

TEST(Expectations, MalformedConditionsAreRefusedNamingTheEntry) {
  const auto load_error = [](const std::string& name, const std::string& when) {
    auto p = write_temp(name, R"({"version": 1, "entries": [{"case": "a", "verdict": "FAIL_NUMERIC", "reason": "r"},
      {"case": "a", "verdict": "FAIL_NUMERIC", "reason": "r", "when": )" + when + "}]}");
    return error_of([&] { Expectations::load(p); });
  };
  EXPECT_NE(load_error("w1.json", R"({"gpu": "h100"})").find("entries[1].when: unknown condition 'gpu'"), std::string::npos);
  EXPECT_NE(load_error("w2.json", R"({"device": "tpu"})").find("entries[1].when.device: unknown value 'tpu' (expected cpu, cuda)"),
            std::string::npos);
  EXPECT_NE(load_error("w3.json", R"({"mode": 3})").find("entries[1].when.mode: expected a string"), std::string::npos);
  EXPECT_NE(load_error("w4.json", R"({"mode": []})").find("entries[1].when.mode: expected a string"), std::string::npos);
  EXPECT_NE(load_error("w5.json", R"({})").find("entries[1].when: expected a non-empty object"), std::string::npos);
  EXPECT_NE(load_error("w6.json", R"("cuda")").find("entries[1].when: expected a non-empty object"), std::string::npos);
  auto dup = write_temp("w7.json", R"({"version": 1, "entries": [
    {"case": "a", "verdict": "FAIL_NUMERIC", "reason": "r", "when": {"mode": ["literal", "fused"]}},
    {"case": "a", "verdict": "FAIL_EXPORT", "reason": "r", "when": {"mode": ["fused", "literal"]}}]})");
  EXPECT_NE(error_of([&] { Expectations::load(dup); }).find("entries[1].case: duplicate entry for 'a' with the same condition (mode=fused|literal)"),
            std::string::npos);
}
