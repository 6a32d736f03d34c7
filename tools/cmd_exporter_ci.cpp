// `rnnconf exporter-ci`: the arguments and the printing of one exporter-ci
// run (the run itself is rnnconf::exporter_ci::run_exporter_ci): re-export
// the selected cases with the exporter under test, judge every new export and
// the committed baseline export on each engine, and print per case the
// verdicts and the change. Exit 1 when a case is newly broken, else 3 when an
// export is UNSUPPORTED (uses an op the engine lacks), else 0.
#include <unistd.h>

#include <iostream>

#include "commands.hpp"
#include "exporter_ci_commands.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/process.hpp"
#include "rnnconf/exporter_ci/report_files.hpp"
#include "rnnconf/exporter_ci/report_text.hpp"
#include "rnnconf/exporter_ci/run.hpp"
#include "rnnconf/exporter_ci/shard.hpp"
#include "rnnconf/exporter_ci/triage.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;
namespace xci = rnnconf::exporter_ci;
using namespace rnnconf::conformance;

namespace {

std::string repro(const ExporterCiArgs& a, const std::string& name, const std::string& engine) {
  std::string r = "rnnconf exporter-ci --exporter " +
                  (a.exporter_python.empty() ? std::string("PYTHON") : xci::shell_quote(a.exporter_python));
  if (!a.exporter_path.empty()) r += " --exporter-path " + xci::shell_quote(fs::absolute(a.exporter_path).string());
  return r + " --filter '^" + name + "$' --engine " + engine;
}

}  // namespace

std::string project_python(const fs::path& root) {
  const xci::ProcessResult r = xci::run_process({(root / "ci" / "python").string(), "--print-path"});
  std::string path = r.output.substr(0, r.output.find('\n'));
  if (r.status != 0 || path.empty())
    throw Error("the project's python (ci/python --print-path) is not available: " + r.output +
                " (or give --exporter PYTHON)");
  return path;
}

int cmd_exporter_ci(const ExporterCiArgs& a) {
  if (!a.releases.empty()) return cmd_exporter_ci_releases(a);
  if (!a.bisect_case.empty()) return cmd_exporter_ci_bisect(a);
  const auto matrix = load_matrix(a.root / "conformance" / "matrix.json");
  const auto selected = select_cases(matrix, a.filter, a.tier);
  const xci::Shard shard = xci::parse_shard(a.shard);
  xci::RunSpec spec;
  spec.cases = xci::shard_cases(selected, shard);
  if (a.list_only) {
    for (const auto& c : spec.cases) std::cout << c.name << "\n";
    return 0;
  }
  if (selected.empty()) throw Error("no matrix case matches --filter '" + a.filter + "' in tier " + a.tier);
  if (a.exporter_python.empty() && a.exports.empty()) throw Error("--exporter PYTHON is required");
  std::vector<std::string> skipped;
  spec.engines = xci::engines_to_run(a.engines, skipped);
  for (const auto& s : skipped) std::cout << "rnnconf exporter-ci: engine " << s << " (skipped)\n";

  xci::Report report;
  report.command_line = a.command_line;
  report.shards = {shard.text()};
  report.shard_cases_total = static_cast<int>(selected.size());
  report.triage_status = xci::triage_status();
  std::cout << "rnnconf exporter-ci: " << spec.cases.size() << " case(s)"
            << (shard.count > 1 ? " (shard " + shard.text() + " of " + std::to_string(selected.size()) + ")" : "")
            << "\n";

  const bool temporary_work = a.exports.empty() && a.work_dir.empty();
  spec.root = a.root;
  spec.exporter_python = a.exporter_python;
  spec.exporter_path = a.exporter_path;
  spec.jobs = a.jobs;
  spec.export_timeout_s = a.export_timeout_s;
  spec.exports = a.exports;
  spec.work_dir = !a.work_dir.empty()
                      ? a.work_dir
                      : fs::temp_directory_path() / ("rnnconf-exporter-ci-" + std::to_string(getpid()));
  spec.repro = [&](const std::string& name, const std::string& engine) { return repro(a, name, engine); };
  const int rc = xci::run_exporter_ci(spec, report, [&](const xci::Entry& e, size_t index, size_t total) {
    const bool interesting = e.change != "unchanged_pass" || e.export_changed;
    if (!a.quiet || interesting)
      std::cout << xci::format_entry(e, index, total, e.change != "still_failing" || !a.quiet) << "\n";
  });
  if (rc != 0)
    std::cout << "rnnconf exporter-ci: the export driver exited with status " << rc
              << "; cases without an export record are reported as FAIL_EXPORT\n";

  std::cout << xci::format_summary(report) << "\n";
  if (!a.json.empty()) xci::write_json(a.json, report);
  if (!a.junit.empty()) xci::write_junit(a.junit, report);
  if (temporary_work) {
    std::error_code ec;
    fs::remove_all(spec.work_dir, ec);
  } else if (a.exports.empty()) {
    const fs::path exports = xci::exports_folder(spec);
    std::cout << "exports kept in " << exports.string() << " (compare one: rnnconf diff "
              << (a.root / "goldens" / "data" / "<case>" / "export" / "model.nnef.tgz").string() << " "
              << (exports / "<case>" / "model.nnef.tgz").string() << ")\n";
  }
  const xci::Summary summary = report.summary();
  if (summary.newly_broken > 0) std::cout << "exporter-ci: " << summary.newly_broken << " newly broken: failing\n";
  if (summary.newly_broken > 0) return 1;
  if (summary.unsupported > 0)
    std::cout << "exporter-ci: " << summary.unsupported << " UNSUPPORTED (" << summary.newly_unsupported
              << " newly: coverage lost, not a numeric regression): exit " << kExitUnsupported << "\n";
  return summary.unsupported > 0 ? kExitUnsupported : 0;
}

}  // namespace rnnconf::tools
