// Joining shard reports (merge.hpp).
#include "rnnconf/exporter_ci/merge.hpp"

#include <set>

#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/shard.hpp"

namespace rnnconf::exporter_ci {

MergeResult merge_reports(std::vector<std::pair<std::string, Report>> parts, bool allow_partial) {
  if (parts.empty()) throw Error("exporter-ci merge: give the shards' JSON reports");
  MergeResult out;
  Report& merged = out.report;
  std::set<std::string> seen_entries;
  std::set<int> shard_indices;
  int shard_count = 0;
  for (auto& [source, r] : parts) {
    const auto at = SourceLocation::in_file(source);
    if (merged.shards.empty()) {
      merged.exporter = r.exporter;
      merged.release = r.release;
      merged.baseline = r.baseline;
      merged.engines = r.engines;
      merged.triage_status = r.triage_status;
      merged.shard_cases_total = r.shard_cases_total;
      merged.command_line = "rnnconf exporter-ci merge";
    } else if (r.shard_cases_total != merged.shard_cases_total) {
      throw Error(at, "shard of a different selection (" + std::to_string(r.shard_cases_total) +
                          " cases, the first had " + std::to_string(merged.shard_cases_total) + ")");
    }
    for (const auto& sh : r.shards) {
      const Shard s = parse_shard(sh);
      if (shard_count == 0) shard_count = s.count;
      if (s.count != shard_count)
        throw Error(at, "shard " + sh + " does not split into " + std::to_string(shard_count) + " like the others");
      if (!shard_indices.insert(s.index).second) throw Error(at, "shard " + sh + " given twice");
      merged.shards.push_back(sh);
    }
    merged.export_wall_seconds += r.export_wall_seconds;
    merged.judge_wall_seconds += r.judge_wall_seconds;
    for (auto& e : r.entries) {
      if (!seen_entries.insert(e.case_name + " " + e.engine).second)
        throw Error(at, "case " + e.case_name + " is in two shards");
      merged.entries.push_back(std::move(e));
    }
  }
  for (int k = 1; k <= shard_count; ++k)
    if (!shard_indices.count(k)) out.missing.push_back(std::to_string(k) + "/" + std::to_string(shard_count));
  if (!out.missing.empty() && !allow_partial) {
    std::string list;
    for (const auto& m : out.missing) list += (list.empty() ? "" : ", ") + m;
    throw Error("exporter-ci merge: missing shard(s) " + list + " (or pass --allow-partial)");
  }
  return out;
}

}  // namespace rnnconf::exporter_ci
