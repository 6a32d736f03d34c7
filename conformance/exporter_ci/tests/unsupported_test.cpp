// UNSUPPORTED in exporter-ci: an export using an op the engine lacks is the
// verdict UNSUPPORTED (op and location kept, triaged as such), neither failing
// nor passing; a case that passed with the baseline export and is UNSUPPORTED
// now is "newly_unsupported" (a loss of coverage, not newly broken); the
// summary, the text, the JSON round trip and the JUnit file say so.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/judge.hpp"
#include "rnnconf/exporter_ci/report_files.hpp"
#include "rnnconf/exporter_ci/report_text.hpp"
#include "rnnconf/exporter_ci/triage.hpp"

namespace rnnconf::exporter_ci {
namespace {

namespace fs = std::filesystem;
using namespace rnnconf::conformance;

const char* kGru = "gru_l1_uni_tm_bias_h0_I5H7_B3T4";

Verdict unsupported_verdict() {
  Verdict v = test::verdict("UNSUPPORTED");
  v.unsupported_op = "conv";
  v.unsupported_at = "m.tgz!graph.nnef:31:9";
  v.error = "UNSUPPORTED: op 'conv' at m.tgz!graph.nnef:31:9";
  return v;
}

TEST(ExporterCiUnsupported, JudgeGivesTheVerdictWithOpAndLocation) {
  const auto cases = select_cases(load_matrix(test::kRoot / "conformance" / "matrix.json"), std::string("^") + kGru + "$", "small");
  ASSERT_EQ(cases.size(), 1u);
  const fs::path dir = test::kRoot / "goldens" / "data" / kGru;
  const Golden g = load_golden(dir);
  const Policy policy = load_policy(test::kRoot / "conformance" / "POLICY.md");
  const ExecuteFn lacking = [](const fs::path&, const std::map<std::string, Tensor>&, const std::string&,
                               const std::string&) -> ExecOutput {
    throw UnsupportedOpError("conv", SourceLocation::at_line("m.tgz!graph.nnef", 31, 9));
  };
  const Verdict v = judge_export(cases[0], g, g.export_path, "", "", policy, "fused", "cpu", lacking);
  EXPECT_EQ(v.verdict, "UNSUPPORTED");
  EXPECT_TRUE(v.unsupported());
  EXPECT_FALSE(v.failing());
  EXPECT_EQ(v.unsupported_op, "conv");
  EXPECT_EQ(v.unsupported_at, "m.tgz!graph.nnef:31:9");
  EXPECT_EQ(v.error, "UNSUPPORTED: op 'conv' at m.tgz!graph.nnef:31:9");
  const Triage t = triage_verdict(cases[0], dir, g, g.export_path, v, policy, "fused");
  EXPECT_EQ(t.defect_class, "unsupported: op 'conv'");
  EXPECT_NE(t.line.find("op 'conv' at m.tgz!graph.nnef:31:9"), std::string::npos) << t.line;
}

TEST(ExporterCiUnsupported, ChangeSummaryTextJsonAndJunit) {
  EXPECT_EQ(classify_change(test::verdict("PASS"), unsupported_verdict()), "newly_unsupported");
  EXPECT_EQ(classify_change(test::verdict("FAIL_NUMERIC"), unsupported_verdict()), "newly_unsupported");
  EXPECT_EQ(classify_change(unsupported_verdict(), unsupported_verdict()), "still_unsupported");
  EXPECT_EQ(classify_change(unsupported_verdict(), test::verdict("FAIL_LOAD")), "newly_broken");

  Report r;
  r.engines = {"cpu"};
  r.shards = {"1/1"};
  r.entries = {test::entry(kGru, unsupported_verdict(), test::verdict("PASS")),
               test::entry("gru_cell_bias_h0_I5H7_B3", unsupported_verdict(), unsupported_verdict()),
               test::entry("lstm_cell_bias_h0_I5H7_B3", test::verdict("PASS"), test::verdict("PASS"))};
  const Summary s = r.summary();
  EXPECT_EQ(s.entries, 3);
  EXPECT_EQ(s.newly_broken, 0);
  EXPECT_EQ(s.unsupported, 2);
  EXPECT_EQ(s.newly_unsupported, 1);
  EXPECT_EQ(s.unchanged_pass, 1);
  EXPECT_NE(format_summary(r).find("unsupported 2 (newly 1)"), std::string::npos) << format_summary(r);
  const std::string line = format_entry(r.entries[0], 1, 3, true);
  EXPECT_NE(line.find("NEWLY UNSUPP."), std::string::npos) << line;
  EXPECT_NE(line.find("not a numeric regression"), std::string::npos) << line;

  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["summary"]["unsupported"], 2);
  EXPECT_EQ(j["summary"]["newly_unsupported"], 1);
  EXPECT_EQ(j["entries"][0]["now"]["unsupported_op"]["op"], "conv");
  const Report back = report_from_json(j, "test");
  EXPECT_EQ(back.entries[0].now.unsupported_at, "m.tgz!graph.nnef:31:9");
  EXPECT_EQ(to_json(back), j);

  const fs::path dir = test::fresh_dir("unsupported-junit");
  write_junit(dir / "r.xml", r);
  std::ifstream in(dir / "r.xml");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string xml = ss.str();
  EXPECT_NE(xml.find("failures=\"0\" skipped=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<skipped message=\"UNSUPPORTED: op 'conv' at m.tgz!graph.nnef:31:9 (coverage lost: PASS with "
                     "the baseline exporter)\"/>"),
            std::string::npos)
      << xml;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace rnnconf::exporter_ci
