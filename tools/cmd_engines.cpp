// `rnnconf engines [--json FILE|-]`: every engine of the registry
// (conformance/engines.hpp), whether it can run here and, when not, why in
// one line (for cuda: module not built, not found and where it was looked
// for, dlerror, another build's module, no driver, no GPU); plus the module
// search path. Probing cuda loads its module: this command maps the CUDA
// libraries when they are present. Exit 0 whatever is available.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/module_loader.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::tools {

using namespace rnnconf::conformance;

int cmd_engines(const EnginesArgs& a) {
  const bool text = a.json != "-";  // --json -: only the JSON on stdout
  nlohmann::json rows = nlohmann::json::array();
  for (const EngineSpec& e : engine_table()) {
    const EngineStatus s = probe_engine(e.name);
    if (text)
      std::cout << fmt::format("{:<12} {:<14} {}\n", e.name, s.available ? "available" : "not available",
                               s.available ? s.detail : s.why);
    rows.push_back({{"name", e.name},
                    {"device", e.device},
                    {"mode", e.mode},
                    {"description", e.description},
                    {"available", s.available},
                    {"why", s.why},
                    {"detail", s.detail}});
  }
  const auto places = module_search_path();
  if (text) std::cout << "modules are looked for in: " << describe_search_path(places) << "\n";
  if (!a.json.empty()) {
    nlohmann::json search = nlohmann::json::array();
    for (const auto& p : places) search.push_back({{"dir", p.dir.string()}, {"what", p.what}});
    const nlohmann::json j = {{"engines", rows}, {"module_search_path", search}};
    if (a.json == "-") {
      std::cout << j.dump(1) << "\n";
    } else {
      std::ofstream out(a.json);
      if (!out) throw Error(SourceLocation::in_file(a.json), "cannot write the JSON report");
      out << j.dump(1) << "\n";
    }
  }
  return 0;
}

}  // namespace rnnconf::tools
