// Sharding of `rnnconf exporter-ci --shard K/N`: a deterministic split of the
// selected cases so that CI can fan out across jobs (the shards' reports are
// joined by merge.hpp).
#pragma once

#include <string>
#include <vector>

#include "rnnconf/conformance/matrix.hpp"

namespace rnnconf::exporter_ci {

struct Shard {
  int index = 1, count = 1;  // 1-based "K/N"
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// "" -> 1/1; "K/N" with integers 1 <= K <= N; errors say what was expected.
Shard parse_shard(const std::string& text);

// Round robin over the selection in matrix order: case i goes to shard
// (i mod N) + 1, so shard sizes differ by at most one and each shard mixes
// kinds and sizes.
std::vector<conformance::MatrixCase> shard_cases(const std::vector<conformance::MatrixCase>& cases,
                                                 const Shard& s);

}  // namespace rnnconf::exporter_ci
