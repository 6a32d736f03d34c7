// Tests of the memory limits behind the default --max-memory: cgroup limit
// files, the smallest limit, half of it as the budget, and detection here.
#include "rnnconf/core/system_memory.hpp"

#include <gtest/gtest.h>

namespace rnnconf {
namespace {

TEST(SystemMemory, CgroupLimitFiles) {
  EXPECT_EQ(parse_cgroup_limit("8589934592\n"), int64_t{8} << 30);
  EXPECT_EQ(parse_cgroup_limit("max\n"), std::nullopt);                  // v2: no limit
  EXPECT_EQ(parse_cgroup_limit("9223372036854771712\n"), std::nullopt);  // v1: "unlimited"
  EXPECT_EQ(parse_cgroup_limit(""), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("12k"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("0"), std::nullopt);
}

TEST(SystemMemory, BudgetIsHalfTheSmallestLimit) {
  MemoryLimits m;
  m.physical = int64_t{32} << 30;
  EXPECT_EQ(default_memory_budget(m), int64_t{16} << 30);
  m.cgroup = int64_t{8} << 30;
  EXPECT_EQ(m.smallest(), int64_t{8} << 30);
  EXPECT_EQ(default_memory_budget(m), int64_t{4} << 30);
  m.rlimit = int64_t{1} << 30;
  EXPECT_EQ(default_memory_budget(m), int64_t{512} << 20);
  EXPECT_EQ(m.describe(), "physical 32.0 GiB, cgroup 8.0 GiB, rlimit 1.0 GiB");
  EXPECT_EQ(default_memory_budget(MemoryLimits{}), int64_t{2} << 30);  // nothing known
}

TEST(SystemMemory, DetectsThisMachine) {
  const MemoryLimits m = detect_memory_limits();
  EXPECT_GT(m.physical, int64_t{64} << 20);
  EXPECT_LE(m.smallest(), m.physical);
  EXPECT_GT(default_memory_budget(m), 0);
  EXPECT_LE(default_memory_budget(m), m.smallest() / 2);
}

}  // namespace
}  // namespace rnnconf
