// `rnnconf exporter-ci` (conformance/EXPORTER_CI.md): judge an exporter under
// development against the goldens and against the committed baseline exports
// of the pinned torch_to_nnef, in one command; and its uses over exporter
// versions: the release history and bisection.
//
//   rnnconf exporter-ci --exporter PYTHON [--exporter-path DIR] [--engine LIST]
//                       [--filter REGEX] [--shard K/N] [--json F] [--junit F]
//   rnnconf exporter-ci merge SHARD.json... [--json F] [--junit F]
//   rnnconf exporter-ci --exporter-release LIST|all [--markdown F] [--plot F] [--json F]
//   rnnconf exporter-ci history REPORT.json... [--markdown F] [--plot F] [--json F]
//   rnnconf exporter-ci --bisect CASE --good G --bad B [--exporter-checkout DIR]
//
// The domain logic is the library conformance/exporter_ci/ (rnnconf::exporter_ci);
// these commands parse nothing more than their arguments and print. Exit: 0
// nothing newly broken (history: everything triaged and recorded; bisect: the
// first bad one named), 1 something newly broken (history: unrecorded
// verdicts), 2 bad input or a harness error, 3 nothing newly broken but some
// export UNSUPPORTED (it uses an op the engine lacks).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rnnconf::tools {

struct ExporterCiArgs {
  std::filesystem::path root;           // repository root (matrix, goldens, policy, the export script)
  std::string exporter_python;          // interpreter of the environment under test
  std::filesystem::path exporter_path;  // optional: put first on PYTHONPATH (a source checkout)
  std::string engines = "cpu";          // --engine: cpu, cpu-literal, cuda; a comma list or all
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

  // Release history (--exporter-release LIST|all): one run per release.
  std::string releases;
  std::filesystem::path release_cache;  // default: ~/.cache/rnnconf/t2n-releases
  std::string markdown, plot;           // the history's Markdown and PNG
  std::string propose_expectations;     // conditional entries that would record the unrecorded verdicts

  // Bisection (--bisect CASE --good G --bad B): releases, or commits of a checkout.
  std::string bisect_case, good, bad;
  std::filesystem::path exporter_checkout;  // a git checkout of torch_to_nnef: G and B are commits
};
int cmd_exporter_ci(const ExporterCiArgs& a);
int cmd_exporter_ci_releases(const ExporterCiArgs& a);  // --exporter-release
int cmd_exporter_ci_bisect(const ExporterCiArgs& a);    // --bisect

struct ExporterCiMergeArgs {
  std::vector<std::filesystem::path> inputs;  // the shards' --json reports
  std::string json, junit;
  bool allow_partial = false;  // accept a missing shard
  bool quiet = false;
};
int cmd_exporter_ci_merge(const ExporterCiMergeArgs& a);

struct ExporterCiHistoryArgs {
  std::filesystem::path root;
  std::vector<std::filesystem::path> inputs;  // one exporter-ci --json report per release
  std::string markdown, plot, json, propose_expectations;
  std::string python;  // the interpreter that draws the plot (matplotlib); default: the project's
  std::string command_line;
  std::string timing;  // a note on the run's wall times, for the Markdown
};
int cmd_exporter_ci_history(const ExporterCiHistoryArgs& a);

// The exporter's python when --exporter is not given: the project's venv
// (ROOT/ci/python --print-path), which holds the pinned torch.
std::string project_python(const std::filesystem::path& root);

}  // namespace rnnconf::tools
