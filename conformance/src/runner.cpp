// The conformance runner: run a case's export, judge it, classify the result.
#include "rnnconf/conformance/runner.hpp"

#include <chrono>
#include <cmath>
#include <limits>

#include <unistd.h>

#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/triage.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/emitter/emit_inputs.hpp"
#include "rnnconf/emitter/emitter.hpp"
#include "rnnconf/emitter/statement_diff.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"

namespace rnnconf::conformance {

namespace fs = std::filesystem;

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::passed: return "PASS";
    case Outcome::unexpected_pass: return "XPASS";
    case Outcome::expected_failure: return "XFAIL";
    case Outcome::unexpected_failure: return "FAIL";
    case Outcome::mistrusted: return "MISTRUSTED";
    case Outcome::skipped: return "SKIP";
    case Outcome::unsupported: return "UNSUPPORTED";
  }
  return "?";
}

void Summary::add(const CaseResult& r) {
  ++total;
  switch (r.outcome) {
    case Outcome::passed: ++passed; break;
    case Outcome::unexpected_pass: ++passed; ++unexpected_passes; break;
    case Outcome::expected_failure: ++failed; ++expected_failures; break;
    case Outcome::unexpected_failure: ++failed; ++unexpected_failures; break;
    case Outcome::mistrusted: ++mistrusted; break;
    case Outcome::skipped:
      ++skipped;
      skips.emplace_back(r.case_name + " " + r.engine, r.skip_reason);
      break;
    case Outcome::unsupported:
      ++unsupported;
      unsupported_ops.emplace_back(r.case_name + " " + r.engine,
                                   "op '" + r.unsupported_op + "' at " + r.unsupported_at.str());
      break;
  }
}

namespace {

std::string repro_command(const std::string& name, const std::string& engine, const std::string& source) {
  return "rnnconf run --filter '^" + name + "$' --engine " + engine +
         (source == "t2n" ? "" : " --model-source " + source);
}

emitter::EmittedModel emit_for(const MatrixCase& c, const fs::path& golden_dir) {
  const auto params = emitter::read_params_dir(c.spec, golden_dir / "params");
  if (c.spec.entry == RnnSpec::Entry::aten) return emitter::emit_aten(c.spec, emitter::aten_flat_list(c.spec, params));
  return emitter::emit_module(c.spec, params);
}

// "identical" or "differs at statement k: <ours> | <t2n>" (first difference).
std::string emitter_diff_line(const MatrixCase& c, const fs::path& golden_dir, const fs::path& t2n_export) {
  try {
    const emitter::EmittedModel ours = emit_for(c, golden_dir);
    const nnef::Document a = nnef::parse_document(ours.graph_text, "emitter:" + c.name);
    const nnef::Document b = nnef::parse_document(nnef::open_model(t2n_export).graph_text, t2n_export.string());
    return emitter::verdict_line(emitter::diff_statements(a, b));
  } catch (const Error& e) {
    return std::string("not compared: ") + e.what();
  }
}

// The expectations file's entry for the case, as the reports show it.
void record_expectation(CaseResult& r, const Expectation* exp) {
  if (!exp) return;
  r.expectation = exp->verdict + ": " + exp->reason;
  r.expectation_when = exp->condition_text();
  if (!r.expectation_when.empty()) r.expectation += " [when " + r.expectation_when + "]";
}

// The engine lacks an op the model uses: UNSUPPORTED, whatever the expectations
// say (the expectation is still recorded for the report).
void mark_unsupported(CaseResult& r, const UnsupportedOpError& e, const Expectation* exp) {
  record_expectation(r, exp);
  r.outcome = Outcome::unsupported;
  r.unsupported_op = e.op();
  r.unsupported_at = e.where();
  r.error = e.what();
}

// Classifies a finished (not skipped) run against the expectations file.
void classify(CaseResult& r, bool mistrusted, const Expectation* exp) {
  record_expectation(r, exp);
  // A golden that cannot reveal an error is reported as such, unless the run
  // itself failed (a refused model is a failure whatever the data).
  if (mistrusted && r.error.empty()) {
    r.outcome = Outcome::mistrusted;
    return;
  }
  const bool failed = !r.numerically_passed;
  const bool expected_fail = exp && exp->expects_failure();
  if (failed) r.outcome = expected_fail ? Outcome::expected_failure : Outcome::unexpected_failure;
  else r.outcome = expected_fail ? Outcome::unexpected_pass : Outcome::passed;
}

}  // namespace

void emit_golden_model(const MatrixCase& c, const fs::path& golden_dir, const fs::path& out) {
  emitter::write_emitted(emit_for(c, golden_dir), out);
}

