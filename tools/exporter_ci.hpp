// The pieces of `rnnconf exporter-ci` (exporter_ci_commands.hpp): the report
// model, judging one export, the export-vs-baseline comparison, sharding,
// launching the Python export driver, and the report files.
//
// Verdict of one export on one executor configuration:
//   PASS          every output within the policy bound (conformance/POLICY.md)
//   MISTRUSTED    ran, but the golden cannot reveal an error (not a failure)
//   FAIL_NUMERIC  an output out of bounds, non-finite, missing or misshapen
//   FAIL_LOAD     our loader or executor refuses the model
//   FAIL_EXPORT   the exporter raised, crashed or timed out (its own error kept)
// Change, baseline -> now ("failing" = FAIL_*):
//   newly_broken   not failing -> failing   (the only change that gates: exit 1)
//   fixed          failing -> not failing
//   still_failing  failing -> failing (the verdict may differ: both are shown)
//   unchanged_pass not failing -> not failing
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/conformance/runner.hpp"

namespace rnnconf::tools::xci {

struct OutputVerdict {
  std::string output;
  bool passed = false;
  std::string reason;
  double e_ours = 0, bound = 0;  // e_ours NaN when not computable
  int64_t ulp_max = -1;
};

struct Verdict {
  std::string verdict;           // PASS | MISTRUSTED | FAIL_NUMERIC | FAIL_LOAD | FAIL_EXPORT
  std::string error;             // the exporter's / loader's error, or the failing outputs' reasons
  std::string export_traceback;  // FAIL_EXPORT: the exporter's traceback when it has one
  std::string export_path_kind;  // fragment | primitives | "" (no export)
  double worst_abs_error = 0;    // NaN when not computable
  int64_t max_ulp = -1;
  std::vector<OutputVerdict> outputs;
  std::vector<std::string> warnings;  // e.g. an unknown fragment body run literally
  std::string triage;                 // one line for a failure; "" when no triage is available
  bool failing() const { return verdict.rfind("FAIL_", 0) == 0; }
};

struct Entry {
  std::string case_name, device, mode;
  Verdict now, baseline;
  std::string change;  // newly_broken | fixed | still_failing | unchanged_pass
  bool export_changed = false;
  std::string export_diff;    // "identical", or the first differing statements / fragments / tensors
  double export_seconds = 0;  // the exporter's time on this case
  std::string repro;
};

struct Summary {
  int entries = 0, newly_broken = 0, fixed = 0, still_failing = 0, unchanged_pass = 0, export_changed = 0,
      export_failed = 0;
  void add(const Entry& e);
};

struct Report {
  std::string command_line;
  nlohmann::json exporter = nlohmann::json::object();  // what exporter_ci_export.py says it ran
  std::string baseline = "torch_to_nnef 0.24.12 (goldens/data/<case>/export/model.nnef.tgz)";
  std::vector<std::string> shards;  // "K/N" of each part ("1/1" unsharded)
  int shard_cases_total = 0;        // cases selected before sharding (same in every shard)
  std::vector<std::string> devices, modes;
  std::string triage_status;  // how the triage lines were made, or why they are empty
  double export_wall_seconds = 0, judge_wall_seconds = 0;
  std::vector<Entry> entries;
  Summary summary() const;
};

// --- sharding (exporter_ci_shard.cpp) ---
struct Shard {
  int index = 1, count = 1;  // 1-based "K/N"
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};
Shard parse_shard(const std::string& text);  // "" -> 1/1; errors say what was expected
// Round robin over the selection in matrix order: case i goes to shard (i mod N) + 1.
std::vector<conformance::MatrixCase> shard_cases(const std::vector<conformance::MatrixCase>& cases,
                                                 const Shard& s);

// --- judging (exporter_ci_judge.cpp) ---
// What the export driver recorded for a case (exports/<case>/export.json).
struct ExportRecord {
  std::string status;  // ok | fail | crash | timeout | missing
  std::string error, traceback;
  double seconds = 0;
  std::optional<std::filesystem::path> model;
};
ExportRecord read_export_record(const std::filesystem::path& exports_dir, const std::string& case_name);

// Runs MODEL (absent: the export failed with EXPORT_ERROR) on the executor and
// judges it against the golden.
Verdict judge_export(const conformance::MatrixCase& c, const conformance::Golden& g,
                     const std::optional<std::filesystem::path>& model, const std::string& export_error,
                     const std::string& export_traceback, const conformance::Policy& policy,
                     const std::string& mode, const std::string& device,
                     const conformance::ExecuteFn& execute);

std::string classify_change(const Verdict& baseline, const Verdict& now);

// Compares the new export with the baseline: graph statements (`rnnconf diff`),
// fragment definitions (normalized bodies) and tensor payloads.
// `changed` is false when all three agree.
std::string describe_export_change(const std::optional<std::filesystem::path>& baseline,
                                   const std::optional<std::filesystem::path>& now, bool& changed);

// The triage line of a failing verdict (exporter_ci_triage.cpp); "" when none can be made.
std::string triage_line(const conformance::MatrixCase& c, const std::filesystem::path& golden_dir,
                        const std::optional<std::filesystem::path>& model, const Verdict& v,
                        const conformance::Policy& policy, const std::string& mode);
std::string triage_status();

// --- the export driver (exporter_ci_launch.cpp) ---
struct LaunchSpec {
  std::string python;
  std::filesystem::path exporter_path;  // may be empty
  std::filesystem::path script;         // conformance/exporter_ci_export.py
  std::filesystem::path out;            // exports folder
  std::filesystem::path cases_file;
  int jobs = 2, timeout_s = 600;
};
// Runs the driver with its output on our stdout; returns its exit status
// (128 + signal when killed). Throws Error when PYTHON cannot be started.
int run_export_driver(const LaunchSpec& s);

// --- reports (exporter_ci_report.cpp) ---
std::string format_entry(const Entry& e, size_t index, size_t total, bool details);
std::string format_summary(const Report& r);
nlohmann::json to_json(const Report& r);
Report report_from_json(const nlohmann::json& j, const std::string& source);
void write_json(const std::filesystem::path& file, const Report& r);
void write_junit(const std::filesystem::path& file, const Report& r);

}  // namespace rnnconf::tools::xci
