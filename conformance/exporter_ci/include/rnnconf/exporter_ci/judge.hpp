// Judging one export of a case: what the export driver recorded for it, and the
// verdict of the export (or of its absence) on one engine against the golden
// with the policy of conformance/POLICY.md.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

// What the export driver recorded for a case (EXPORTS/<case>/export.json).
struct ExportRecord {
  std::string status;  // ok | fail | crash | timeout | missing
  std::string error, traceback;
  double seconds = 0;
  std::optional<std::filesystem::path> model;
};
// A missing record or model is a record too (status "missing", with why);
// an unreadable export.json throws Error naming the file.
ExportRecord read_export_record(const std::filesystem::path& exports_dir, const std::string& case_name);

// Runs MODEL (absent: the export failed with EXPORT_ERROR) on (device, mode)
// through EXECUTE and judges it against the golden. A model that does not load
// or run is FAIL_LOAD, never an exception. Triage is not filled in (triage.hpp).
Verdict judge_export(const conformance::MatrixCase& c, const conformance::Golden& g,
                     const std::optional<std::filesystem::path>& model, const std::string& export_error,
                     const std::string& export_traceback, const conformance::Policy& policy,
                     const std::string& mode, const std::string& device, const conformance::ExecuteFn& execute);

}  // namespace rnnconf::exporter_ci
