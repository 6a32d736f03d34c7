// How much memory this process may use (physical RAM, cgroup v1/v2 limit,
// address-space/data rlimits) and the default memory budget derived from it
// (`--max-memory` when not given: half of the smallest of those).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rnnconf {

struct MemoryLimits {
  int64_t physical = 0;           // sysconf(_SC_PHYS_PAGES) * page size
  std::optional<int64_t> cgroup;  // memory.max (v2) / memory.limit_in_bytes (v1), smallest up the hierarchy
  std::optional<int64_t> rlimit;  // RLIMIT_AS / RLIMIT_DATA, the smaller, when set

  int64_t smallest() const;      // the least of the known limits
  std::string describe() const;  // "physical 23.4 GiB, cgroup 8.0 GiB"
};

MemoryLimits detect_memory_limits();

// Half of limits.smallest(): the rest is left to the process itself (code,
// BLAS buffers, fused-kernel scratch, page cache) and to the rest of the machine.
int64_t default_memory_budget(const MemoryLimits& limits);

// A cgroup limit file's text: a byte count, or "max" / a value of 2^62 or
// more (cgroup v1's "unlimited") -> nullopt. Garbage -> nullopt.
std::optional<int64_t> parse_cgroup_limit(std::string_view text);

}  // namespace rnnconf
