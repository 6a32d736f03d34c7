// Reading one golden folder (see golden.hpp for the layout).
#include "rnnconf/conformance/golden.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::conformance {

namespace fs = std::filesystem;

namespace {

nlohmann::json read_meta(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(file.string()), "cannot open golden metadata");
  std::ostringstream ss;
  ss << in.rdbuf();
  try {
    return nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(SourceLocation::at_offset(file.string(), static_cast<int64_t>(e.byte)),
                std::string("invalid JSON: ") + e.what());
  }
}

std::vector<std::string> string_list(const nlohmann::json& meta, const char* key, const fs::path& file) {
  if (!meta.contains(key) || !meta[key].is_array())
    throw Error(SourceLocation::in_file(file.string()), std::string("missing array \"") + key + "\"");
  std::vector<std::string> out;
  for (const auto& v : meta[key]) {
    if (!v.is_string()) throw Error(SourceLocation::in_file(file.string()), std::string("\"") + key + "\": expected strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::map<std::string, Tensor> read_tensors(const fs::path& dir, const std::vector<std::string>& names) {
  std::map<std::string, Tensor> out;
  for (const auto& n : names) out.emplace(n, nnef::read_dat_file(dir / (n + ".dat")));
  return out;
}

std::string str_or_empty(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

}  // namespace

Golden load_golden(const fs::path& dir) {
  Golden g;
  g.dir = dir;
  g.name = dir.filename().string();
  const fs::path meta_file = dir / "meta.json";
  const nlohmann::json meta = read_meta(meta_file);
  if (meta.value("name", std::string()) != g.name)
    throw Error(SourceLocation::in_file(meta_file.string()), "\"name\" does not match the folder name '" + g.name + "'");
  g.input_names = string_list(meta, "inputs", meta_file);
  g.output_names = string_list(meta, "outputs", meta_file);
  g.inputs = read_tensors(dir / "inputs", g.input_names);
  g.torch_f32 = read_tensors(dir / "torch_f32", g.output_names);
  g.truth = read_tensors(dir / "truth_f64", g.output_names);
  if (meta.contains("export") && meta["export"].is_object()) {
    const auto& e = meta["export"];
    g.export_status = str_or_empty(e, "status");
    g.export_error = str_or_empty(e, "error");
    g.export_path_kind = str_or_empty(e, "path");
  }
  const fs::path model = dir / "export" / "model.nnef.tgz";
  if (fs::exists(model)) g.export_path = model;
  g.mistrusted_by_generator = meta.value("mistrusted", false);
  return g;
}

std::map<std::string, Tensor> load_golden_states(const fs::path& dir) {
  std::map<std::string, Tensor> out;
  const fs::path sdir = dir / "states_f64";
  if (!fs::is_directory(sdir)) return out;
  for (const auto& entry : fs::directory_iterator(sdir)) {
    if (entry.path().extension() != ".dat") continue;
    out.emplace(entry.path().stem().string(), nnef::read_dat_file(entry.path()));
  }
  return out;
}

}  // namespace rnnconf::conformance
