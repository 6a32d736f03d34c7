// Judging one export (judge.hpp): the export driver's record of a case, and
// the verdict of the export on one engine against the golden.
#include "rnnconf/exporter_ci/judge.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"

namespace rnnconf::exporter_ci {

namespace fs = std::filesystem;
using conformance::Golden;
using conformance::MatrixCase;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The recurrent fragments that make an export take the "fragment" path (the
// others are decomposed into primitives); same set as goldens/generate.py.
const std::set<std::string>& rnn_fragments() {
  static const std::set<std::string> names = {
      "lstm",     "lstm_with_projection", "gru",          "rnn_tanh", "rnn_relu", "lstm_cell",
      "gru_cell", "rnn_tanh_cell",        "rnn_relu_cell"};
  return names;
}

std::string path_kind(const fs::path& model) {
  const nnef::ModelFiles files = nnef::open_model(model);
  const nnef::Document doc = nnef::parse_document(files.graph_text, files.graph_name);
  for (const auto& f : doc.fragments)
    if (rnn_fragments().count(f.name)) return "fragment";
  return "primitives";
}

}  // namespace

ExportRecord read_export_record(const fs::path& exports_dir, const std::string& case_name) {
  ExportRecord rec;
  const fs::path dir = exports_dir / case_name;
  const fs::path file = dir / "export.json";
  if (!fs::exists(file)) {
    rec.status = "missing";
    rec.error = "the export driver wrote no record for this case (it stopped early: see its output above)";
    return rec;
  }
  try {
    std::ifstream in(file, std::ios::binary);
    const nlohmann::json j = nlohmann::json::parse(in);
    rec.status = j.at("status").get<std::string>();
    if (j.contains("error") && j["error"].is_string()) rec.error = j["error"].get<std::string>();
    if (j.contains("traceback") && j["traceback"].is_string()) rec.traceback = j["traceback"].get<std::string>();
    if (j.contains("seconds") && j["seconds"].is_number()) rec.seconds = j["seconds"].get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(SourceLocation::in_file(file.string()), std::string("bad export record: ") + e.what());
  }
  if (rec.status == "ok") {
    if (fs::exists(dir / "model.nnef.tgz")) {
      rec.model = dir / "model.nnef.tgz";
    } else {
      rec.status = "missing";
      rec.error = "export.json says ok but " + (dir / "model.nnef.tgz").string() + " is absent";
    }
  } else if (rec.error.empty()) {
    rec.error = "export " + rec.status + " (no message)";
  }
  return rec;
}

Verdict judge_export(const MatrixCase& c, const Golden& g, const std::optional<fs::path>& model,
                     const std::string& export_error, const std::string& export_traceback,
                     const conformance::Policy& policy, const std::string& mode, const std::string& device,
                     const conformance::ExecuteFn& execute) {
  Verdict v;
  v.worst_abs_error = kNaN;
  if (!model) {
    v.verdict = "FAIL_EXPORT";
    v.error = export_error.empty() ? "no export" : export_error;
    v.export_traceback = export_traceback;
    return v;
  }
  conformance::ExecOutput out;
  try {
    v.export_path_kind = path_kind(*model);
    out = execute(*model, g.inputs, mode, device);
  } catch (const UnsupportedOpError& e) {
    // An op the engine lacks: coverage, not a verdict on the export's numbers.
    v.verdict = "UNSUPPORTED";
    v.error = e.what();
    v.unsupported_op = e.op();
    v.unsupported_at = e.where().str();
    return v;
  } catch (const std::exception& e) {
    // Whatever the exporter wrote, a model we cannot load or run is a verdict
    // about that export, not a crash of the harness.
    v.verdict = "FAIL_LOAD";
    v.error = e.what();
    return v;
  }
  v.warnings = out.warnings;
  bool passed = true;
  double worst = 0;
  std::string reasons;
  for (const auto& name : g.output_names) {
    auto it = out.outputs.find(name);
    if (it == out.outputs.end()) {
      passed = false;
      worst = kNaN;
      reasons += (reasons.empty() ? "" : "; ") + ("the model has no output '" + name + "'");
      continue;
    }
    const auto j =
        c.is_model()
            ? conformance::judge_output_generic(name, it->second, g.torch_f32.at(name), g.truth.at(name), policy)
            : conformance::judge_output(name, it->second, g.torch_f32.at(name), g.truth.at(name), policy, c.spec);
    passed = passed && j.passed;
    if (!j.passed) reasons += (reasons.empty() ? "" : "; ") + name + ": " + j.reason;
    worst = (std::isnan(j.e_ours) || std::isnan(worst)) ? kNaN : std::max(worst, j.e_ours);
    v.max_ulp = std::max(v.max_ulp, j.ulp_max);
    v.outputs.push_back({j.output, j.passed, j.reason, j.e_ours, j.bound, j.ulp_max});
  }
  v.worst_abs_error = worst;
  // As `rnnconf run` does: a golden that cannot reveal an error is reported as
  // such whatever the numbers (conformance/POLICY.md), but a refused model fails.
  if (c.is_model() ? g.mistrusted_by_generator : conformance::is_mistrusted(policy, c.spec, g.truth))
    v.verdict = "MISTRUSTED";
  else
    v.verdict = passed ? "PASS" : "FAIL_NUMERIC";
  if (!passed) v.error = reasons;
  return v;
}

}  // namespace rnnconf::exporter_ci
