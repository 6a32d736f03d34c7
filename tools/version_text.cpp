// version_text.hpp: assembled from the build (generated build_info.hpp,
// compile definitions) and from what the running machine offers.
#include "version_text.hpp"

#include <fmt/format.h>

#include "build_info.hpp"
#include "rnnconf/conformance/runner.hpp"
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
  std::string why;
  const bool cuda = conformance::device_available("cuda", why);
  const std::string torch = fuzz::have_libtorch() ? "LibTorch " + fuzz::libtorch_version() : "none (rnnconf fuzz refuses)";
  return fmt::format(
      "rnnconf {}\n"
      "commit:   {}\n"
      "compiler: {} ({} build)\n"
      "cpu isa:  {}\n"
      "blas:     {}\n"
      "fuzz:     {}\n"
      "cuda:     {}",
      RNNCONF_VERSION, RNNCONF_BUILD_COMMIT, RNNCONF_COMPILER, RNNCONF_BUILD_TYPE, isa, cpu::blas_description(), torch,
      cuda ? "a CUDA device can be used" : "not usable here: " + why);
}

}  // namespace rnnconf::tools
