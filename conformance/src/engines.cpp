// The engine registry: names, (device, mode) pairs, list parsing and the
// probe of each engine (engines.hpp).
#include "rnnconf/conformance/engines.hpp"

#include "cuda_engine_client.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/cpu_isa.hpp"

namespace rnnconf::conformance {

namespace {

std::string known_engines() {
  std::string out;
  for (const auto& e : engine_table()) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The items of a comma-separated list, each trimmed (empty items kept).
std::vector<std::string_view> list_items(std::string_view text) {
  std::vector<std::string_view> items;
  for (size_t start = 0;;) {
    const size_t comma = text.find(',', start);
    items.push_back(trimmed(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start)));
    if (comma == std::string_view::npos) return items;
    start = comma + 1;
  }
}

EngineStatus probe_cpu_engine(const EngineSpec& e) {
  EngineStatus s;
  s.name = e.name;
  try {
    s.detail = "reference_cpu, float32, " + e.mode + " (" + cpu::cpu_isa_description() + ")";
    s.available = true;
  } catch (const std::exception& err) {  // an invalid RNNCONF_CPU_ISA request
    s.why = err.what();
  }
  return s;
}

}  // namespace

const std::vector<EngineSpec>& engine_table() {
  static const std::vector<EngineSpec> table = {
      {"cpu", "cpu", "fused", "reference_cpu: fused kernels bound by fragment identity, float32"},
      {"cpu-literal", "cpu", "literal", "reference_cpu: every fragment body interpreted statement by statement, float32"},
      {"cuda", "cuda", "fused", "reference_cuda: cuBLAS + fused gate kernels, float32 (module librnnconf_engine_cuda.so)"},
  };
  return table;
}

const EngineSpec& find_engine(std::string_view name) {
  for (const auto& e : engine_table())
    if (e.name == name) return e;
  throw Error("unknown engine '" + std::string(name) + "' (known: " + known_engines() + ", or all)");
}

const EngineSpec& engine_of(std::string_view device, std::string_view mode) {
  for (const auto& e : engine_table())
    if (e.device == device && e.mode == mode) return e;
  std::string pairs;
  for (const auto& e : engine_table()) pairs += (pairs.empty() ? "" : ", ") + e.name + " = " + e.device + " " + e.mode;
  throw Error("no engine runs device '" + std::string(device) + "' in mode '" + std::string(mode) + "' (" + pairs + ")");
}

std::vector<std::string> parse_engine_list(std::string_view text) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    for (const auto& n : out)
      if (n == name) return;
    out.push_back(name);
  };
  if (trimmed(text).empty()) throw Error("empty engine list (known: " + known_engines() + ", or all)");
  for (const std::string_view item : list_items(text)) {
    if (item.empty())
      throw Error("empty engine name in the list '" + std::string(text) + "' (known: " + known_engines() + ", or all)");
    if (item == "all") {
      for (const auto& e : engine_table()) add(e.name);
    } else {
      add(find_engine(item).name);
    }
  }
  return out;
}

bool engine_list_has_all(std::string_view text) {
  for (const std::string_view item : list_items(text))
    if (item == "all") return true;
  return false;
}

EngineStatus probe_engine(std::string_view name) {
  const EngineSpec& e = find_engine(name);
  if (e.device == "cpu") return probe_cpu_engine(e);
  return probe_cuda_engine();
}

}  // namespace rnnconf::conformance
