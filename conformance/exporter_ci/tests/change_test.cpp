// The change from the baseline verdict to the verdict now, and the summary counts.
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace rnnconf::exporter_ci {
namespace {

using test::verdict;

TEST(Change, EveryPairOfVerdictsHasTheChangeOfTheTable) {
  const std::vector<std::string> verdicts = {"PASS", "MISTRUSTED", "FAIL_NUMERIC", "FAIL_LOAD", "FAIL_EXPORT"};
  for (const auto& b : verdicts)
    for (const auto& n : verdicts) {
      const bool bf = b.rfind("FAIL_", 0) == 0, nf = n.rfind("FAIL_", 0) == 0;
      const std::string expected = !bf && nf   ? "newly_broken"
                                   : bf && !nf ? "fixed"
                                   : bf        ? "still_failing"
                                               : "unchanged_pass";
      EXPECT_EQ(classify_change(verdict(b), verdict(n)), expected) << b << " -> " << n;
    }
}

TEST(Change, MistrustedIsNotAFailure) {
  EXPECT_FALSE(verdict("MISTRUSTED").failing());
  EXPECT_TRUE(verdict("FAIL_LOAD").failing());
  EXPECT_EQ(classify_change(verdict("MISTRUSTED"), verdict("FAIL_NUMERIC")), "newly_broken");
}

TEST(Change, SummaryCountsEachChangeOnce) {
  Report r;
  r.entries = {test::entry("a", verdict("FAIL_NUMERIC"), verdict("PASS")),
               test::entry("b", verdict("PASS"), verdict("FAIL_LOAD")),
               test::entry("c", verdict("FAIL_EXPORT"), verdict("FAIL_NUMERIC")),
               test::entry("d", verdict("PASS"), verdict("PASS")),
               test::entry("e", verdict("MISTRUSTED"), verdict("MISTRUSTED"))};
  r.entries[0].export_changed = true;
  const Summary s = r.summary();
  EXPECT_EQ(s.entries, 5);
  EXPECT_EQ(s.newly_broken, 1);
  EXPECT_EQ(s.fixed, 1);
  EXPECT_EQ(s.still_failing, 1);
  EXPECT_EQ(s.unchanged_pass, 2);
  EXPECT_EQ(s.export_changed, 1);
  EXPECT_EQ(s.export_failed, 1);
}

}  // namespace
}  // namespace rnnconf::exporter_ci
