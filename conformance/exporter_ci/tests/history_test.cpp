// The release history over synthetic reports of three releases: the
// release x case table, one row per defect class with its first and last
// release, the check against conditional expectations, and the proposed
// entries for what is not recorded.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/history.hpp"

namespace rnnconf::exporter_ci {
namespace {

using test::verdict;

const Verdict kPass = verdict("PASS");
const Verdict kChunk = verdict("FAIL_EXPORT", "export: T2NErrorNotImplemented: 'unsafe_chunk'");
const Verdict kState = verdict("FAIL_NUMERIC", "numeric: initial state");

// Three cases: a cell that older releases cannot export, a known numeric
// defect of every release, and a case passing everywhere.
Report release_report(const std::string& release, bool cells_fail) {
  Report r;
  r.release = release;
  r.engines = {"cpu"};
  r.exporter = {{"torch", "2.15.0"}};
  r.export_wall_seconds = 20;
  r.entries = {test::entry("lstm_cell", cells_fail ? kChunk : kPass, kPass),
               test::entry("lstm_bidi_h0", kState, kState), test::entry("gru", kPass, kPass)};
  return r;
}

conformance::Expectations expectations(const std::string& entries) {
  const auto p = test::write_file(test::fresh_dir("history-ex") / "e.json",
                                  R"({"version": 1, "entries": [)" + entries + "]}");
  return conformance::Expectations::load(p);
}

const std::string kStateEntry = R"({"case": "lstm_bidi_h0", "verdict": "FAIL_NUMERIC", "reason": "h0 slicing"})";

TEST(History, ClassesWithTheirFirstAndLastRelease) {
  // Given out of order: the history orders releases by version.
  const History h = build_history({release_report("0.24.12", false), release_report("0.20.1", true),
                                   release_report("0.23.2", true)},
                                  expectations(kStateEntry));
  EXPECT_EQ(h.releases, (std::vector<std::string>{"0.20.1", "0.23.2", "0.24.12"}));
  ASSERT_EQ(h.classes.size(), 2u);
  // Ordered by first release, then name.
  EXPECT_EQ(h.classes[0].name, "export: T2NErrorNotImplemented: 'unsafe_chunk'");
  EXPECT_EQ(h.classes[0].first_release, "0.20.1");
  EXPECT_EQ(h.classes[0].last_release, "0.23.2");
  EXPECT_EQ(h.classes[0].cases_per_release, (std::vector<int>{1, 1, 0}));
  EXPECT_EQ(h.classes[0].baseline_cases, 0);
  EXPECT_EQ(h.classes[0].example_case, "lstm_cell");
  EXPECT_EQ(h.classes[1].name, "numeric: initial state");
  EXPECT_EQ(h.classes[1].first_release, "0.20.1");
  EXPECT_EQ(h.classes[1].last_release, "0.24.12");
  EXPECT_EQ(h.classes[1].baseline_cases, 1);
  ASSERT_EQ(h.rows.size(), 3u);
  EXPECT_EQ(h.rows[0].cells[0].verdict, "FAIL_EXPORT");
  EXPECT_FALSE(h.rows[0].cells[0].as_baseline);
  EXPECT_TRUE(h.rows[0].cells[2].as_baseline);
  EXPECT_EQ(h.untriaged, 0);
}

TEST(History, DeviationsAreUnrecordedUntilAnEntryOfTheirReleaseSaysSo) {
  const std::vector<Report> reports = {release_report("0.20.1", true), release_report("0.23.2", true),
                                       release_report("0.24.12", false)};
  const History before = build_history(reports, expectations(kStateEntry));
  EXPECT_EQ(before.unrecorded, 2);  // the cell in 0.20.1 and 0.23.2
  EXPECT_EQ(before.summaries[0].unrecorded, 1);
  EXPECT_EQ(before.summaries[2].unrecorded, 0);
  EXPECT_TRUE(before.rows[1].cells[0].recorded);  // the baseline's own defect: the unconditional entry

  const nlohmann::json p = proposed_expectations(before);
  ASSERT_EQ(p["entries"].size(), 1u) << p.dump(1);
  const auto& e = p["entries"][0];
  EXPECT_EQ(e["case"], "lstm_cell");
  EXPECT_EQ(e["verdict"], "FAIL_EXPORT");
  EXPECT_EQ(e["when"]["exporter"], (std::vector<std::string>{"0.20.1", "0.23.2"}));
  EXPECT_FALSE(e["when"].contains("engine"));  // one engine judged
  EXPECT_EQ(e["reason"], "triage of export: T2NErrorNotImplemented: 'unsafe_chunk'");
  EXPECT_EQ(e["first_seen"], "torch_to_nnef 0.20.1, torch 2.15.0");

  // The proposal, recorded, describes every cell; the unconditional entries are untouched.
  const History after = build_history(reports, expectations(kStateEntry + "," + e.dump()));
  EXPECT_EQ(after.unrecorded, 0);
  EXPECT_NE(after.rows[0].cells[0].expectation.find("[when exporter=0.20.1|0.23.2]"), std::string::npos);
  EXPECT_EQ(after.rows[0].cells[2].expectation, "");  // 0.24.12: no entry, expected to pass
}

TEST(History, AnUnconditionalEntryDoesNotRecordAnotherClass) {
  // The case fails in 0.20.1 as in the baseline, but with another class: only
  // an entry conditioned on 0.20.1 records it.
  Report old = release_report("0.20.1", false);
  old.entries[1].now = verdict("FAIL_NUMERIC", "numeric: gate order");
  const History h = build_history({old, release_report("0.24.12", false)}, expectations(kStateEntry));
  EXPECT_FALSE(h.rows[1].cells[0].as_baseline);
  EXPECT_FALSE(h.rows[1].cells[0].recorded);
  EXPECT_EQ(h.unrecorded, 1);
  const History ok = build_history(
      {old, release_report("0.24.12", false)},
      expectations(kStateEntry + R"(, {"case": "lstm_bidi_h0", "verdict": "FAIL_NUMERIC", "reason": "gates",
                                       "when": {"exporter": "0.20.1"}})"));
  EXPECT_EQ(ok.unrecorded, 0);
}

TEST(History, AReleaseThatPassesWhereTheBaselineFailsIsRecordedByAPassEntry) {
  Report fixed = release_report("0.20.1", false);
  fixed.entries[1].now = kPass;
  const auto reports = std::vector<Report>{fixed, release_report("0.24.12", false)};
  const History h = build_history(reports, expectations(kStateEntry));
  EXPECT_EQ(h.unrecorded, 1);
  const auto p = proposed_expectations(h);
  ASSERT_EQ(p["entries"].size(), 1u);
  EXPECT_EQ(p["entries"][0]["verdict"], "PASS");
  EXPECT_EQ(build_history(reports, expectations(kStateEntry + "," + p["entries"][0].dump())).unrecorded, 0);
}

TEST(History, NonPassesWithoutTriageAreCounted) {
  Report r = release_report("0.20.1", true);
  r.entries[0].now.triage = "";
  EXPECT_EQ(build_history({r}, expectations(kStateEntry)).untriaged, 1);
}

TEST(History, RefusesReportsOfOtherSelectionsOrTheSameRelease) {
  Report fewer = release_report("0.23.2", true);
  fewer.entries.pop_back();
  EXPECT_THROW(build_history({release_report("0.20.1", true), fewer}, expectations(kStateEntry)), Error);
  Report other = release_report("0.23.2", true);
  other.entries[2].case_name = "rnn";
  EXPECT_THROW(build_history({release_report("0.20.1", true), other}, expectations(kStateEntry)), Error);
  EXPECT_THROW(build_history({release_report("0.20.1", true), release_report("0.20.1", true)},
                             expectations(kStateEntry)),
               Error);
  Report anonymous = release_report("", true);
  EXPECT_THROW(build_history({anonymous}, expectations(kStateEntry)), Error);
  anonymous.exporter["torch_to_nnef_version"] = "0.21.0";
  EXPECT_EQ(release_of(anonymous), "0.21.0");
}

TEST(History, MarkdownAndJsonHoldTheTables) {
  const History h = build_history({release_report("0.20.1", true), release_report("0.24.12", false)},
                                  expectations(kStateEntry));
  const std::string md = history_markdown(h, {"rnnconf exporter-ci --exporter-release 0.20.1,0.24.12", "2026-11-27",
                                              "exporter-releases.png", "Wall time: 1 s"});
  EXPECT_NE(md.find("| C1 | export: T2NErrorNotImplemented: 'unsafe_chunk' | export | 0.20.1 | 0.20.1 | 0 | 1 | 0 |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `lstm_cell` | pass | export C1 **unrecorded** | pass |"), std::string::npos) << md;
  EXPECT_NE(md.find("1 of 3 entries pass with every release"), std::string::npos) << md;
  EXPECT_NE(md.find("![release x defect class"), std::string::npos);
  EXPECT_NE(md.find("1 unrecorded"), std::string::npos);
  const nlohmann::json j = history_json(h);
  EXPECT_EQ(j["releases"], (std::vector<std::string>{"0.20.1", "0.24.12"}));
  EXPECT_EQ(j["rows"][0]["cells"][0]["defect_class"], "export: T2NErrorNotImplemented: 'unsafe_chunk'");
  EXPECT_EQ(j["classes"][1]["cases_per_release"], (std::vector<int>{1, 1}));
  EXPECT_EQ(j["unrecorded"], 1);
}

TEST(History, ExpectationVerdictsDescribeExporterCiVerdicts) {
  const auto ex = expectations(
      R"({"case": "a", "verdict": "FAIL_TRACT_RUN", "reason": "r"}, {"case": "b", "verdict": "MISTRUSTED", "reason": "r"})");
  EXPECT_TRUE(expectation_describes(ex.find("a"), "FAIL_LOAD"));
  EXPECT_FALSE(expectation_describes(ex.find("a"), "FAIL_NUMERIC"));
  EXPECT_TRUE(expectation_describes(ex.find("b"), "MISTRUSTED"));
  EXPECT_FALSE(expectation_describes(ex.find("b"), "PASS"));
  EXPECT_TRUE(expectation_describes(nullptr, "PASS"));
  EXPECT_FALSE(expectation_describes(nullptr, "MISTRUSTED"));
}

}  // namespace
}  // namespace rnnconf::exporter_ci
