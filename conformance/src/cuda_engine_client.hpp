// Host side of the `cuda` engine: librnnconf_engine_cuda.so (built from
// reference_cuda/engine/ when nvcc was found) loaded with dlopen only when
// this engine is probed or run (module_loader.hpp), so that no CUDA library
// is mapped by the CPU engines.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/runner.hpp"

namespace rnnconf::conformance {

// Never throws: why not (not built, not found and where it was looked for,
// dlerror, another build, no driver, no GPU), or what it runs on.
EngineStatus probe_cuda_engine();

// Runs the model on the GPU (fused, float32); throws Error with the module's
// reason (or MemoryBudgetError) when the module cannot load or the run fails.
ExecOutput run_cuda_engine(const std::filesystem::path& model, const std::map<std::string, Tensor>& inputs);

}  // namespace rnnconf::conformance
