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
  for (const auto& c : cases)
    if (ex.find(c.name)) ++listed;
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
