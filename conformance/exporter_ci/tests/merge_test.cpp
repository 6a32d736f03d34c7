// Joining shard reports: the union of the shards, and the refusals.
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/merge.hpp"

namespace rnnconf::exporter_ci {
namespace {

using test::verdict;

Report shard(const std::string& k, std::vector<std::string> cases, int total = 4) {
  Report r;
  r.shards = {k};
  r.shard_cases_total = total;
  r.engines = {"cpu"};
  r.export_wall_seconds = 10;
  r.judge_wall_seconds = 1;
  for (const auto& c : cases) r.entries.push_back(test::entry(c, verdict("PASS"), verdict("PASS")));
  return r;
}

std::string merge_error(std::vector<std::pair<std::string, Report>> parts, bool partial = false) {
  try {
    merge_reports(std::move(parts), partial);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Merge, JoinsTheShards) {
  const MergeResult m = merge_reports({{"a", shard("1/2", {"x", "z"})}, {"b", shard("2/2", {"y", "w"})}}, false);
  EXPECT_EQ(m.report.entries.size(), 4u);
  EXPECT_EQ(m.report.shards, (std::vector<std::string>{"1/2", "2/2"}));
  EXPECT_DOUBLE_EQ(m.report.export_wall_seconds, 20);
  EXPECT_TRUE(m.missing.empty());
  EXPECT_EQ(m.report.summary().unchanged_pass, 4);
}

TEST(Merge, RefusesMissingRepeatedAndForeignShards) {
  EXPECT_NE(merge_error({{"a", shard("1/2", {"x"})}}).find("missing shard(s) 2/2"), std::string::npos);
  EXPECT_NE(merge_error({{"a", shard("1/2", {"x"})}, {"b", shard("1/2", {"y"})}}).find("given twice"),
            std::string::npos);
  EXPECT_NE(merge_error({{"a", shard("1/2", {"x"})}, {"b", shard("2/2", {"x"})}}).find("in two shards"),
            std::string::npos);
  EXPECT_NE(merge_error({{"a", shard("1/2", {"x"})}, {"b", shard("2/2", {"y"}, 5)}}).find("different selection"),
            std::string::npos);
  EXPECT_NE(merge_error({{"a", shard("1/2", {"x"})}, {"b", shard("2/3", {"y"})}}).find("does not split into 2"),
            std::string::npos);
  EXPECT_NE(merge_error({}).find("give the shards"), std::string::npos);
}

TEST(Merge, PartialWhenAllowed) {
  const MergeResult m = merge_reports({{"a", shard("2/3", {"x"})}}, true);
  EXPECT_EQ(m.missing, (std::vector<std::string>{"1/3", "3/3"}));
  EXPECT_EQ(m.report.entries.size(), 1u);
}

}  // namespace
}  // namespace rnnconf::exporter_ci
