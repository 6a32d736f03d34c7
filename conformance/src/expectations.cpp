// Loading conformance/expectations.json.
#include "rnnconf/conformance/expectations.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "rnnconf/core/error.hpp"

namespace rnnconf::conformance {

Expectations Expectations::load(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(file), "cannot open expectations file");
  std::ostringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(SourceLocation::at_offset(file, static_cast<int64_t>(e.byte)), std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("entries") || !j["entries"].is_array())
    throw Error(SourceLocation::in_file(file), "expected an object with an \"entries\" array");
  static const std::set<std::string> kVerdicts = {"FAIL_NUMERIC", "FAIL_EXPORT", "FAIL_TRACT_RUN", "MISTRUSTED"};
  Expectations out;
  const auto& entries = j["entries"];
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const std::string where = "entries[" + std::to_string(i) + "]";
    for (const char* key : {"case", "verdict", "reason"})
      if (!e.contains(key) || !e[key].is_string())
        throw Error(SourceLocation::in_file(file), where + ": missing string \"" + key + "\"");
    Expectation x{e["case"].get<std::string>(), e["verdict"].get<std::string>(), e["reason"].get<std::string>(),
                  e.value("first_seen", std::string())};
    if (!kVerdicts.count(x.verdict))
      throw Error(SourceLocation::in_file(file), where + ".verdict: unknown verdict '" + x.verdict + "'");
    if (!out.by_case_.emplace(x.case_name, x).second)
      throw Error(SourceLocation::in_file(file), where + ".case: duplicate entry for '" + x.case_name + "'");
  }
  return out;
}

const Expectation* Expectations::find(const std::string& case_name) const {
  auto it = by_case_.find(case_name);
  return it == by_case_.end() ? nullptr : &it->second;
}

}  // namespace rnnconf::conformance
