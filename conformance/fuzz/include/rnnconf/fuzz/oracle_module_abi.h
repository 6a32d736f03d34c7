/* The entry point of the LibTorch oracle module of `rnnconf fuzz`,
 * librnnconf_fuzz_oracle_torch.so (src/torch_oracle.cpp), over the C boundary
 * of conformance's module_abi.h; loaded by src/torch_oracle_loader.cpp only
 * when the oracle is asked for, so that no other command maps LibTorch.
 *
 *   const rnnconf_oracle_module* rnnconf_oracle_module_v1(void);  */
#ifndef RNNCONF_FUZZ_ORACLE_MODULE_ABI_H
#define RNNCONF_FUZZ_ORACLE_MODULE_ABI_H

#include "rnnconf/conformance/module_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RNNCONF_ORACLE_MODULE_ENTRY "rnnconf_oracle_module_v1"

typedef struct rnnconf_oracle_module {
  uint32_t abi_version;         /* RNNCONF_MODULE_ABI_VERSION */
  const char* build_id;         /* RNNCONF_MODULE_BUILD_ID of the build that made it */
  const char* libtorch_version; /* "2.15.0" */
  /* The layer `spec_name` (core's RnnSpec name) on the parameters (PyTorch
   * names, float32) and graph inputs (x, h0, c0; float32): tensor("f32", ...)
   * per graph output computed in float32, tensor("f64", ...) the same in
   * float64 from the same float32 values. */
  int32_t (*run)(const char* spec_name, const rnnconf_tensor_view* params, size_t param_count,
                 const rnnconf_tensor_view* inputs, size_t input_count, const rnnconf_module_sink* sink);
} rnnconf_oracle_module;

typedef const rnnconf_oracle_module* (*rnnconf_oracle_module_entry)(void);

#ifdef __cplusplus
}
#endif

#endif /* RNNCONF_FUZZ_ORACLE_MODULE_ABI_H */
