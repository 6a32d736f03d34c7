// The LibTorch oracle of `rnnconf fuzz`: at::lstm / gru / rnn_tanh / rnn_relu
// and their _cell forms, in float32 and in float64 (from the same float32
// values). LibTorch lives in a module, librnnconf_fuzz_oracle_torch.so
// (src/torch_oracle.cpp, built only when LibTorch was found:
// RNNCONF_TORCH_CMAKE_PREFIX), loaded with dlopen by these functions only
// (src/torch_oracle_loader.cpp; search order in conformance/module_loader.hpp),
// so that no other command maps LibTorch.
#pragma once

#include <string>

#include "rnnconf/fuzz/differential.hpp"

namespace rnnconf::fuzz {

// Whether the oracle module loads here; when not, `why` says why in one line
// ("rnnconf was built without LibTorch ...", "... not found; looked in ...",
// "cannot load ...: libtorch_cpu.so: cannot open shared object file ...").
bool have_libtorch(std::string& why);
bool have_libtorch();
std::string libtorch_version();  // "" when the oracle module cannot load
OracleFn torch_oracle();         // throws rnnconf::Error with the reason when it cannot load

}  // namespace rnnconf::fuzz
