// The JSON report read back as written (the merge and the history depend on
// it), its refusals, and the JUnit file's counts.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "fixtures.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/report_files.hpp"
#include "rnnconf/exporter_ci/report_text.hpp"

namespace rnnconf::exporter_ci {
namespace {

using test::verdict;

Report sample_report() {
  Report r;
  r.command_line = "rnnconf exporter-ci --exporter-release 0.20.1";
  r.exporter = {{"torch_to_nnef_version", "0.20.1"}, {"torch", "2.15.0"}};
  r.release = "0.20.1";
  r.shards = {"2/3"};
  r.shard_cases_total = 7;
  r.engines = {"cpu", "cpu-literal"};
  r.triage_status = "test";
  r.export_wall_seconds = 12.5;
  r.judge_wall_seconds = 0.75;
  Verdict failing = verdict("FAIL_NUMERIC", "numeric: gate order", "layer 0 forward: h differs from step 0");
  failing.outputs.push_back({"y", false, "max|err| 0.3 > bound 2e-6", 0.3, 2e-6, 123456});
  failing.outputs.push_back({"hn", false, "non-finite", std::numeric_limits<double>::quiet_NaN(), 2e-6, -1});
  failing.worst_abs_error = std::numeric_limits<double>::quiet_NaN();
  failing.max_ulp = 123456;
  failing.warnings = {"fragment gru run literally"};
  failing.error = "y: out of bounds; hn: non-finite";
  Verdict exported = verdict("FAIL_EXPORT", "export: T2NErrorNotImplemented: 'unsafe_chunk'");
  exported.error = "T2NErrorNotImplemented: 'unsafe_chunk'";
  exported.export_traceback = "Traceback (most recent call last):\n  File \"x.py\"";
  r.entries = {test::entry("gru_l1_uni_tm_bias_h0_I5H7_B3T4", failing, verdict("PASS")),
               test::entry("lstm_cell_bias_h0_I5H7_B3", exported, verdict("PASS"), "cpu-literal")};
  r.entries[0].export_changed = true;
  r.entries[0].export_diff = "fragment definitions differ: gru_scan_loop (signature or body)";
  r.entries[0].export_seconds = 0.5;
  r.entries[0].repro = "rnnconf exporter-ci --filter '^gru$'";
  return r;
}

TEST(ReportJson, RoundTripsEveryField) {
  const Report r = sample_report();
  const nlohmann::json j = to_json(r);
  const Report back = report_from_json(j, "test");
  EXPECT_EQ(to_json(back), j);
  EXPECT_EQ(back.release, "0.20.1");
  EXPECT_EQ(back.engines, r.engines);
  ASSERT_EQ(back.entries.size(), 2u);
  const Entry& e = back.entries[0];
  EXPECT_EQ(e.engine, "cpu");
  EXPECT_EQ(e.device, "cpu");
  EXPECT_EQ(e.mode, "fused");
  EXPECT_EQ(back.entries[1].engine, "cpu-literal");
  EXPECT_EQ(back.entries[1].mode, "literal");
  EXPECT_EQ(e.now.defect_class, "numeric: gate order");
  EXPECT_TRUE(std::isnan(e.now.worst_abs_error));  // NaN is written as null and read back as NaN
  EXPECT_TRUE(std::isnan(e.now.outputs[1].e_ours));
  EXPECT_EQ(e.now.outputs[0].ulp_max, 123456);
  EXPECT_EQ(back.entries[1].now.export_traceback, r.entries[1].now.export_traceback);
  EXPECT_EQ(j["summary"]["newly_broken"], 2);
  EXPECT_EQ(j["entries"][0]["engine"], "cpu");
}

TEST(ReportJson, FileRoundTrip) {
  const auto dir = test::fresh_dir("report-file");
  write_json(dir / "sub" / "r.json", sample_report());
  EXPECT_EQ(to_json(read_report(dir / "sub" / "r.json")), to_json(sample_report()));
}

TEST(ReportJson, RefusesOtherFilesNamingThem) {
  nlohmann::json j = to_json(sample_report());
  auto error_of = [](const nlohmann::json& x) {
    try {
      report_from_json(x, "some.json");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  nlohmann::json other = j;
  other["tool"] = "rnnconf run";
  EXPECT_NE(error_of(other).find("some.json"), std::string::npos);
  EXPECT_NE(error_of(other).find("not an rnnconf exporter-ci report"), std::string::npos);
  nlohmann::json old = j;
  old["format_version"] = 1;
  EXPECT_NE(error_of(old).find("unsupported format_version"), std::string::npos);
  nlohmann::json missing = j;
  missing["entries"][0].erase("engine");
  EXPECT_NE(error_of(missing).find("bad exporter-ci report"), std::string::npos);
  const auto dir = test::fresh_dir("report-bad");
  test::write_file(dir / "x.json", "{not json");
  EXPECT_THROW(read_report(dir / "x.json"), Error);
  EXPECT_THROW(read_report(dir / "absent.json"), Error);
}

TEST(ReportJunit, NewlyBrokenFailStillFailingAreSkipped) {
  Report r = sample_report();
  r.entries.push_back(test::entry("c", verdict("FAIL_NUMERIC", "numeric: initial state"),
                                  verdict("FAIL_NUMERIC", "numeric: initial state")));
  r.entries.push_back(test::entry("d", verdict("PASS"), verdict("PASS")));
  const auto dir = test::fresh_dir("junit");
  write_junit(dir / "r.xml", r);
  std::ifstream in(dir / "r.xml");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string xml = ss.str();
  EXPECT_NE(xml.find("tests=\"4\" failures=\"2\" skipped=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("classname=\"exporter-ci.cpu-literal\""), std::string::npos);
  EXPECT_NE(xml.find("&apos;unsafe_chunk&apos;"), std::string::npos);
}

TEST(ReportText, LinesNameTheEngineTheChangeAndTheDetails) {
  const Report r = sample_report();
  const std::string line = format_entry(r.entries[0], 1, 2, true);
  EXPECT_NE(line.find("NEWLY BROKEN"), std::string::npos);
  EXPECT_NE(line.find(" cpu "), std::string::npos);
  EXPECT_NE(line.find("triage: layer 0 forward"), std::string::npos);
  EXPECT_NE(line.find("gru_scan_loop"), std::string::npos);
  EXPECT_NE(line.find("repro: "), std::string::npos);
  const std::string summary = format_summary(r);
  EXPECT_NE(summary.find("(torch_to_nnef 0.20.1)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("(shards 2/3)"), std::string::npos);
  EXPECT_NE(summary.find("2 judged: newly broken 2"), std::string::npos);
}

}  // namespace
}  // namespace rnnconf::exporter_ci
