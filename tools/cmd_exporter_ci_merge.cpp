// `rnnconf exporter-ci merge SHARD.json...`: reads the shards' JSON reports,
// joins them (rnnconf::exporter_ci::merge_reports) and prints and writes the
// joined report. Exit 1 when a case is newly broken, like exporter-ci.
#include <iostream>

#include "commands.hpp"
#include "exporter_ci_commands.hpp"
#include "rnnconf/exporter_ci/merge.hpp"
#include "rnnconf/exporter_ci/report_files.hpp"
#include "rnnconf/exporter_ci/report_text.hpp"

namespace rnnconf::tools {

namespace xci = rnnconf::exporter_ci;

int cmd_exporter_ci_merge(const ExporterCiMergeArgs& a) {
  std::vector<std::pair<std::string, xci::Report>> parts;
  for (const auto& file : a.inputs) parts.emplace_back(file.string(), xci::read_report(file));
  const xci::MergeResult m = xci::merge_reports(std::move(parts), a.allow_partial);
  if (!m.missing.empty()) {
    std::string list;
    for (const auto& s : m.missing) list += (list.empty() ? "" : ", ") + s;
    std::cout << "exporter-ci merge: missing shard(s) " << list << " (partial report)\n";
  }
  size_t i = 0;
  for (const auto& e : m.report.entries) {
    ++i;
    const bool interesting = e.change != "unchanged_pass" || e.export_changed;
    if (!a.quiet || interesting) std::cout << xci::format_entry(e, i, m.report.entries.size(), interesting) << "\n";
  }
  std::cout << xci::format_summary(m.report) << " (export and judge times summed over shards)\n";
  if (!a.json.empty()) xci::write_json(a.json, m.report);
  if (!a.junit.empty()) xci::write_junit(a.junit, m.report);
  const xci::Summary s = m.report.summary();
  if (s.newly_broken > 0) return 1;
  return s.unsupported > 0 ? kExitUnsupported : 0;  // an export uses an op the engine lacks
}

}  // namespace rnnconf::tools
