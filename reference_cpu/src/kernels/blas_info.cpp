// blas_info.hpp: OpenBLAS's own description of itself (openblas_get_config,
// openblas_get_corename, openblas_get_num_threads).
#include "rnnconf/reference_cpu/blas_info.hpp"

#include <cblas.h>

#include <string>

#include <fmt/format.h>

namespace rnnconf::cpu {

std::string blas_description() {
  const char* config = openblas_get_config();
  const char* core = openblas_get_corename();
  std::string s = config ? config : "OpenBLAS (no configuration string)";
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return fmt::format("{}; core {}; {} thread{}", s, core ? core : "?", openblas_get_num_threads(),
                     openblas_get_num_threads() == 1 ? "" : "s");
}

}  // namespace rnnconf::cpu
