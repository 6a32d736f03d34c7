// The `cuda` engine through its module (cuda_engine_client.hpp).
#include "cuda_engine_client.hpp"

#include "rnnconf/conformance/engine_module_abi.h"
#include "rnnconf/conformance/module_boundary.hpp"
#include "rnnconf/conformance/module_loader.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/memory_budget.hpp"

namespace rnnconf::conformance {

namespace {

// The module's table, or null with `why` set.
const rnnconf_engine_module* open_cuda_module(std::string& why) {
#ifdef RNNCONF_CUDA_ENGINE_MODULE
  const auto m = open_module_table<rnnconf_engine_module>(RNNCONF_CUDA_ENGINE_MODULE, RNNCONF_ENGINE_MODULE_ENTRY);
  why = m.why;
  if (!m.table) return nullptr;
  if (std::string(m.table->engine ? m.table->engine : "") != "cuda") {
    why = m.file.string() + " is the module of engine '" + (m.table->engine ? m.table->engine : "") + "', not cuda";
    return nullptr;
  }
  return m.table;
#else
  why = "not built: this rnnconf was configured without CUDA (nvcc not found, or RNNCONF_ENABLE_CUDA=OFF), "
        "so there is no engine module librnnconf_engine_cuda.so";
  return nullptr;
#endif
}

}  // namespace

EngineStatus probe_cuda_engine() {
  EngineStatus s;
  s.name = "cuda";
  try {
    const rnnconf_engine_module* m = open_cuda_module(s.why);
    if (!m) return s;
    ModuleResults res;
    const int32_t rc = m->probe(res.sink());
    if (rc != 0) {
      s.why = res.error.empty() ? "the module's probe failed without a message" : res.error;
      return s;
    }
    for (const auto& d : res.details) s.detail += (s.detail.empty() ? "" : "; ") + d;
    s.available = true;
  } catch (const std::exception& e) {  // only allocation failures can land here
    s.available = false;
    s.why = std::string("probing the cuda engine failed: ") + e.what();
  }
  return s;
}

ExecOutput run_cuda_engine(const std::filesystem::path& model, const std::map<std::string, Tensor>& inputs) {
  std::string why;
  const rnnconf_engine_module* m = open_cuda_module(why);
  if (!m) throw Error("engine cuda: " + why);
  // The module meters its own allocations: give it what this thread's budget has left.
  int64_t budget = 0;
  if (const auto& meter = current_memory_meter()) {
    budget = meter->budget() - meter->live();
    if (budget <= 0)
      throw MemoryBudgetError("engine cuda: no memory budget left for the run (--max-memory " +
                              std::to_string(meter->budget()) + " bytes, all held)");
  }
  const std::vector<rnnconf_tensor_view> views = views_of(inputs);
  ModuleResults res;
  const int32_t rc = m->run(model.c_str(), views.data(), views.size(), budget, res.sink());
  res.check(rc, "engine cuda");
  ExecOutput out;
  if (auto it = res.tensors.find("outputs"); it != res.tensors.end()) out.outputs = std::move(it->second);
  out.warnings = res.warnings;
  return out;
}

}  // namespace rnnconf::conformance
