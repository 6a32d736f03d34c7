// `rnnconf exporter-ci`: judging one export of a case (the exporter's record,
// our executor, the policy against the golden), the change against the
// baseline verdict, and how the new export differs from the baseline export.
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "exporter_ci.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/emitter/statement_diff.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::tools::xci {

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

std::string path_kind(const nnef::Document& doc) {
  for (const auto& f : doc.fragments)
    if (rnn_fragments().count(f.name)) return "fragment";
  return "primitives";
}

nnef::Document parse_model(const nnef::ModelFiles& files) {
  return nnef::parse_document(files.graph_text, files.graph_name);
}

// name -> canonical signature and body (tract_core_properties is metadata).
std::map<std::string, std::string> fragment_texts(const nnef::Document& doc) {
  std::map<std::string, std::string> out;
  for (const auto& f : doc.fragments)
    if (f.name != "tract_core_properties")
      out[f.name] = nnef::normalized_signature_text(f) + "\n" + nnef::normalized_body_text(f);
  return out;
}

std::string join_limited(const std::vector<std::string>& items, size_t limit) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < limit; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > limit) out += " (+" + std::to_string(items.size() - limit) + " more)";
  return out;
}

}  // namespace

void Summary::add(const Entry& e) {
  ++entries;
  if (e.change == "newly_broken")
    ++newly_broken;
  else if (e.change == "fixed")
    ++fixed;
  else if (e.change == "still_failing")
    ++still_failing;
  else
    ++unchanged_pass;
  if (e.export_changed) ++export_changed;
  if (e.now.verdict == "FAIL_EXPORT") ++export_failed;
}

Summary Report::summary() const {
  Summary s;
  for (const auto& e : entries) s.add(e);
  return s;
}

ExportRecord read_export_record(const fs::path& exports_dir, const std::string& case_name) {
  ExportRecord rec;
  const fs::path dir = exports_dir / case_name;
  const fs::path file = dir / "export.json";
  if (!fs::exists(file)) {
    rec.status = "missing";
    rec.error = "the export driver wrote no record for this case (it stopped early: see its output above)";
    return rec;
  }
  nlohmann::json j;
  try {
    std::ifstream in(file, std::ios::binary);
    j = nlohmann::json::parse(in);
    rec.status = j.at("status").get<std::string>();
    if (j.contains("error") && j["error"].is_string()) rec.error = j["error"].get<std::string>();
    if (j.contains("traceback") && j["traceback"].is_string())
      rec.traceback = j["traceback"].get<std::string>();
    if (j.contains("seconds") && j["seconds"].is_number()) rec.seconds = j["seconds"].get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(SourceLocation::in_file(file.string()), std::string("bad export record: ") + e.what());
  }
  if (rec.status == "ok") {
    if (fs::exists(dir / "model.nnef.tgz"))
      rec.model = dir / "model.nnef.tgz";
    else {
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
    v.export_path_kind = path_kind(parse_model(nnef::open_model(*model)));
    out = execute(*model, g.inputs, mode, device);
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
        conformance::judge_output(name, it->second, g.torch_f32.at(name), g.truth.at(name), policy, c.spec);
    passed = passed && j.passed;
    if (!j.passed) reasons += (reasons.empty() ? "" : "; ") + name + ": " + j.reason;
    worst = (std::isnan(j.e_ours) || std::isnan(worst)) ? kNaN : std::max(worst, j.e_ours);
    v.max_ulp = std::max(v.max_ulp, j.ulp_max);
    v.outputs.push_back({j.output, j.passed, j.reason, j.e_ours, j.bound, j.ulp_max});
  }
  v.worst_abs_error = worst;
  // As `rnnconf run` does: a golden that cannot reveal an error is reported as
  // such whatever the numbers (conformance/POLICY.md), but a refused model fails.
  if (conformance::is_mistrusted(policy, c.spec, g.truth))
    v.verdict = "MISTRUSTED";
  else
    v.verdict = passed ? "PASS" : "FAIL_NUMERIC";
  if (!passed) v.error = reasons;
  return v;
}

std::string classify_change(const Verdict& baseline, const Verdict& now) {
  if (!baseline.failing() && now.failing()) return "newly_broken";
  if (baseline.failing() && !now.failing()) return "fixed";
  if (baseline.failing()) return "still_failing";
  return "unchanged_pass";
}

std::string describe_export_change(const std::optional<fs::path>& baseline,
                                   const std::optional<fs::path>& now, bool& changed) {
  changed = true;
  if (!baseline && !now) {
    changed = false;
    return "no export, as with the baseline exporter";
  }
  if (!baseline) return "new export (the baseline exporter produced none)";
  if (!now) return "no export (the baseline exporter produced one)";
  nnef::ModelFiles fa, fb;
  nnef::Document da, db;
  try {
    fa = nnef::open_model(*baseline);
    da = parse_model(fa);
  } catch (const std::exception& e) {
    return std::string("not compared: the baseline export does not load: ") + e.what();
  }
  try {
    fb = nnef::open_model(*now);
    db = parse_model(fb);
  } catch (const std::exception& e) {
    return std::string("not compared: the new export does not load: ") + e.what();
  }
  std::ostringstream text;
  bool differs = false;
  emitter::StatementDiff d;
  try {
    d = emitter::diff_statements(da, db);
  } catch (const std::exception& e) {
    return std::string("not compared: ") + e.what();
  }
  if (!d.identical) {
    differs = true;
    text << emitter::format_statement_diff(d, "baseline " + baseline->string(), "now " + now->string(), 2);
  } else {
    text << "graph statements " << emitter::verdict_line(d) << "\n";
  }

  const auto ta = fragment_texts(da), tb = fragment_texts(db);
  std::vector<std::string> frag;
  for (const auto& [name, body] : ta) {
    auto it = tb.find(name);
    if (it == tb.end())
      frag.push_back(name + " (only in baseline)");
    else if (it->second != body)
      frag.push_back(name + " (signature or body)");
  }
  for (const auto& [name, body] : tb)
    if (!ta.count(name)) frag.push_back(name + " (only now)");
  if (!frag.empty()) {
    differs = true;
    text << "fragment definitions differ: " << join_limited(frag, 8) << "\n";
  }

  std::vector<std::string> tensors;
  for (const auto& [name, bytes] : fa.members) {
    if (!name.ends_with(".dat")) continue;
    auto it = fb.members.find(name);
    if (it == fb.members.end())
      tensors.push_back(name + " (only in baseline)");
    else if (it->second != bytes)
      tensors.push_back(name);
  }
  for (const auto& [name, bytes] : fb.members)
    if (name.ends_with(".dat") && !fa.members.count(name)) tensors.push_back(name + " (only now)");
  if (!tensors.empty()) {
    differs = true;
    text << "tensor payloads differ: " << join_limited(tensors, 8) << "\n";
  }
  changed = differs;
  if (!differs) return "identical (graph statements, fragment definitions and tensor payloads)";
  std::string s = text.str();
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace rnnconf::tools::xci
