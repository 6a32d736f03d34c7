// `rnnconf triage CASE|MODEL`: the first divergence of a model from the
// goldens' per-step states, its likely cause, and optionally a heatmap.
// Under --max-memory and --timeout (a replay cut by the deadline: exit 124).
#include <unistd.h>

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iostream>

#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/triage.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/model.hpp"
#include "triage_commands.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;
using namespace rnnconf::conformance;

namespace {

// goldens/data/<case>/export/model.nnef.tgz -> <case>
std::string case_from_path(const fs::path& p) {
  const fs::path abs = fs::absolute(p);
  for (fs::path d = abs.parent_path(); d.has_parent_path() && d != d.parent_path(); d = d.parent_path())
    if (d.parent_path().filename() == "data" && fs::exists(d / "meta.json")) return d.filename().string();
  return "";
}

void write_plot(const TriageReport& rep, const std::string& title, const fs::path& png, const fs::path& root) {
  const fs::path csv = fs::temp_directory_path() / fmt::format("rnnconf-triage-{}.csv", static_cast<long>(::getpid()));
  {
    std::ofstream out(csv);
    if (!out) throw Error("cannot write " + csv.string());
    out << "track,time,error\n";
    for (const auto& t : rep.tracks)
      for (size_t i = 0; i < t.error_by_time.size(); ++i)
        out << fmt::format("l{} {},{},{:.17g}\n", t.layer, t.direction == 0 ? "fwd" : "bwd", i, t.error_by_time[i]);
  }
  const char* py = std::getenv("RNNCONF_PYTHON");
  const std::string cmd = fmt::format("'{}' '{}' '{}' '{}' '{}' {}", py ? py : "python3",
                                      (root / "tools" / "triage_plot.py").string(), csv.string(), png.string(), title,
                                      rep.step_threshold);
  const int rc = std::system(cmd.c_str());
  fs::remove(csv);
  if (rc != 0)
    throw Error("plot failed: '" + cmd + "' exited with " + std::to_string(rc) +
                " (needs matplotlib: set RNNCONF_PYTHON to the venv's python)");
}

int triage_command(const TriageArgs& a, const Deadline& deadline) {
  const EngineSpec& engine = find_engine(a.engine);
  if (engine.device != "cpu")
    throw Error("triage: engine " + engine.name +
                ": the replay records every intermediate on reference_cpu; use --engine cpu or cpu-literal "
                "(a failure on " + engine.name + " is triaged in the same fragment mode on the CPU)");
  const auto matrix = load_matrix(a.root / "conformance" / "matrix.json");
  const Policy policy = load_policy(a.root / "conformance" / "POLICY.md");
  auto find_case = [&](const std::string& name) -> const MatrixCase* {
    for (const auto& c : matrix)
      if (c.name == name) return &c;
    return nullptr;
  };
  TriageReport rep;
  const MatrixCase* c = find_case(a.target);
  std::string what;
  if (c) {
    rep = triage_case(*c, conformance::golden_dir(a.root, *c), engine.mode, policy, a.model_source, deadline);
    what = c->name + " (" + a.model_source + ", " + engine.name + ")";
  } else if (fs::exists(a.target)) {
    const std::string name = a.case_name.empty() ? case_from_path(a.target) : a.case_name;
    if (name.empty())
      throw Error("triage: " + a.target + " is a model but no golden case is known for it: pass --case NAME");
    c = find_case(name);
    if (!c) throw Error("triage: no matrix case named '" + name + "'");
    rep = triage_model(*c, conformance::golden_dir(a.root, *c), nnef::load_model(a.target), engine.mode, policy,
                       deadline);
    what = a.target + " against " + c->name + " (" + engine.name + ")";
  } else {
    throw Error("triage: '" + a.target + "' is neither a matrix case (rnnconf list) nor a model path");
  }
  // A replay cut by the deadline is reported as a refused model: it is the timeout.
  if (!rep.ok && deadline.passed()) throw Error("triage " + what + ": " + rep.line);
  std::cout << "triage " << what << "\n";
  for (const auto& t : rep.tracks) {
    double worst = 0;
    for (double e : t.error_by_time) worst = std::max(worst, e);
    std::cout << fmt::format("  layer {} {:<8}  max err {:.3g}  {}\n", t.layer, t.direction == 0 ? "forward" : "backward",
                             worst, t.first_bad_step < 0 ? std::string("ok") : fmt::format("differs from step {}", t.first_bad_step));
  }
  std::cout << fmt::format("  (a step differs when its error exceeds {:.3g}: max(A, R * e_torch) of the policy)\n",
                           rep.step_threshold);
  std::cout << (rep.ok ? "ok" : rep.line + "\n  cause: " + rep.cause_class) << "\n";
  if (!a.plot.empty()) {
    write_plot(rep, what, a.plot, a.root);
    std::cout << "plot: " << a.plot.string() << "\n";
  }
  return rep.ok ? 0 : 1;
}

}  // namespace

int cmd_triage(const TriageArgs& a) {
  return run_with_limits(a.limits,
                         [&](const CommandLimits& limits) { return triage_command(a, limits.deadline()); });
}

}  // namespace rnnconf::tools
