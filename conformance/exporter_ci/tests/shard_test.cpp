// Sharding: "K/N" parsing and the round-robin split of the committed matrix.
#include <gtest/gtest.h>

#include <set>

#include "fixtures.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/shard.hpp"

namespace rnnconf::exporter_ci {
namespace {

TEST(Shard, ParsesKOverN) {
  EXPECT_EQ(parse_shard("").text(), "1/1");
  EXPECT_EQ(parse_shard("2/4").index, 2);
  EXPECT_EQ(parse_shard("2/4").count, 4);
  EXPECT_EQ(parse_shard("4/4").text(), "4/4");
}

TEST(Shard, RefusesWhatIsNotKOverN) {
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/", "/2", "-1/2", "1/2/3", "1.5/2"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("--shard '" + std::string(bad) + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(Shard, PartitionsTheMatrixIntoBalancedDisjointShards) {
  const auto cases =
      conformance::select_cases(conformance::load_matrix(test::kRoot / "conformance" / "matrix.json"), "", "small");
  ASSERT_GT(cases.size(), 300u);
  for (int n : {1, 2, 3, 4, 7}) {
    std::multiset<std::string> seen;
    size_t smallest = cases.size(), largest = 0;
    for (int k = 1; k <= n; ++k) {
      const auto part = shard_cases(cases, Shard{k, n});
      smallest = std::min(smallest, part.size());
      largest = std::max(largest, part.size());
      for (const auto& c : part) seen.insert(c.name);
      // Deterministic: the same call gives the same shard.
      const auto again = shard_cases(cases, Shard{k, n});
      ASSERT_EQ(part.size(), again.size());
      for (size_t i = 0; i < part.size(); ++i) EXPECT_EQ(part[i].name, again[i].name);
    }
    EXPECT_EQ(seen.size(), cases.size()) << n;
    for (const auto& c : cases) EXPECT_EQ(seen.count(c.name), 1u) << c.name << " in " << n << " shards";
    EXPECT_LE(largest - smallest, 1u) << n;
  }
}

TEST(Shard, EachShardMixesKinds) {
  const auto cases =
      conformance::select_cases(conformance::load_matrix(test::kRoot / "conformance" / "matrix.json"), "", "small");
  for (int k = 1; k <= 4; ++k) {
    std::set<std::string> kinds;
    for (const auto& c : shard_cases(cases, Shard{k, 4})) kinds.insert(c.name.substr(0, c.name.find('_')));
    EXPECT_GE(kinds.size(), 3u) << "shard " << k << "/4";
  }
}

}  // namespace
}  // namespace rnnconf::exporter_ci
