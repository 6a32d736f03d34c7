// Host side of the LibTorch oracle (torch_oracle.hpp): the module is looked
// up and loaded on each request (the dynamic linker keeps it mapped after the
// first), its identity checked, and every call goes through the C boundary.
#include "rnnconf/conformance/module_boundary.hpp"
#include "rnnconf/conformance/module_loader.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/fuzz/oracle_module_abi.h"
#include "rnnconf/fuzz/torch_oracle.hpp"

namespace rnnconf::fuzz {

namespace {

const rnnconf_oracle_module* open_oracle_module(std::string& why) {
#ifdef RNNCONF_FUZZ_ORACLE_MODULE
  const auto m = conformance::open_module_table<rnnconf_oracle_module>(RNNCONF_FUZZ_ORACLE_MODULE,
                                                                        RNNCONF_ORACLE_MODULE_ENTRY);
  why = m.why;
  return m.table;
#else
  why = "rnnconf was built without LibTorch: configure with -DRNNCONF_TORCH_CMAKE_PREFIX=$(python -c "
        "'import torch.utils; print(torch.utils.cmake_prefix_path)') to enable rnnconf fuzz";
  return nullptr;
#endif
}

}  // namespace

bool have_libtorch(std::string& why) { return open_oracle_module(why) != nullptr; }

bool have_libtorch() {
  std::string why;
  return have_libtorch(why);
}

std::string libtorch_version() {
  std::string why;
  const rnnconf_oracle_module* m = open_oracle_module(why);
  return m && m->libtorch_version ? m->libtorch_version : "";
}

OracleFn torch_oracle() {
  std::string why;
  const rnnconf_oracle_module* m = open_oracle_module(why);
  if (!m) throw Error("the LibTorch oracle of rnnconf fuzz is not available: " + why);
  return [m](const FuzzConfig& c, const CaseData& d) {
    const auto params = conformance::views_of(d.params);
    const auto inputs = conformance::views_of(d.inputs);
    conformance::ModuleResults res;
    const int32_t rc =
        m->run(to_string(c.spec).c_str(), params.data(), params.size(), inputs.data(), inputs.size(), res.sink());
    res.check(rc, "LibTorch oracle");
    Reference r;
    if (auto it = res.tensors.find("f32"); it != res.tensors.end()) r.f32 = std::move(it->second);
    if (auto it = res.tensors.find("f64"); it != res.tensors.end()) r.f64 = std::move(it->second);
    return r;
  };
}

}  // namespace rnnconf::fuzz
