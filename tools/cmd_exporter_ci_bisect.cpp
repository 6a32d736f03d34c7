// `rnnconf exporter-ci --bisect CASE --good G --bad B`: names the first bad
// exporter version for one case (rnnconf::exporter_ci::bisect). G and B are
// torch_to_nnef releases (each probe installs one: install_release), or, with
// --exporter-checkout DIR, commits of that git checkout (each probe extracts
// the commit's tree with git archive into the work folder: the checkout is
// not touched). A probe exports CASE with that version and judges it on the
// first engine of --engine; "bad" is a FAIL_* verdict.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "exporter_ci_commands.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/bisect.hpp"
#include "rnnconf/exporter_ci/releases.hpp"
#include "rnnconf/exporter_ci/run.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;
namespace xci = rnnconf::exporter_ci;
using namespace rnnconf::conformance;

namespace {

// The folder of an extracted tree that holds the torch_to_nnef package.
fs::path package_root(const fs::path& tree, const std::string& commit) {
  if (fs::is_directory(tree / "torch_to_nnef")) return tree;
  for (const auto& d : fs::directory_iterator(tree))
    if (d.is_directory() && fs::is_directory(d.path() / "torch_to_nnef")) return d.path();
  throw Error("commit " + commit + ": no torch_to_nnef/ package at the top of its tree or one folder down");
}

}  // namespace

int cmd_exporter_ci_bisect(const ExporterCiArgs& a) {
  if (a.good.empty() || a.bad.empty()) throw Error("--bisect CASE needs --good and --bad");
  if (!a.exporter_path.empty() || !a.exports.empty() || !a.shard.empty())
    throw Error("--bisect: --exporter-path, --exports and --shard do not apply");
  const std::string python = a.exporter_python.empty() ? project_python(a.root) : a.exporter_python;
  const auto cases = select_cases(load_matrix(a.root / "conformance" / "matrix.json"), "^" + a.bisect_case + "$", "");
  if (cases.empty()) throw Error("--bisect: no matrix case is called '" + a.bisect_case + "'");
  std::vector<std::string> skipped;
  const EngineSpec engine = xci::engines_to_run(a.engines, skipped).front();
  const bool commits = !a.exporter_checkout.empty();
  const std::vector<std::string> candidates =
      commits ? xci::commits_between(a.exporter_checkout, a.good, a.bad)
              : xci::releases_between(xci::available_releases(python), a.good, a.bad);
  const bool temporary_work = a.work_dir.empty();
  const fs::path work = temporary_work ? fs::temp_directory_path() / ("rnnconf-xci-bisect-" + std::to_string(getpid()))
                                       : a.work_dir;
  const fs::path cache = a.release_cache.empty() ? xci::default_release_cache() : a.release_cache;
  std::cout << fmt::format("rnnconf exporter-ci: bisecting {} on engine {} over {} {} from good {} to bad {}\n",
                           a.bisect_case, engine.name, candidates.size(), commits ? "commits" : "releases", a.good,
                           a.bad);

  size_t probe_index = 0;
  const xci::ProbeFn probe = [&](const std::string& candidate) {
    const fs::path probe_work = work / fmt::format("probe-{}", ++probe_index);
    xci::RunSpec spec;
    spec.root = a.root;
    spec.exporter_python = python;
    if (commits) {
      xci::extract_commit(a.exporter_checkout, candidate, probe_work / "tree");
      spec.exporter_path = package_root(probe_work / "tree", candidate);
    } else {
      std::string log;
      spec.exporter_path = xci::install_release(python, candidate, cache, log);
    }
    spec.engines = {engine};
    spec.cases = cases;
    spec.jobs = 1;
    spec.export_timeout_s = a.export_timeout_s;
    spec.work_dir = probe_work;
    xci::Report report;
    xci::run_exporter_ci(spec, report, {});
    const xci::Entry& e = report.entries.at(0);
    xci::BisectProbe p;
    p.bad = e.now.failing();
    p.detail = e.now.verdict + (e.now.triage.empty() ? "" : ": " + e.now.triage);
    return p;
  };
  const auto on_probe = [&](const xci::BisectProbe& p, size_t remaining) {
    std::cout << fmt::format("[probe {}] {} {}  {}  ({} left between good and bad)\n", probe_index, p.candidate,
                             p.bad ? "BAD " : "good", p.detail.substr(0, 200), remaining);
  };
  const xci::BisectResult r = xci::bisect(candidates, probe, on_probe);
  if (temporary_work) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  std::cout << fmt::format("first bad: {} (last good: {}); {} probes of {} candidates\n", r.first_bad, r.last_good,
                           r.probes.size(), candidates.size());
  return 0;
}

}  // namespace rnnconf::tools