CaseResult run_case(const MatrixCase& c, const fs::path& golden_dir, const Policy& policy,
                    const Expectations& expectations, const EngineSpec& engine, const ExecuteFn& execute,
                    const std::string& model_source, bool diff_emitter) {
  CaseResult r;
  r.case_name = c.name;
  r.engine = engine.name;
  r.mode = engine.mode;
  r.device = engine.device;
  r.model_source = model_source;
  r.repro = repro_command(c.name, engine.name, model_source);
  if (model_source != "t2n" && model_source != "emitter")
    throw Error("unknown model source '" + model_source + "' (expected t2n or emitter)");
  // The expectations describe torch_to_nnef's defects; our emitter must pass everything.
  const Expectation* exp =
      model_source == "t2n" ? expectations.find(c.name, expectation_context(engine.device, engine.mode)) : nullptr;
  const auto t0 = std::chrono::steady_clock::now();
  auto finish = [&]() {
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  };

  if (!fs::is_directory(golden_dir)) {
    if (c.tier == "large") {
      r.outcome = Outcome::skipped;
      r.skip_reason = "golden not generated (large tier: ./ci/python goldens/generate.py --tier large)";
    } else {
      r.error = "golden folder missing: " + golden_dir.string();
      classify(r, false, exp);
    }
    return finish();
  }

  Golden g;
  try {
    g = load_golden(golden_dir);
  } catch (const Error& e) {
    r.error = std::string("cannot load golden: ") + e.what();
    classify(r, false, exp);
    return finish();
  }
  r.export_path_kind = g.export_path_kind;
  // A model case has no RnnSpec to judge the truth by: the generator's word only.
  const bool mistrusted = c.is_model() ? g.mistrusted_by_generator : is_mistrusted(policy, c.spec, g.truth);

  fs::path model;
  if (model_source == "emitter" && c.is_model()) {
    r.outcome = Outcome::skipped;
    r.skip_reason = "the emitter writes RNN layers only (model tier)";
    return finish();
  }
  if (model_source == "emitter") {
    model = fs::temp_directory_path() / ("rnnconf-emit-" + std::to_string(getpid())) / (c.name + ".tar");
    try {
      fs::create_directories(model.parent_path());
      fs::remove(model);
      emit_golden_model(c, golden_dir, model);
    } catch (const Error& e) {
      r.error = std::string("emitter refused the case: ") + e.what();
      classify(r, false, exp);
      return finish();
    }
  } else if (!g.export_path) {
    r.error = "no torch_to_nnef export: " + (g.export_error.empty() ? g.export_status : g.export_error);
    classify(r, mistrusted, exp);
    return finish();
  } else {
    model = *g.export_path;
    if (diff_emitter && !c.is_model()) r.emitter_diff = emitter_diff_line(c, golden_dir, model);
  }

  ExecOutput out;
  try {
    out = execute(model, g.inputs, engine.mode, engine.device);
  } catch (const UnsupportedOpError& e) {
    mark_unsupported(r, e, exp);
    if (model_source == "emitter") fs::remove(model);
    return finish();
  } catch (const Error& e) {
    r.error = std::string("model refused or failed: ") + e.what();
    classify(r, mistrusted, exp);
    if (model_source == "emitter") fs::remove(model);
    return finish();
  }
  if (model_source == "emitter") fs::remove(model);
  r.warnings = out.warnings;

  r.numerically_passed = true;
  r.worst_abs_error = 0;
  for (const auto& name : g.output_names) {
    auto it = out.outputs.find(name);
    if (it == out.outputs.end()) {
      r.numerically_passed = false;
      r.error = "the model has no output '" + name + "'";
      continue;
    }
    OutputJudgement j =
        c.is_model() ? judge_output_generic(name, it->second, g.torch_f32.at(name), g.truth.at(name), policy)
                     : judge_output(name, it->second, g.torch_f32.at(name), g.truth.at(name), policy, c.spec);
    r.numerically_passed = r.numerically_passed && j.passed;
    if (std::isnan(j.e_ours) || std::isnan(r.worst_abs_error))
      r.worst_abs_error = std::numeric_limits<double>::quiet_NaN();
    else
      r.worst_abs_error = std::max(r.worst_abs_error, j.e_ours);
    r.max_ulp = std::max(r.max_ulp, j.ulp_max);
    r.outputs.push_back(std::move(j));
  }
  classify(r, mistrusted, exp);
  return finish();
}

std::vector<CaseResult> run_matrix(const RunConfig& cfg, const ExecuteFn& execute,
                                   const std::function<void(const CaseResult&, size_t, size_t)>& on_result) {
  const auto matrix = load_matrix(cfg.root / "conformance" / "matrix.json");
  const auto cases = select_cases(matrix, cfg.filter, cfg.tier);
  const Policy policy = load_policy(cfg.root / "conformance" / "POLICY.md");
  const Expectations expectations = Expectations::load(cfg.root / "conformance" / "expectations.json");
  std::vector<CaseResult> results;
  std::vector<const EngineSpec*> engines;
  for (const auto& name : cfg.engines) engines.push_back(&find_engine(name));
  const size_t total = cases.size() * engines.size();
  for (const auto& c : cases)
    for (const EngineSpec* engine : engines) {
      // The statement diff does not depend on the engine: compute it once per case.
      const bool diff = cfg.diff_emitter && cfg.model_source == "t2n" && engine == engines.front();
      results.push_back(run_case(c, golden_dir(cfg.root, c), policy, expectations, *engine, execute,
                                 cfg.model_source, diff));
      CaseResult& r = results.back();
      const bool failed = r.outcome == Outcome::unexpected_failure || r.outcome == Outcome::expected_failure;
      // A large-tier expected failure is a known defect at a size whose
      // literal, recorded replay takes minutes: triaged on request only.
      const bool known_large = c.tier == "large" && r.outcome == Outcome::expected_failure;
      if (cfg.triage && known_large)
        r.triage = "not triaged (large tier, expected failure): rnnconf triage " + c.name;
      else if (cfg.triage && failed && c.is_model())
        r.triage = "not triaged (model tier: issue 16)";
      else if (cfg.triage && failed && !cfg.deadline.passed()) {
        try {
          // Triage replays the model on reference_cpu (in the engine's mode) with intermediates recorded.
          const TriageReport t = triage_case(c, golden_dir(cfg.root, c), engine->mode, policy,
                                             cfg.model_source, cfg.deadline);
          r.triage = t.line;
        } catch (const Error& e) {
          r.triage = std::string("not triaged: ") + e.what();
        }
      }
      if (on_result) on_result(results.back(), results.size(), total);
    }
  return results;
}

}  // namespace rnnconf::conformance
