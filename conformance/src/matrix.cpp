// Loading and filtering conformance/matrix.json.
#include "rnnconf/conformance/matrix.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "rnnconf/core/error.hpp"

namespace rnnconf::conformance {

namespace {
std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(path.string()), "cannot open file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

std::vector<MatrixCase> load_matrix(const std::filesystem::path& path) {
  const std::string file = path.string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(SourceLocation::at_offset(file, static_cast<int64_t>(e.byte)), std::string("invalid JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("cases") || !doc["cases"].is_array())
    throw Error(SourceLocation::in_file(file), "expected an object with a \"cases\" array");
  if (doc.value("version", 0) != 1) throw Error(SourceLocation::in_file(file), "expected \"version\": 1");

  std::vector<MatrixCase> out;
  std::set<std::string> seen;
  const auto& cases = doc["cases"];
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const std::string where = "cases[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string())
      throw Error(SourceLocation::in_file(file), where + ": expected an object with a string \"name\"");
    MatrixCase mc;
    mc.name = c["name"].get<std::string>();
    if (c.contains("kind") && !c["kind"].is_string())
      throw Error(SourceLocation::in_file(file), where + ".kind: expected a string");
    mc.kind = c.value("kind", std::string("rnn"));
    if (mc.kind != "rnn" && mc.kind != "model")
      throw Error(SourceLocation::in_file(file), where + ".kind: expected \"rnn\" or \"model\", got '" + mc.kind + "'");
    if (c.contains("tier") && !c["tier"].is_string())
      throw Error(SourceLocation::in_file(file), where + ".tier: expected a string");
    mc.tier = c.value("tier", std::string(mc.is_model() ? "model" : "small"));
    if (mc.is_model()) {
      static const std::regex model_name("model_[a-z0-9_]+");
      if (!std::regex_match(mc.name, model_name))
        throw Error(SourceLocation::in_file(file),
                    where + ".name: '" + mc.name + "' is not a model case name (expected model_[a-z0-9_]+)");
      if (mc.tier != "model")
        throw Error(SourceLocation::in_file(file),
                    where + ".tier: a model case belongs to tier \"model\", got '" + mc.tier + "'");
    } else {
      try {
        mc.spec = parse_rnn_spec(mc.name);
      } catch (const Error& e) {
        throw Error(SourceLocation::in_file(file), where + ".name: " + e.message());
      }
      if (to_string(mc.spec) != mc.name)
        throw Error(SourceLocation::in_file(file), where + ".name: '" + mc.name + "' is not canonical (expected '" +
                                                       to_string(mc.spec) + "')");
      if (mc.tier != "small" && mc.tier != "large")
        throw Error(SourceLocation::in_file(file),
                    where + ".tier: expected \"small\" or \"large\", got '" + mc.tier + "'");
    }
    if (!seen.insert(mc.name).second)
      throw Error(SourceLocation::in_file(file), where + ".name: duplicate case '" + mc.name + "'");
    if (c.contains("tags")) {
      if (!c["tags"].is_array()) throw Error(SourceLocation::in_file(file), where + ".tags: expected an array");
      for (const auto& t : c["tags"]) {
        if (!t.is_string()) throw Error(SourceLocation::in_file(file), where + ".tags: expected strings");
        mc.tags.push_back(t.get<std::string>());
      }
    }
    out.push_back(std::move(mc));
  }
  return out;
}

namespace {
// "small,model" -> {"small", "model"}; each must be a known tier.
std::vector<std::string> split_tiers(const std::string& tiers) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= tiers.size()) {
    const size_t comma = std::min(tiers.find(',', start), tiers.size());
    const std::string t = tiers.substr(start, comma - start);
    if (!t.empty()) out.push_back(t);
    start = comma + 1;
  }
  for (const auto& t : out)
    if (t != "small" && t != "large" && t != "model")
      throw Error("bad tier '" + t + "': expected small, large or model (a comma list selects several)");
  return out;
}
}  // namespace

std::vector<MatrixCase> select_cases(const std::vector<MatrixCase>& cases, const std::string& regex,
                                     const std::string& tiers) {
  const std::vector<std::string> wanted = split_tiers(tiers);
  std::regex re;
  try {
    re = std::regex(regex.empty() ? std::string(".*") : regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw Error("bad --filter regex '" + regex + "': " + e.what());
  }
  std::vector<MatrixCase> out;
  for (const auto& c : cases)
    if ((wanted.empty() || std::find(wanted.begin(), wanted.end(), c.tier) != wanted.end()) &&
        std::regex_search(c.name, re))
      out.push_back(c);
  return out;
}

std::filesystem::path golden_dir(const std::filesystem::path& root, const MatrixCase& c) {
  if (c.tier == "large") return root / "build" / "goldens-large" / c.name;
  if (c.is_model()) return root / "goldens" / "models" / c.name;
  return root / "goldens" / "data" / c.name;
}

}  // namespace rnnconf::conformance
