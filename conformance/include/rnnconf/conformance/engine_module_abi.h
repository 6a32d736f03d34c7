/* The entry point of an engine module (module_abi.h): today the `cuda`
 * engine, librnnconf_engine_cuda.so (reference_cuda/engine/), loaded by
 * conformance/src/cuda_engine_client.cpp only when that engine is asked for.
 *
 *   const rnnconf_engine_module* rnnconf_engine_module_v1(void);
 *
 * returns a static table, valid while the module is loaded (rnnconf never
 * unloads it). */
#ifndef RNNCONF_CONFORMANCE_ENGINE_MODULE_ABI_H
#define RNNCONF_CONFORMANCE_ENGINE_MODULE_ABI_H

#include "rnnconf/conformance/module_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RNNCONF_ENGINE_MODULE_ENTRY "rnnconf_engine_module_v1"

typedef struct rnnconf_engine_module {
  uint32_t abi_version;  /* RNNCONF_MODULE_ABI_VERSION */
  const char* build_id;  /* RNNCONF_MODULE_BUILD_ID of the build that made it */
  const char* engine;    /* the engine's name in the registry ("cuda") */
  /* Can the engine run here? 0: yes (message DETAIL says on what); otherwise
   * message ERROR says why not in one line (no driver, no GPU, ...). */
  int32_t (*probe)(const rnnconf_module_sink* sink);
  /* Runs the model at `model_path` (folder, .tar or .tgz) on the inputs;
   * tensor("outputs", ...) per graph output, message(WARNING) per warning.
   * `memory_budget_bytes` > 0: the live tensor data the run may hold
   * (--max-memory, what the host has left); 0: unmetered. */
  int32_t (*run)(const char* model_path, const rnnconf_tensor_view* inputs, size_t input_count,
                 int64_t memory_budget_bytes, const rnnconf_module_sink* sink);
} rnnconf_engine_module;

typedef const rnnconf_engine_module* (*rnnconf_engine_module_entry)(void);

#ifdef __cplusplus
}
#endif

#endif /* RNNCONF_CONFORMANCE_ENGINE_MODULE_ABI_H */
