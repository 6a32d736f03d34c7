// Without LibTorch: `rnnconf fuzz` refuses clearly.
#include "rnnconf/core/error.hpp"
#include "rnnconf/fuzz/torch_oracle.hpp"

namespace rnnconf::fuzz {

bool have_libtorch() { return false; }
std::string libtorch_version() { return ""; }
OracleFn torch_oracle() {
  throw Error("rnnconf was built without LibTorch: configure with -DRNNCONF_TORCH_CMAKE_PREFIX=$(python -c "
              "'import torch.utils; print(torch.utils.cmake_prefix_path)') to enable rnnconf fuzz");
}

}  // namespace rnnconf::fuzz
