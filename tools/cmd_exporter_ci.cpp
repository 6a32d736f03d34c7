// `rnnconf exporter-ci`: re-export the selected matrix cases with the exporter
// under test (the Python driver, in parallel), judge every new export and the
// committed baseline export on our executors against the goldens, and report
// per case the verdicts and the change (newly broken, fixed, still failing,
// unchanged pass), the export diff and the triage line. Exit 1 only when a
// case is newly broken.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "exporter_ci.hpp"
#include "exporter_ci_commands.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;
using namespace rnnconf::conformance;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string repro(const ExporterCiArgs& a, const std::string& name, const std::string& device,
                  const std::string& mode) {
  std::string r = "rnnconf exporter-ci --exporter " +
                  (a.exporter_python.empty() ? std::string("PYTHON") : shell_quote(a.exporter_python));
  if (!a.exporter_path.empty())
    r += " --exporter-path " + shell_quote(fs::absolute(a.exporter_path).string());
  return r + " --filter '^" + name + "$' --device " + device + " --mode " + mode;
}

std::vector<std::string> devices_to_run(const std::string& wanted) {
  std::vector<std::string> out;
  for (const std::string& d :
       wanted == "all" ? std::vector<std::string>{"cpu", "cuda"} : std::vector<std::string>{wanted}) {
    std::string why;
    if (device_available(d, why))
      out.push_back(d);
    else if (wanted == "all")
      std::cout << "rnnconf exporter-ci: device " << d << " skipped: " << why << "\n";
    else
      throw Error("device " + d + ": " + why);
  }
  return out;
}

nlohmann::json read_exporter_info(const fs::path& exports) {
  const fs::path f = exports / "exporter.json";
  if (!fs::exists(f)) return {{"note", "the export driver wrote no exporter.json"}};
  try {
    std::ifstream in(f, std::ios::binary);
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    return {{"note", std::string("unreadable exporter.json: ") + e.what()}};
  }
}

// Runs the export driver for CASES into WORK/exports; returns that folder.
fs::path export_cases(const ExporterCiArgs& a, const std::vector<MatrixCase>& cases, const fs::path& work) {
  if (a.exporter_python.find('/') != std::string::npos && !fs::exists(a.exporter_python))
    throw Error("--exporter '" + a.exporter_python +
                "': no such file (the python of the exporter's environment)");
  if (!a.exporter_path.empty() && !fs::is_directory(a.exporter_path))
    throw Error("--exporter-path '" + a.exporter_path.string() + "': not a folder");
  const fs::path exports = work / "exports";
  fs::create_directories(exports);
  xci::LaunchSpec s;
  s.python = a.exporter_python;
  s.exporter_path = a.exporter_path;
  s.script = a.root / "conformance" / "exporter_ci_export.py";
  s.out = exports;
  s.cases_file = work / "cases.txt";
  s.jobs = a.jobs;
  s.timeout_s = a.export_timeout_s;
  {
    std::ofstream list(s.cases_file);
    for (const auto& c : cases) list << c.name << "\n";
    if (!list) throw Error(SourceLocation::in_file(s.cases_file.string()), "cannot write the case list");
  }
  const int rc = xci::run_export_driver(s);
  if (rc != 0)
    std::cout << "rnnconf exporter-ci: the export driver exited with status " << rc
              << "; cases without an export record are reported as FAIL_EXPORT\n";
  return exports;
}

}  // namespace

