// `rnnconf run`: the conformance matrix on the committed goldens, each case on
// each engine of --engine (default cpu,cpu-literal; `all`: every engine that
// can run here, the others skipped with the reason). --timeout
// applies to the whole command: each model run stops at the deadline (its
// case FAILs naming the statement), and the matrix stops after that case
// (exit code 124). Exit 1 on an unexpected failure, else 3 when a case is
// UNSUPPORTED (an op the engine lacks), else 0. Default tiers: small,model.
#include <unistd.h>

#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/report.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::tools {

using namespace rnnconf::conformance;

namespace {

int run_matrix_command(const RunArgs& a, const Deadline& deadline) {
  RunConfig cfg;
  cfg.deadline = deadline;
  cfg.root = a.root;
  cfg.filter = a.filter;
  cfg.tier = a.tier == "all" ? "" : a.tier;
  cfg.model_source = a.model_source;
  // --engine LIST: an engine named explicitly must run here; with `all`, one
  // that cannot is skipped and the reason recorded (a SKIP line, never a pass).
  const bool all = engine_list_has_all(a.engines);
  cfg.engines.clear();
  std::vector<CaseResult> unavailable;
  for (const auto& name : parse_engine_list(a.engines)) {
    const EngineStatus status = probe_engine(name);
    if (status.available) {
      cfg.engines.push_back(name);
    } else if (all) {
      std::cout << "rnnconf: engine " << name << " skipped: " << status.why << "\n";
      const EngineSpec& e = find_engine(name);
      CaseResult r;
      r.case_name = "(all cases)";
      r.engine = e.name;
      r.device = e.device;
      r.mode = e.mode;
      r.outcome = Outcome::skipped;
      r.skip_reason = status.why;
      unavailable.push_back(r);
    } else {
      throw Error("engine " + name + ": " + status.why);
    }
  }

  const bool tty = isatty(fileno(stdout)) != 0;
  Summary summary;
  const ExecuteFn execute = [&](const std::filesystem::path& model,
                                const std::map<std::string, Tensor>& inputs, const std::string& mode,
                                const std::string& device) {
    return execute_until(model, inputs, mode, device, deadline);
  };
  auto results = run_matrix(cfg, execute, [&](const CaseResult& r, size_t i, size_t n) {
    summary.add(r);
    const bool interesting = r.outcome != Outcome::passed && r.outcome != Outcome::expected_failure;
    if (!a.quiet || interesting) std::cout << format_result_line(r, i, n) << "\n";
    else if (tty) std::cout << "\r[" << i << "/" << n << "] " << std::flush;
    if (deadline.passed())
      throw Error(fmt::format("{} after {} of {} model runs (the last: {} {})", deadline.ran_out(), i, n,
                              r.case_name, r.engine));
  });
  for (auto& r : unavailable) {
    summary.add(r);
    results.push_back(std::move(r));
  }
  if (a.quiet && tty) std::cout << "\r";
  std::cout << format_summary(summary) << "\n";
  bool triage_header = false;
  for (const auto& r : results) {
    if (r.triage.empty()) continue;
    if (!triage_header) std::cout << "triage of the failing cases (expected failures included):\n";
    triage_header = true;
    std::cout << "  " << outcome_name(r.outcome) << " " << r.case_name << " " << r.engine << ": " << r.triage << "\n";
  }
  if (cfg.model_source == "t2n") {
    int identical = 0, differ = 0;
    for (const auto& r : results) {
      if (r.emitter_diff.empty()) continue;
      (r.emitter_diff.rfind("identical", 0) == 0 ? identical : differ)++;
    }
    if (identical + differ > 0)
      std::cout << "emitter vs torch_to_nnef export, statement by statement: " << identical << " identical, " << differ
                << " differ (per case in the JSON report, field emitter_diff)\n";
  }
  if (!a.json.empty()) write_json_report(a.json, results, summary, a.command_line);
  if (!a.junit.empty()) write_junit_report(a.junit, results, summary);
  if (summary.unexpected_passes > 0)
    std::cout << "note: " << summary.unexpected_passes
              << " unexpected pass(es): the exporter may have fixed a listed defect; update conformance/expectations.json\n";
  if (summary.unexpected_failures > 0) return 1;
  if (summary.unsupported > 0)
    std::cout << "note: " << summary.unsupported << " UNSUPPORTED run(s): the model uses an op the engine does not "
              << "implement (neither passed nor failed; exit " << kExitUnsupported << ")\n";
  return summary.unsupported > 0 ? kExitUnsupported : 0;
}

}  // namespace

int cmd_run(const RunArgs& a) {
  return run_with_limits(
      a.limits, [&](const CommandLimits& limits) { return run_matrix_command(a, limits.deadline()); });
}

}  // namespace rnnconf::tools
