// One exporter-ci run (run.hpp): export, then judge each case on each engine.
#include "rnnconf/exporter_ci/run.hpp"

#include <chrono>
#include <fstream>

#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/export_diff.hpp"
#include "rnnconf/exporter_ci/judge.hpp"
#include "rnnconf/exporter_ci/launch.hpp"
#include "rnnconf/exporter_ci/triage.hpp"

namespace rnnconf::exporter_ci {

namespace fs = std::filesystem;
using namespace rnnconf::conformance;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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

// Runs the export driver for the spec's cases into WORK/exports.
int export_cases(const RunSpec& s) {
  if (s.exporter_python.find('/') != std::string::npos && !fs::exists(s.exporter_python))
    throw Error("--exporter '" + s.exporter_python + "': no such file (the python of the exporter's environment)");
  if (!s.exporter_path.empty() && !fs::is_directory(s.exporter_path))
    throw Error("--exporter-path '" + s.exporter_path.string() + "': not a folder");
  LaunchSpec l;
  l.python = s.exporter_python;
  l.exporter_path = s.exporter_path;
  l.script = s.root / "conformance" / "exporter_ci_export.py";
  l.out = exports_folder(s);
  l.cases_file = s.work_dir / "cases.txt";
  l.jobs = s.jobs;
  l.timeout_s = s.export_timeout_s;
  fs::create_directories(l.out);
  {
    std::ofstream list(l.cases_file);
    for (const auto& c : s.cases) list << c.name << "\n";
    if (!list) throw Error(SourceLocation::in_file(l.cases_file.string()), "cannot write the case list");
  }
  return run_export_driver(l);
}

Verdict judged(const MatrixCase& c, const fs::path& golden_dir, const Golden& g, const std::optional<fs::path>& model,
               const std::string& error, const std::string& traceback, const Policy& policy, const EngineSpec& engine,
               const ExecuteFn& execute) {
  Verdict v = judge_export(c, g, model, error, traceback, policy, engine.mode, engine.device, execute);
  const Triage t = triage_verdict(c, golden_dir, g, model, v, policy, engine.mode);
  v.triage = t.line;
  v.defect_class = t.defect_class;
  return v;
}

}  // namespace

std::vector<EngineSpec> engines_to_run(const std::string& list, std::vector<std::string>& skipped) {
  const bool all = engine_list_has_all(list);
  std::vector<EngineSpec> out;
  for (const auto& name : parse_engine_list(list)) {
    const EngineStatus st = probe_engine(name);
    if (st.available)
      out.push_back(find_engine(name));
    else if (all)
      skipped.push_back(name + ": " + st.why);
    else
      throw Error("engine " + name + " cannot run here: " + st.why);
  }
  if (out.empty()) throw Error("no engine of '" + list + "' can run here");
  return out;
}

fs::path exports_folder(const RunSpec& spec) {
  return spec.exports.empty() ? spec.work_dir / "exports" : spec.exports;
}

int run_exporter_ci(const RunSpec& s, Report& report, const EntrySink& on_entry) {
  int driver_status = 0;
  const fs::path exports = exports_folder(s);
  const auto t_export = std::chrono::steady_clock::now();
  if (s.exports.empty() && !s.cases.empty()) driver_status = export_cases(s);
  report.export_wall_seconds += seconds_since(t_export);
  if (!s.cases.empty()) report.exporter = read_exporter_info(exports);
  for (const auto& e : s.engines) report.engines.push_back(e.name);

  const auto t_judge = std::chrono::steady_clock::now();
  const Policy policy = load_policy(s.root / "conformance" / "POLICY.md");
  const size_t total = s.cases.size() * s.engines.size();
  for (const auto& c : s.cases) {
    const fs::path golden_dir = conformance::golden_dir(s.root, c);  // goldens/data or goldens/models
    const Golden g = load_golden(golden_dir);  // a missing golden is our error: regenerate the goldens
    const ExportRecord rec = read_export_record(exports, c.name);
    const ExportChange change = describe_export_change(g.export_path, rec.model);
    for (const auto& engine : s.engines) {
      Entry e;
      e.case_name = c.name;
      e.engine = engine.name;
      e.device = engine.device;
      e.mode = engine.mode;
      e.baseline = judged(c, golden_dir, g, g.export_path, g.export_error.empty() ? g.export_status : g.export_error,
                          "", policy, engine, s.execute);
      e.now = judged(c, golden_dir, g, rec.model, rec.error, rec.traceback, policy, engine, s.execute);
      e.change = classify_change(e.baseline, e.now);
      e.export_changed = change.changed;
      e.export_diff = change.text;
      e.export_seconds = rec.seconds;
      if (s.repro) e.repro = s.repro(c.name, engine.name);
      report.entries.push_back(std::move(e));
      if (on_entry) on_entry(report.entries.back(), report.entries.size(), total);
    }
  }
  report.judge_wall_seconds += seconds_since(t_judge);
  return driver_status;
}

}  // namespace rnnconf::exporter_ci
