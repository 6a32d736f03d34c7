// What BLAS the CPU kernels call, for --version and reports: its build
// configuration, the kernel core it picked for this CPU, its thread count.
#pragma once

#include <string>

namespace rnnconf::cpu {

// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64; core SkylakeX; 2 threads"
std::string blas_description();

}  // namespace rnnconf::cpu
