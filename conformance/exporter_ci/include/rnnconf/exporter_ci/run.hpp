// One exporter-ci run: export the selected cases with the exporter under test
// (launch.hpp), then judge every new export and the committed baseline export
// on each engine (judge.hpp), triage every non-pass (triage.hpp), compare the
// exports (export_diff.hpp) and classify the change (report.hpp).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

struct RunSpec {
  std::filesystem::path root;           // repository root: goldens, policy, the export driver
  std::string exporter_python;          // interpreter of the environment under test
  std::filesystem::path exporter_path;  // optional: first on its PYTHONPATH (a checkout, a release folder)
  std::vector<conformance::EngineSpec> engines;
  std::vector<conformance::MatrixCase> cases;
  int jobs = 2, export_timeout_s = 600;
  std::filesystem::path work_dir;  // the exports are written to WORK/exports (and the case list to WORK)
  std::filesystem::path exports;   // when set: judge the exports already there, export nothing
  conformance::ExecuteFn execute = conformance::execute_default;
  // The repro line of an entry (the caller knows the command line's spelling).
  std::function<std::string(const std::string& case_name, const std::string& engine)> repro;
};

// Called after each entry is judged (index 1-based, of TOTAL entries).
using EntrySink = std::function<void(const Entry& e, size_t index, size_t total)>;

// Exports (unless spec.exports is set) and judges every case on every engine,
// appending the entries to REPORT and setting its exporter information and
// timings. Returns the export driver's exit status (0 when it ran cleanly or
// did not run); cases without an export record are then FAIL_EXPORT.
// Throws Error on a harness problem (missing golden, no such python).
int run_exporter_ci(const RunSpec& spec, Report& report, const EntrySink& on_entry);

// The engines of an `--engine` list that can run here. An engine that cannot
// is an error naming why, unless the list says `all`: then it is left out and
// SKIPPED gets "engine: why".
std::vector<conformance::EngineSpec> engines_to_run(const std::string& list, std::vector<std::string>& skipped);

// The exports folder a run writes: WORK/exports.
std::filesystem::path exports_folder(const RunSpec& spec);

}  // namespace rnnconf::exporter_ci
