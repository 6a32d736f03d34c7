// `rnnconf check MODEL --inputs DIR --expect DIR [--truth DIR] [--engine NAME]`:
// run any NNEF export a user brings on one engine (default cpu) and compare
// every graph output, by the policy (with a float64 truth) or by the
// documented float32 tolerance (without). An engine that cannot run here is
// a usage error (exit 2) with the reason. A model
// that fails to load or run (a refusal by the memory budget included) is a
// FAIL with the reason and the graph.nnef location, never a crash; a model
// still running at --timeout ends the command with exit code 124. A model
// using an op the engine does not implement is UNSUPPORTED (exit code 3),
// with the op and its graph.nnef line and column.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/dat.hpp"
#include "rnnconf/nnef/model.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;
using namespace rnnconf::conformance;

namespace {

Tensor read_named(const fs::path& dir, const std::string& name, const char* what) {
  const fs::path f = dir / (name + ".dat");
  if (!fs::exists(f)) throw Error(SourceLocation::in_file(f.string()), std::string("missing ") + what + " for '" + name + "'");
  return nnef::read_dat_file(f);
}

void write_report(const std::string& file, const CheckArgs& a, const std::vector<OutputJudgement>& js,
                  const std::string& error, bool ok, const UnsupportedOpError* unsupported = nullptr) {
  if (file.empty()) return;
  nlohmann::json j;
  j["model"] = a.model.string();
  const EngineSpec& engine = find_engine(a.engine);
  j["engine"] = engine.name;
  j["device"] = engine.device;
  j["mode"] = engine.mode;
  j["verdict"] = unsupported ? "UNSUPPORTED" : ok ? "PASS" : "FAIL";
  j["error"] = error;
  if (unsupported)
    j["unsupported_op"] = {{"op", unsupported->op()},
                           {"file", unsupported->where().file},
                           {"line", unsupported->where().line},
                           {"column", unsupported->where().column}};
  j["comparison"] = a.truth.empty() ? "float32 tolerance (no truth)" : "policy (float64 truth)";
  for (const auto& o : js)
    j["outputs"].push_back({{"output", o.output},
                            {"passed", o.passed},
                            {"reason", o.reason},
                            {"e_ours", std::isfinite(o.e_ours) ? nlohmann::json(o.e_ours) : nlohmann::json(nullptr)},
                            {"bound", o.bound},
                            {"ulp_max", o.ulp_max}});
  std::ofstream out(file);
  if (!out) throw Error(SourceLocation::in_file(file), "cannot write report");
  out << j.dump(1) << "\n";
}

int check_model(const CheckArgs& a, const Deadline& deadline) {
  const Policy policy = load_policy(a.root / "conformance" / "POLICY.md");
  // An unknown engine, or one that cannot run here, is a usage error (exit 2), not a verdict on the model.
  const EngineSpec& engine = find_engine(a.engine);
  const EngineStatus status = probe_engine(engine.name);
  if (!status.available) throw Error("engine " + engine.name + ": " + status.why);
  std::vector<std::string> input_names, output_names;
  std::map<std::string, Tensor> inputs;
  ExecOutput out;
  try {
    const nnef::Model model = nnef::load_model(a.model);
    for (const auto& n : model.doc.graph->inputs) input_names.push_back(n.name);
    for (const auto& n : model.doc.graph->outputs) output_names.push_back(n.name);
    for (const auto& n : input_names) inputs.emplace(n, read_named(a.inputs, n, "input"));
    out = execute_engine(engine, a.model, inputs, deadline);
  } catch (const UnsupportedOpError& e) {
    // An op the engine lacks: neither a pass nor a failure of the model (exit 3).
    if (deadline.passed()) throw;
    std::cout << "UNSUPPORTED " << a.model.string() << ": op '" << e.op() << "' at " << e.where().str()
              << (e.detail().empty() ? "" : " (" + e.detail() + ")") << "\n";
    write_report(a.json, a, {}, e.what(), false, &e);
    return kExitUnsupported;
  } catch (const Error& e) {
    if (deadline.passed()) throw;  // the timeout, not a verdict on the model: exit 124
    std::cout << "FAIL " << a.model.string() << ": " << e.what() << "\n";
    write_report(a.json, a, {}, e.what(), false);
    return 1;
  }
  for (const auto& w : out.warnings) std::cout << "warning: " << w << "\n";

  std::vector<OutputJudgement> js;
  bool ok = true;
  for (const auto& name : output_names) {
    const Tensor expect = read_named(a.expect, name, "expected output");
    const Tensor& ours = out.outputs.at(name);
    OutputJudgement j = a.truth.empty()
                            ? judge_output_against_f32(name, ours, expect, policy)
                            : judge_output_generic(name, ours, expect, read_named(a.truth, name, "truth"), policy);
    ok = ok && j.passed;
    std::cout << fmt::format("{} {:<6} err {:.3g}  bound {:.3g}  ulp {}{}\n", j.passed ? "PASS" : "FAIL", name,
                             j.e_ours, j.bound, j.ulp_max, j.passed ? "" : "  (" + j.reason + ")");
    js.push_back(std::move(j));
  }
  std::cout << (ok ? "PASS" : "FAIL") << " " << a.model.string() << " ("
            << (a.truth.empty() ? "float32 tolerance, no truth" : "policy against the float64 truth") << ")\n";
  write_report(a.json, a, js, "", ok);
  return ok ? 0 : 1;
}

}  // namespace

int cmd_check(const CheckArgs& a) {
  return run_with_limits(a.limits,
                         [&](const CommandLimits& limits) { return check_model(a, limits.deadline()); });
}

}  // namespace rnnconf::tools
