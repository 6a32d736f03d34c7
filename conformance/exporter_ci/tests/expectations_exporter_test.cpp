// The `exporter` condition of conformance/expectations.json (a release of
// torch_to_nnef): entries conditioned on a release apply to that release's
// exports only; the committed exports (no release in the context) keep the
// unconditional entries; PASS and FAIL_LOAD only in conditional entries.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "rnnconf/conformance/expectations.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::exporter_ci {
namespace {

using conformance::expectation_context;
using conformance::Expectations;

Expectations load(const std::string& name, const std::string& entries) {
  return Expectations::load(
      test::write_file(test::fresh_dir("ex-" + name) / "e.json", R"({"version": 1, "entries": [)" + entries + "]}"));
}

std::string load_error(const std::string& name, const std::string& entries) {
  try {
    load(name, entries);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ExporterCondition, AppliesToItsReleasesOnly) {
  const auto ex = load("apply", R"(
    {"case": "cell", "verdict": "FAIL_EXPORT", "reason": "unsafe_chunk", "when": {"exporter": ["0.20.1", "0.23.2"]}},
    {"case": "bidi", "verdict": "FAIL_NUMERIC", "reason": "h0 slicing"},
    {"case": "bidi", "verdict": "PASS", "reason": "no slicing yet", "when": {"exporter": "0.19.0", "engine": "cpu"}}
  )");
  const auto pinned = expectation_context("cpu", "fused");
  EXPECT_EQ(ex.find("cell", pinned), nullptr);  // the committed exports: the cell passes
  ASSERT_NE(ex.find("cell", expectation_context("cpu", "fused", "0.20.1")), nullptr);
  EXPECT_EQ(ex.find("cell", expectation_context("cpu", "fused", "0.20.1"))->condition_text(), "exporter=0.20.1|0.23.2");
  EXPECT_EQ(ex.find("cell", expectation_context("cpu", "literal", "0.23.2"))->verdict, "FAIL_EXPORT");
  EXPECT_EQ(ex.find("cell", expectation_context("cpu", "fused", "0.24.0")), nullptr);
  EXPECT_EQ(ex.find("bidi", pinned)->verdict, "FAIL_NUMERIC");
  EXPECT_EQ(ex.find("bidi", expectation_context("cpu", "fused", "0.20.1"))->verdict, "FAIL_NUMERIC");
  EXPECT_EQ(ex.find("bidi", expectation_context("cpu", "fused", "0.19.0"))->verdict, "PASS");
  EXPECT_EQ(ex.find("bidi", expectation_context("cpu", "literal", "0.19.0"))->verdict, "FAIL_NUMERIC");
  EXPECT_FALSE(ex.find("bidi", expectation_context("cpu", "fused", "0.19.0"))->expects_failure());
}

TEST(ExporterCondition, ValuesAreReleaseVersions) {
  EXPECT_NE(load_error("v1", R"({"case": "a", "verdict": "FAIL_EXPORT", "reason": "r", "when": {"exporter": "latest"}})")
                .find("entries[0].when.exporter: 'latest' is not a release version"),
            std::string::npos);
  EXPECT_NE(load_error("v2", R"({"case": "a", "verdict": "FAIL_EXPORT", "reason": "r", "when": {"exporter": []}})")
                .find("entries[0].when.exporter: expected a string"),
            std::string::npos);
  EXPECT_NE(load_error("v3", R"({"case": "a", "verdict": "FAIL_EXPORT", "reason": "r", "when": {"torch": "2.15"}})")
                .find("(expected engine, device, mode or exporter)"),
            std::string::npos);
}

TEST(ExporterCondition, PassAndFailLoadOnlyWithACondition) {
  EXPECT_NE(load_error("p1", R"({"case": "a", "verdict": "PASS", "reason": "r"})")
                .find("entries[0].verdict: unknown verdict 'PASS' (only in an entry with a condition)"),
            std::string::npos);
  EXPECT_NE(load_error("p2", R"({"case": "a", "verdict": "FAIL_LOAD", "reason": "r"})").find("only in an entry with a condition"),
            std::string::npos);
  EXPECT_EQ(load_error("p3", R"({"case": "a", "verdict": "FAIL_LOAD", "reason": "r", "when": {"exporter": "0.20.1"}})"), "");
}

TEST(ExporterCondition, TheCommittedFileKeepsItsUnconditionalMeaning) {
  // Every entry conditioned on a release names releases only; none applies to
  // the committed exports, so `rnnconf run` sees exactly the unconditional entries.
  const auto ex = Expectations::load(test::kRoot / "conformance" / "expectations.json");
  const auto cases = conformance::select_cases(
      conformance::load_matrix(test::kRoot / "conformance" / "matrix.json"), "", "");
  ASSERT_GT(cases.size(), 300u);
  for (const auto& c : cases)
    for (const auto& [device, mode] : {std::pair{"cpu", "fused"}, {"cpu", "literal"}}) {
      const auto* e = ex.find(c.name, expectation_context(device, mode));
      if (e) {
        EXPECT_EQ(e->when.count("exporter"), 0u) << c.name;
      }
    }
}

}  // namespace
}  // namespace rnnconf::exporter_ci
