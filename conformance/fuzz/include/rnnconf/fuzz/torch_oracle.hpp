// The LibTorch oracle of `rnnconf fuzz`: at::lstm / gru / rnn_tanh / rnn_relu
// and their _cell forms, in float32 and in float64 (from the same float32
// values), in process. Built only when LibTorch was found
// (RNNCONF_TORCH_CMAKE_PREFIX); otherwise torch_oracle() throws.
#pragma once

#include <string>

#include "rnnconf/fuzz/differential.hpp"

namespace rnnconf::fuzz {

bool have_libtorch();
std::string libtorch_version();  // "" without LibTorch
OracleFn torch_oracle();         // throws rnnconf::Error "built without LibTorch ..." when absent

}  // namespace rnnconf::fuzz
