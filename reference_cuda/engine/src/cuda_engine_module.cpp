// librnnconf_engine_cuda.so: the `cuda` engine behind the C boundary of
// engine_module_abi.h. Its one exported symbol, rnnconf_engine_module_v1,
// returns the table: the ABI version and build id the host checks, the probe
// (cuda_engine_probe.hpp) and the run (a model file on CudaExecutor, fused,
// float32). Every exception is caught here and reported through the sink.
#include <memory>

#include "cuda_engine_probe.hpp"
#include "rnnconf/conformance/engine_module_abi.h"
#include "rnnconf/conformance/module_boundary.hpp"
#include "rnnconf/core/memory_budget.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cuda/executor.hpp"

#ifndef RNNCONF_MODULE_BUILD_ID
#error "RNNCONF_MODULE_BUILD_ID must be defined by the build (rnnconf_add_module)"
#endif

namespace {

using rnnconf::conformance::guarded_call;

int32_t probe(const rnnconf_module_sink* sink) {
  int32_t usable = 0;
  const int32_t rc = guarded_call(sink, [&] {
    const rnnconf::cuda_engine::ProbeResult p = rnnconf::cuda_engine::probe_cuda_device();
    if (p.usable) {
      sink->message(sink->context, RNNCONF_MSG_DETAIL, p.detail.c_str());
      usable = 1;
    } else {
      sink->message(sink->context, RNNCONF_MSG_ERROR, p.why.c_str());
    }
  });
  return rc == 0 && usable ? 0 : 1;
}

int32_t run(const char* model_path, const rnnconf_tensor_view* inputs, size_t input_count,
            int64_t memory_budget_bytes, const rnnconf_module_sink* sink) {
  return guarded_call(sink, [&] {
    // This module's own copy of core meters its own allocations: the host's remaining budget.
    std::shared_ptr<rnnconf::MemoryMeter> meter;
    if (memory_budget_bytes > 0) meter = std::make_shared<rnnconf::MemoryMeter>(memory_budget_bytes);
    const rnnconf::MemoryBudgetScope scope(meter);
    const auto in = rnnconf::conformance::tensors_from_views(inputs, input_count);
    const rnnconf::nnef::Model model = rnnconf::nnef::load_model(model_path);
    rnnconf::cuda::CudaExecutor exec(model);
    const rnnconf::cpu::RunResult rr = exec.run(in);
    for (const auto& [name, t] : rr.outputs) {
      const rnnconf_tensor_view v = rnnconf::conformance::view_of(name, t);
      sink->tensor(sink->context, "outputs", &v);
    }
    for (const auto& w : rr.warnings) sink->message(sink->context, RNNCONF_MSG_WARNING, w.c_str());
  });
}

const rnnconf_engine_module kTable = {RNNCONF_MODULE_ABI_VERSION, RNNCONF_MODULE_BUILD_ID, "cuda", &probe, &run};

}  // namespace

extern "C" __attribute__((visibility("default"))) const rnnconf_engine_module* rnnconf_engine_module_v1(void) {
  return &kTable;
}
