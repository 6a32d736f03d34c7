// The export-vs-baseline comparison (export_diff.hpp).
#include "rnnconf/exporter_ci/export_diff.hpp"

#include <map>
#include <sstream>
#include <vector>

#include "rnnconf/emitter/statement_diff.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::exporter_ci {

namespace fs = std::filesystem;

namespace {

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

std::vector<std::string> differing_fragments(const nnef::Document& a, const nnef::Document& b) {
  const auto ta = fragment_texts(a), tb = fragment_texts(b);
  std::vector<std::string> out;
  for (const auto& [name, body] : ta) {
    auto it = tb.find(name);
    if (it == tb.end())
      out.push_back(name + " (only in baseline)");
    else if (it->second != body)
      out.push_back(name + " (signature or body)");
  }
  for (const auto& [name, body] : tb)
    if (!ta.count(name)) out.push_back(name + " (only now)");
  return out;
}

std::vector<std::string> differing_tensors(const nnef::ModelFiles& a, const nnef::ModelFiles& b) {
  std::vector<std::string> out;
  for (const auto& [name, bytes] : a.members) {
    if (!name.ends_with(".dat")) continue;
    auto it = b.members.find(name);
    if (it == b.members.end())
      out.push_back(name + " (only in baseline)");
    else if (it->second != bytes)
      out.push_back(name);
  }
  for (const auto& [name, bytes] : b.members)
    if (name.ends_with(".dat") && !a.members.count(name)) out.push_back(name + " (only now)");
  return out;
}

}  // namespace

ExportChange describe_export_change(const std::optional<fs::path>& baseline, const std::optional<fs::path>& now) {
  if (!baseline && !now) return {false, "no export, as with the baseline exporter"};
  if (!baseline) return {true, "new export (the baseline exporter produced none)"};
  if (!now) return {true, "no export (the baseline exporter produced one)"};
  nnef::ModelFiles fa, fb;
  nnef::Document da, db;
  try {
    fa = nnef::open_model(*baseline);
    da = parse_model(fa);
  } catch (const std::exception& e) {
    return {true, std::string("not compared: the baseline export does not load: ") + e.what()};
  }
  try {
    fb = nnef::open_model(*now);
    db = parse_model(fb);
  } catch (const std::exception& e) {
    return {true, std::string("not compared: the new export does not load: ") + e.what()};
  }
  std::ostringstream text;
  bool differs = false;
  emitter::StatementDiff d;
  try {
    d = emitter::diff_statements(da, db);
  } catch (const std::exception& e) {
    return {true, std::string("not compared: ") + e.what()};
  }
  if (!d.identical) {
    differs = true;
    text << emitter::format_statement_diff(d, "baseline " + baseline->string(), "now " + now->string(), 2);
  } else {
    text << "graph statements " << emitter::verdict_line(d) << "\n";
  }
  if (const auto frag = differing_fragments(da, db); !frag.empty()) {
    differs = true;
    text << "fragment definitions differ: " << join_limited(frag, 8) << "\n";
  }
  if (const auto tensors = differing_tensors(fa, fb); !tensors.empty()) {
    differs = true;
    text << "tensor payloads differ: " << join_limited(tensors, 8) << "\n";
  }
  if (!differs) return {false, "identical (graph statements, fragment definitions and tensor payloads)"};
  std::string s = text.str();
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return {true, s};
}

}  // namespace rnnconf::exporter_ci
