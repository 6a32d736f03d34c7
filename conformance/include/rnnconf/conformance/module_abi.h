/* The C boundary between rnnconf and the shared modules it loads with dlopen
 * (the `cuda` engine, reference_cuda/engine/; the LibTorch oracle of
 * `rnnconf fuzz`, conformance/fuzz/): plain C types only, so that no C++
 * object, allocator or exception crosses it.
 *
 *   rnnconf_tensor_view  a tensor the caller keeps alive for the call
 *   rnnconf_module_sink  how a module hands results back: it calls
 *                        tensor() / message() before returning, the host
 *                        copies what it is given (the module keeps ownership)
 *
 * Every module's entry point returns a table whose first two fields are
 * `abi_version` (RNNCONF_MODULE_ABI_VERSION) and `build_id` (the id of the
 * build that made it, RNNCONF_MODULE_BUILD_ID); the host refuses a module
 * whose version or build id differs from its own before calling anything
 * else (conformance/module_loader.hpp). Entry points catch every exception
 * and report it through message(); they return 0 on success. */
#ifndef RNNCONF_CONFORMANCE_MODULE_ABI_H
#define RNNCONF_CONFORMANCE_MODULE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct of this file or of a module's table changes. */
#define RNNCONF_MODULE_ABI_VERSION 1u

/* dtype codes: rnnconf::DType's order (core/tensor.hpp). */
enum rnnconf_dtype { RNNCONF_F32 = 0, RNNCONF_F64 = 1, RNNCONF_I64 = 2, RNNCONF_BOOL = 3 };

typedef struct rnnconf_tensor_view {
  const char* name;      /* graph input/output or parameter name */
  int32_t dtype;         /* enum rnnconf_dtype */
  int32_t rank;
  const int64_t* shape;  /* rank extents */
  const void* data;      /* row-major, product(shape) elements */
} rnnconf_tensor_view;

/* message() kinds. */
enum rnnconf_message_kind {
  RNNCONF_MSG_WARNING = 0,       /* a warning of the run (RunResult::warnings) */
  RNNCONF_MSG_ERROR = 1,         /* the call failed: rnnconf::Error on the host */
  RNNCONF_MSG_MEMORY_BUDGET = 2, /* the call failed on the memory budget: MemoryBudgetError */
  RNNCONF_MSG_DETAIL = 3,        /* what a probe found (device name, library versions) */
  RNNCONF_MSG_UNSUPPORTED_OP = 4 /* the call failed on an op the engine lacks: UnsupportedOpError;
                                    text "op\nfile\nline\ncolumn\ndetail" (module_boundary.hpp) */
};

typedef struct rnnconf_module_sink {
  void* context;
  /* `set` names the result group ("outputs", "f32", "f64"). The view is valid
   * during the call only. Never throws, never fails: the host records its own
   * failures and reports them after the module returns. */
  void (*tensor)(void* context, const char* set, const rnnconf_tensor_view* view);
  void (*message)(void* context, int32_t kind, const char* text);
} rnnconf_module_sink;

#ifdef __cplusplus
}
#endif

#endif /* RNNCONF_CONFORMANCE_MODULE_ABI_H */
