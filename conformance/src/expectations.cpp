// Loading conformance/expectations.json and matching its (conditional)
// entries to a run (expectations.hpp).
#include "rnnconf/conformance/expectations.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "rnnconf/core/error.hpp"

namespace rnnconf::conformance {
namespace {

// Condition keys with their closed value sets; `exporter` takes release
// versions (checked by is_release_version), any number of them.
const std::map<std::string, std::set<std::string>>& condition_keys() {
  static const std::map<std::string, std::set<std::string>> keys = {
      {"engine", {"cpu", "cpu-literal", "cuda"}},
      {"device", {"cpu", "cuda"}},
      {"mode", {"fused", "literal"}},
      {"exporter", {}},
  };
  return keys;
}

// "0.24.12": numbers separated by single dots.
bool is_release_version(const std::string& v) {
  static const std::regex pattern(R"(\d+(\.\d+)*)");
  return std::regex_match(v, pattern);
}

std::map<std::string, std::vector<std::string>> parse_when(const nlohmann::json& w, const std::string& file,
                                                           const std::string& where) {
  const auto at = SourceLocation::in_file(file);
  if (!w.is_object() || w.empty())
    throw Error(at, where + ".when: expected a non-empty object of conditions (engine, device, mode)");
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& [key, value] : w.items()) {
    const auto known = condition_keys().find(key);
    if (known == condition_keys().end())
      throw Error(at, where + ".when: unknown condition '" + key + "' (expected engine, device, mode or exporter)");
    std::vector<std::string> values;
    if (value.is_string()) values.push_back(value.get<std::string>());
    else if (value.is_array() && !value.empty() && std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); }))
      for (const auto& v : value) values.push_back(v.get<std::string>());
    else
      throw Error(at, where + ".when." + key + ": expected a string or a non-empty list of strings");
    for (const auto& v : values)
      if (key == "exporter") {
        if (!is_release_version(v))
          throw Error(at, where + ".when.exporter: '" + v + "' is not a release version (e.g. 0.20.1)");
      } else if (!known->second.count(v)) {
        std::string accepted;
        for (const auto& a : known->second) accepted += (accepted.empty() ? "" : ", ") + a;
        throw Error(at, where + ".when." + key + ": unknown value '" + v + "' (expected " + accepted + ")");
      }
    std::sort(values.begin(), values.end());
    out[key] = std::move(values);
  }
  return out;
}

}  // namespace

ExpectationContext expectation_context(const std::string& device, const std::string& mode,
                                       const std::string& exporter) {
  ExpectationContext c{"", device, mode, exporter};
  if (mode == "literal") c.engine = "cpu-literal";
  else c.engine = device;  // fused: "cpu" or "cuda"
  return c;
}

bool Expectation::applies(const ExpectationContext& ctx) const {
  for (const auto& [key, values] : when) {
    const std::string& actual = key == "engine"   ? ctx.engine
                                : key == "device" ? ctx.device
                                : key == "mode"   ? ctx.mode
                                                  : ctx.exporter;
    if (std::find(values.begin(), values.end(), actual) == values.end()) return false;
  }
  return true;
}

std::string Expectation::condition_text() const {
  std::string s;
  for (const auto& [key, values] : when) {
    s += (s.empty() ? "" : ", ") + key + "=";
    for (size_t i = 0; i < values.size(); ++i) s += (i ? "|" : "") + values[i];
  }
  return s;
}

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
  // Only where a condition says where: a release without the pinned one's
  // defect (PASS), our loader refusing a release's export (FAIL_LOAD).
  static const std::set<std::string> kConditionalVerdicts = {"PASS", "FAIL_LOAD"};
  Expectations out;
  const auto& entries = j["entries"];
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    const std::string where = "entries[" + std::to_string(i) + "]";
    if (!e.is_object()) throw Error(SourceLocation::in_file(file), where + ": expected an object");
    for (const char* key : {"case", "verdict", "reason"})
      if (!e.contains(key) || !e[key].is_string())
        throw Error(SourceLocation::in_file(file), where + ": missing string \"" + key + "\"");
    Expectation x{e["case"].get<std::string>(), e["verdict"].get<std::string>(), e["reason"].get<std::string>(),
                  e.value("first_seen", std::string()), {}};
    if (e.contains("when")) x.when = parse_when(e["when"], file, where);
    if (!kVerdicts.count(x.verdict) && !(kConditionalVerdicts.count(x.verdict) && !x.when.empty()))
      throw Error(SourceLocation::in_file(file),
                  where + ".verdict: unknown verdict '" + x.verdict + "'" +
                      (kConditionalVerdicts.count(x.verdict) ? " (only in an entry with a condition)" : ""));
    auto& list = out.by_case_[x.case_name];
    for (const auto& other : list)
      if (other.when == x.when)
        throw Error(SourceLocation::in_file(file),
                    where + ".case: duplicate entry for '" + x.case_name + "'" +
                        (x.when.empty() ? std::string() : " with the same condition (" + x.condition_text() + ")"));
    list.push_back(std::move(x));
  }
  return out;
}

const Expectation* Expectations::find(const std::string& case_name, const ExpectationContext& ctx) const {
  const auto it = by_case_.find(case_name);
  if (it == by_case_.end()) return nullptr;
  for (const auto& e : it->second)
    if (!e.when.empty() && e.applies(ctx)) return &e;
  return find(case_name);
}

const Expectation* Expectations::find(const std::string& case_name) const {
  const auto it = by_case_.find(case_name);
  if (it == by_case_.end()) return nullptr;
  for (const auto& e : it->second)
    if (e.when.empty()) return &e;
  return nullptr;
}

size_t Expectations::count(const std::string& case_name) const {
  const auto it = by_case_.find(case_name);
  return it == by_case_.end() ? 0 : it->second.size();
}

size_t Expectations::size() const {
  size_t n = 0;
  for (const auto& [name, list] : by_case_) n += list.size();
  return n;
}

}  // namespace rnnconf::conformance
