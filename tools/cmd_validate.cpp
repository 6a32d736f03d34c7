// `rnnconf validate MODEL...`: load NNEF models through nnef/ only (no
// execution): container, parse (tract dialect), static checks, canonical print
// and re-parse (the AST must survive the round trip), and every variable's
// tensor read and checked against its declaration. One line per model.
// Under --max-memory (each model's tensors and archive members) and --timeout
// (checked between models; the watchdog stops a model stuck in one step).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;

namespace {

struct Validation {
  std::string model;
  bool ok = false;
  std::string error;
  size_t statements = 0, fragments = 0, variables = 0;
  double seconds = 0;
};

Validation validate_one(const fs::path& path) {
  Validation v;
  v.model = path.string();
  const auto t0 = std::chrono::steady_clock::now();
  try {
    const nnef::Model model = nnef::load_model(path);  // container + parse + check + variables
    const std::string printed = nnef::print_document(model.doc);
    const std::string reprint_name = model.files.graph_name + " (printed)";
    const nnef::Document again = nnef::parse_document(printed, reprint_name);
    nnef::check_document(again, reprint_name);
    if (!(again == model.doc)) throw Error(SourceLocation::in_file(model.files.graph_name),
                                           "print/parse round trip changed the document");
    if (nnef::print_document(again) != printed)
      throw Error(SourceLocation::in_file(model.files.graph_name), "printing is not a fixed point");
    v.statements = model.doc.graph ? model.doc.graph->body.size() : 0;
    v.fragments = model.doc.fragments.size();
    v.variables = model.variables.size();
    v.ok = true;
  } catch (const Error& e) {
    v.error = e.what();
  }
  v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return v;
}

int validate_models(const ValidateArgs& a, const Deadline& deadline) {
  std::vector<fs::path> models = a.models;
  if (!a.goldens.empty()) {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(a.goldens)) {
      const fs::path m = e.path() / "export" / "model.nnef.tgz";
      if (fs::exists(m)) found.push_back(m);
    }
    std::sort(found.begin(), found.end());
    models.insert(models.end(), found.begin(), found.end());
  }
  if (models.empty()) throw Error("validate: no model given (pass paths or --goldens DIR)");
  int failed = 0;
  nlohmann::json report = nlohmann::json::array();
  for (size_t i = 0; i < models.size(); ++i) {
    if (deadline.passed())
      throw Error(fmt::format("{} after {} of {} models (the next: {})", deadline.ran_out(), i, models.size(),
                              models[i].string()));
    const Validation v = validate_one(models[i]);
    if (!v.ok) ++failed;
    std::cout << fmt::format("[{}/{}] {} {}", i + 1, models.size(), v.ok ? "OK  " : "FAIL", v.model);
    if (v.ok)
      std::cout << fmt::format("  ({} statements, {} fragments, {} variables, {:.1f} ms)", v.statements, v.fragments,
                               v.variables, v.seconds * 1e3);
    else
      std::cout << "\n      " << v.error;
    std::cout << "\n";
    report.push_back({{"model", v.model}, {"ok", v.ok}, {"error", v.error}, {"statements", v.statements},
                      {"fragments", v.fragments}, {"variables", v.variables}, {"seconds", v.seconds}});
  }
  std::cout << fmt::format("validated {} model(s): {} ok, {} failed\n", models.size(), models.size() - failed, failed);
  if (!a.json.empty()) {
    std::ofstream out(a.json);
    if (!out) throw Error(SourceLocation::in_file(a.json), "cannot write report");
    out << report.dump(1) << "\n";
  }
  return failed ? 1 : 0;
}

}  // namespace

int cmd_validate(const ValidateArgs& a) {
  return run_with_limits(a.limits,
                         [&](const CommandLimits& limits) { return validate_models(a, limits.deadline()); });
}

}  // namespace rnnconf::tools
