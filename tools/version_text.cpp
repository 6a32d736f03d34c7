// version_text.hpp: assembled from the build (generated build_info.hpp,
// compile definitions) and from what the running machine offers.
#include "version_text.hpp"

#include <fmt/format.h>

#include "build_info.hpp"
#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/fuzz/torch_oracle.hpp"
#include "rnnconf/reference_cpu/blas_info.hpp"
#include "rnnconf/reference_cpu/cpu_isa.hpp"

namespace rnnconf::tools {

std::string version_text() {
  std::string isa;
  try {
    isa = cpu::cpu_isa_description();
  } catch (const Error& e) {
    isa = fmt::format("invalid request: {}", e.what());
  }
  // Both probes load their module when it is there (and so map CUDA / LibTorch): --version asks about them.
  const conformance::EngineStatus cuda = conformance::probe_engine("cuda");
  std::string torch_why;
  const std::string torch = fuzz::have_libtorch(torch_why) ? "LibTorch " + fuzz::libtorch_version()
                                                            : "not usable here (rnnconf fuzz refuses): " + torch_why;
  return fmt::format(
      "rnnconf {}\n"
      "commit:   {}\n"
      "compiler: {} ({} build)\n"
      "cpu isa:  {}\n"
      "blas:     {}\n"
      "fuzz:     {}\n"
      "cuda:     {}",
      RNNCONF_VERSION, RNNCONF_BUILD_COMMIT, RNNCONF_COMPILER, RNNCONF_BUILD_TYPE, isa, cpu::blas_description(), torch,
      cuda.available ? "engine cuda available: " + cuda.detail : "engine cuda not usable here: " + cuda.why);
}

}  // namespace rnnconf::tools