int cmd_exporter_ci(const ExporterCiArgs& a) {
  const auto matrix = load_matrix(a.root / "conformance" / "matrix.json");
  const auto selected = select_cases(matrix, a.filter, a.tier);
  const xci::Shard shard = xci::parse_shard(a.shard);
  const auto cases = xci::shard_cases(selected, shard);
  if (a.list_only) {
    for (const auto& c : cases) std::cout << c.name << "\n";
    return 0;
  }
  if (selected.empty()) throw Error("no matrix case matches --filter '" + a.filter + "' in tier " + a.tier);
  if (a.exporter_python.empty() && a.exports.empty()) throw Error("--exporter PYTHON is required");

  xci::Report report;
  report.command_line = a.command_line;
  report.shards = {shard.text()};
  report.shard_cases_total = static_cast<int>(selected.size());
  report.devices = devices_to_run(a.device);
  report.modes =
      a.mode == "both" ? std::vector<std::string>{"fused", "literal"} : std::vector<std::string>{a.mode};
  report.triage_status = xci::triage_status();
  std::cout << "rnnconf exporter-ci: " << cases.size() << " case(s)"
            << (shard.count > 1 ? " (shard " + shard.text() + " of " + std::to_string(selected.size()) + ")"
                                : "")
            << "\n";

  // 1. Export (skipped with --exports).
  const bool temporary_work = a.exports.empty() && a.work_dir.empty();
  const fs::path work = !a.work_dir.empty()
                            ? a.work_dir
                            : fs::temp_directory_path() / ("rnnconf-exporter-ci-" + std::to_string(getpid()));
  fs::path exports = a.exports;
  const auto t_export = std::chrono::steady_clock::now();
  if (exports.empty() && !cases.empty()) exports = export_cases(a, cases, work);
  report.export_wall_seconds = seconds_since(t_export);
  if (!exports.empty()) report.exporter = read_exporter_info(exports);

  // 2. Judge the new exports and the baseline ones.
  const auto t_judge = std::chrono::steady_clock::now();
  const Policy policy = load_policy(a.root / "conformance" / "POLICY.md");
  const size_t total = cases.size() * report.devices.size() * report.modes.size();
  for (const auto& c : cases) {
    const fs::path golden_dir = a.root / "goldens" / "data" / c.name;
    const Golden g = load_golden(golden_dir);  // a missing golden is our error: regenerate the goldens
    const xci::ExportRecord rec = xci::read_export_record(exports, c.name);
    bool changed = false;
    const std::string diff = xci::describe_export_change(g.export_path, rec.model, changed);
    for (const auto& device : report.devices)
      for (const auto& mode : report.modes) {
        xci::Entry e;
        e.case_name = c.name;
        e.device = device;
        e.mode = mode;
        e.baseline =
            xci::judge_export(c, g, g.export_path, g.export_error.empty() ? g.export_status : g.export_error,
                              "", policy, mode, device, execute_default);
        e.now = xci::judge_export(c, g, rec.model, rec.error, rec.traceback, policy, mode, device,
                                  execute_default);
        e.baseline.triage = xci::triage_line(c, golden_dir, g.export_path, e.baseline, policy, mode);
        e.now.triage = xci::triage_line(c, golden_dir, rec.model, e.now, policy, mode);
        e.change = xci::classify_change(e.baseline, e.now);
        e.export_changed = changed;
        e.export_diff = diff;
        e.export_seconds = rec.seconds;
        e.repro = repro(a, c.name, device, mode);
        report.entries.push_back(std::move(e));
        const xci::Entry& r = report.entries.back();
        const bool interesting = r.change != "unchanged_pass" || r.export_changed;
        if (!a.quiet || interesting)
          std::cout << xci::format_entry(r, report.entries.size(), total,
                                         r.change != "still_failing" || !a.quiet)
                    << "\n";
      }
  }
  report.judge_wall_seconds = seconds_since(t_judge);

  std::cout << xci::format_summary(report) << "\n";
  if (!a.json.empty()) xci::write_json(a.json, report);
  if (!a.junit.empty()) xci::write_junit(a.junit, report);
  if (temporary_work) {
    std::error_code ec;
    fs::remove_all(work, ec);
  } else if (a.exports.empty()) {
    std::cout << "exports kept in " << exports.string() << " (compare one: rnnconf diff "
              << (a.root / "goldens" / "data" / "<case>" / "export" / "model.nnef.tgz").string() << " "
              << (exports / "<case>" / "model.nnef.tgz").string() << ")\n";
  }
  const int broken = report.summary().newly_broken;
  if (broken > 0) std::cout << "exporter-ci: " << broken << " newly broken: failing\n";
  return broken > 0 ? 1 : 0;
}

}  // namespace rnnconf::tools
