// Joining the reports of the shards of one `exporter-ci --shard K/N` run into
// one report. Refused: a shard given twice, an entry in two shards, shards of
// different selections or splits, and (unless allowed) a missing shard.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

struct MergeResult {
  Report report;                       // export and judge times summed over the shards
  std::vector<std::string> missing;    // "K/N" of the shards not given (only with allow_partial)
};

// PARTS: (source name for errors, report). Throws Error naming the source.
MergeResult merge_reports(std::vector<std::pair<std::string, Report>> parts, bool allow_partial);

}  // namespace rnnconf::exporter_ci
