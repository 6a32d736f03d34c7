// `rnnconf --version`: what a bug report needs to reproduce a run.
#pragma once

#include <string>

namespace rnnconf::tools {

// Version, commit, compiler and build type, the CPU kernels' ISA path (and
// what forced it), the BLAS and its core, LibTorch (for fuzz) and whether a
// CUDA engine can be used here (and why not). Several lines, no trailing newline.
std::string version_text();

}  // namespace rnnconf::tools
