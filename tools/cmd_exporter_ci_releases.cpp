// `rnnconf exporter-ci --exporter-release LIST|all`: the exporter's release
// history. Each torch_to_nnef release is installed into its own cached folder
// (rnnconf::exporter_ci::install_release) and put first on the PYTHONPATH of
// the project's python (the pinned torch), the selected cases are exported
// and judged with it (one exporter-ci report per release, kept under
// WORK/<release>/report.json), and the reports are joined by
// `exporter-ci history` (cmd_exporter_ci_history.cpp).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "exporter_ci_commands.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/releases.hpp"
#include "rnnconf/exporter_ci/report_files.hpp"
#include "rnnconf/exporter_ci/report_text.hpp"
#include "rnnconf/exporter_ci/run.hpp"
#include "rnnconf/exporter_ci/triage.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;
namespace xci = rnnconf::exporter_ci;
using namespace rnnconf::conformance;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<std::string> known_releases(const std::string& python, const std::string& wanted) {
  try {
    return xci::available_releases(python);
  } catch (const Error& e) {
    if (wanted == "all") throw;
    std::cout << "rnnconf exporter-ci: cannot ask pip which releases exist (" << e.message().substr(0, 200)
              << "); taking the list as given\n";
    return {};
  }
}

}  // namespace

int cmd_exporter_ci_releases(const ExporterCiArgs& a) {
  if (!a.shard.empty() || !a.exports.empty() || !a.junit.empty() || !a.exporter_path.empty())
    throw Error("--exporter-release: --shard, --exports, --junit and --exporter-path do not apply");
  const auto t0 = std::chrono::steady_clock::now();
  const std::string python = a.exporter_python.empty() ? project_python(a.root) : a.exporter_python;
  const auto releases = xci::select_releases(a.releases, known_releases(python, a.releases));
  const auto cases = select_cases(load_matrix(a.root / "conformance" / "matrix.json"), a.filter, a.tier);
  if (cases.empty()) throw Error("no matrix case matches --filter '" + a.filter + "' in tier " + a.tier);
  std::vector<std::string> skipped;
  const auto engines = xci::engines_to_run(a.engines, skipped);
  for (const auto& s : skipped) std::cout << "rnnconf exporter-ci: engine " << s << " (skipped)\n";
  const fs::path cache = a.release_cache.empty() ? xci::default_release_cache() : a.release_cache;
  const bool temporary_work = a.work_dir.empty();
  const fs::path work = temporary_work ? fs::temp_directory_path() / ("rnnconf-xci-releases-" + std::to_string(getpid()))
                                       : a.work_dir;
  std::string list;
  for (const auto& r : releases) list += (list.empty() ? "" : ", ") + r;
  std::cout << "rnnconf exporter-ci: " << releases.size() << " torch_to_nnef release(s) (" << list << ") x "
            << cases.size() << " case(s), with " << python << "; releases cached in " << cache.string() << "\n";

  ExporterCiHistoryArgs h;
  h.root = a.root;
  h.python = python;
  h.markdown = a.markdown;
  h.plot = a.plot;
  h.json = a.json;
  h.propose_expectations = a.propose_expectations;
  h.command_line = a.command_line;
  double install_s = 0;
  std::string per_release;
  for (const auto& release : releases) {
    const auto t_install = std::chrono::steady_clock::now();
    std::string pip_log;
    const fs::path dir = xci::install_release(python, release, cache, pip_log);
    const double this_install = seconds_since(t_install);
    install_s += this_install;
    std::cout << "== torch_to_nnef " << release << " (" << dir.string()
              << (pip_log.empty() && this_install < 1 ? ", cached" : fmt::format(", installed in {:.1f}s", this_install))
              << ")\n";
    xci::RunSpec spec;
    spec.root = a.root;
    spec.exporter_python = python;
    spec.exporter_path = dir;
    spec.engines = engines;
    spec.cases = cases;
    spec.jobs = a.jobs;
    spec.export_timeout_s = a.export_timeout_s;
    spec.work_dir = work / release;
    spec.repro = [&](const std::string& name, const std::string& engine) {
      return "rnnconf exporter-ci --exporter-release " + release + " --filter '^" + name + "$' --engine " + engine;
    };
    xci::Report report;
    report.command_line = a.command_line;
    report.release = release;
    report.shards = {"1/1"};
    report.shard_cases_total = static_cast<int>(cases.size());
    report.triage_status = xci::triage_status();
    const int rc = xci::run_exporter_ci(spec, report, [&](const xci::Entry& e, size_t index, size_t total) {
      const bool deviates = e.now.verdict != e.baseline.verdict || e.now.defect_class != e.baseline.defect_class;
      if (deviates && !a.quiet) std::cout << xci::format_entry(e, index, total, false) << "\n";
    });
    if (rc != 0) std::cout << "rnnconf exporter-ci: the export driver exited with status " << rc << "\n";
    std::cout << xci::format_summary(report) << "\n";
    const fs::path report_file = work / release / "report.json";
    xci::write_json(report_file, report);
    h.inputs.push_back(report_file);
    per_release += fmt::format("{}{} {:.0f}s", per_release.empty() ? "" : ", ", release,
                               report.export_wall_seconds + report.judge_wall_seconds);
  }
  h.timing = fmt::format(
      "Wall time: {:.0f} s for {} releases ({:.0f} s installing; export + judge per release: {}), {} export "
      "worker(s).",
      seconds_since(t0), releases.size(), install_s, per_release, a.jobs);
  const int rc = cmd_exporter_ci_history(h);
  if (temporary_work) {
    std::error_code ec;
    fs::remove_all(work, ec);
  } else {
    std::cout << "per-release reports kept in " << work.string()
              << "/<release>/report.json (join them again: rnnconf exporter-ci history ...)\n";
  }
  std::cout << "rnnconf exporter-ci: " << fmt::format("{:.0f}", seconds_since(t0)) << " s in all\n";
  return rc;
}

}  // namespace rnnconf::tools
