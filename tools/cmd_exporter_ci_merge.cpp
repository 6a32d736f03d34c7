// `rnnconf exporter-ci merge SHARD.json...`: joins the JSON reports of the
// shards of one `exporter-ci --shard K/N` run into one report (JSON, JUnit,
// summary). Refuses a case reported twice and, unless --allow-partial, a
// missing shard. Exit 1 when a case is newly broken, like exporter-ci.
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "exporter_ci.hpp"
#include "exporter_ci_commands.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;

namespace {

xci::Report read_report(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(file.string()), "cannot read the shard report");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(SourceLocation::in_file(file.string()), std::string("not JSON: ") + e.what());
  }
  return xci::report_from_json(j, file.string());
}

}  // namespace

int cmd_exporter_ci_merge(const ExporterCiMergeArgs& a) {
  if (a.inputs.empty()) throw Error("exporter-ci merge: give the shards' JSON reports");
  xci::Report merged;
  std::set<std::string> seen_entries;
  std::set<int> shard_indices;
  int shard_count = 0;
  for (const auto& file : a.inputs) {
    xci::Report r = read_report(file);
    if (merged.shards.empty()) {
      merged.exporter = r.exporter;
      merged.baseline = r.baseline;
      merged.devices = r.devices;
      merged.modes = r.modes;
      merged.triage_status = r.triage_status;
      merged.shard_cases_total = r.shard_cases_total;
      merged.command_line = "rnnconf exporter-ci merge";
    } else if (r.shard_cases_total != merged.shard_cases_total) {
      throw Error(SourceLocation::in_file(file.string()),
                  "shard of a different selection (" + std::to_string(r.shard_cases_total) +
                      " cases, the first had " + std::to_string(merged.shard_cases_total) + ")");
    }
    for (const auto& sh : r.shards) {
      const xci::Shard s = xci::parse_shard(sh);
      if (shard_count == 0) shard_count = s.count;
      if (s.count != shard_count)
        throw Error(
            SourceLocation::in_file(file.string()),
            "shard " + sh + " does not split into " + std::to_string(shard_count) + " like the others");
      if (!shard_indices.insert(s.index).second)
        throw Error(SourceLocation::in_file(file.string()), "shard " + sh + " given twice");
      merged.shards.push_back(sh);
    }
    merged.export_wall_seconds += r.export_wall_seconds;
    merged.judge_wall_seconds += r.judge_wall_seconds;
    for (auto& e : r.entries) {
      if (!seen_entries.insert(e.case_name + " " + e.device + " " + e.mode).second)
        throw Error(SourceLocation::in_file(file.string()), "case " + e.case_name + " is in two shards");
      merged.entries.push_back(std::move(e));
    }
  }
  std::vector<int> missing;
  for (int k = 1; k <= shard_count; ++k)
    if (!shard_indices.count(k)) missing.push_back(k);
  if (!missing.empty()) {
    std::string list;
    for (int k : missing)
      list += (list.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(shard_count);
    if (!a.allow_partial)
      throw Error("exporter-ci merge: missing shard(s) " + list + " (or pass --allow-partial)");
    std::cout << "exporter-ci merge: missing shard(s) " << list << " (partial report)\n";
  }
  size_t i = 0;
  for (const auto& e : merged.entries) {
    ++i;
    const bool interesting = e.change != "unchanged_pass" || e.export_changed;
    if (!a.quiet || interesting)
      std::cout << xci::format_entry(e, i, merged.entries.size(), interesting) << "\n";
  }
  std::cout << xci::format_summary(merged) << " (export and judge times summed over shards)\n";
  if (!a.json.empty()) xci::write_json(a.json, merged);
  if (!a.junit.empty()) xci::write_junit(a.junit, merged);
  return merged.summary().newly_broken > 0 ? 1 : 0;
}

}  // namespace rnnconf::tools
