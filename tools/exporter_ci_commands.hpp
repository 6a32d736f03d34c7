// `rnnconf exporter-ci` (issue 9): judge an exporter under development against
// the goldens and against the committed baseline exports of the pinned
// torch_to_nnef, in one command (conformance/EXPORTER_CI.md).
//
//   rnnconf exporter-ci --exporter PYTHON [--exporter-path DIR] [--device cpu|cuda|all]
//                       [--filter REGEX] [--shard K/N] [--json F] [--junit F]
//   rnnconf exporter-ci merge SHARD.json... [--json F] [--junit F]
//
// The export half runs conformance/exporter_ci_export.py in PYTHON (DIR first on
// its PYTHONPATH); the judging half is exporter_ci_judge.cpp, the reports
// exporter_ci_report.cpp. Exit: 0 no case newly broken, 1 some case newly
// broken, 2 bad input or a harness error.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rnnconf::tools {

struct ExporterCiArgs {
  std::filesystem::path root;           // repository root (matrix, goldens, policy, the export script)
  std::string exporter_python;          // interpreter of the environment under test
  std::filesystem::path exporter_path;  // optional: put first on PYTHONPATH (a source checkout)
  std::string device = "cpu";           // cpu | cuda | all
  std::string mode = "fused";           // fused | literal | both
  std::string filter;                   // regex on case names
  std::string tier = "small";
  std::string shard;               // "K/N" (1 <= K <= N), empty = all
  int jobs = 2;                    // parallel export processes
  int export_timeout_s = 600;      // per case
  std::filesystem::path work_dir;  // exports go to WORK/exports (default: a temporary folder, removed)
  std::filesystem::path exports;   // judge exports already in this folder (skip exporting)
  bool list_only = false;          // print the shard's cases and stop
  bool quiet = false;              // print only changed or failing cases
  std::string json, junit;
  std::string command_line;
};
int cmd_exporter_ci(const ExporterCiArgs& a);

struct ExporterCiMergeArgs {
  std::vector<std::filesystem::path> inputs;  // the shards' --json reports
  std::string json, junit;
  bool allow_partial = false;  // accept a missing shard
  bool quiet = false;
};
int cmd_exporter_ci_merge(const ExporterCiMergeArgs& a);

}  // namespace rnnconf::tools
