// Finding and loading rnnconf's shared modules (module_abi.h) at run time:
// the `cuda` engine (librnnconf_engine_cuda.so) and the LibTorch oracle of
// `rnnconf fuzz` (librnnconf_fuzz_oracle_torch.so). A module is looked for,
// in this order, in
//   1. $RNNCONF_MODULE_DIR, when set;
//   2. the folder of the running program (/proc/self/exe);
//   3. that folder's ../lib (an installed or carried bin/ + lib/ layout);
//   4. the lib/ folder of the build this program was built in;
// the first file that exists is loaded (dlopen, RTLD_NOW | RTLD_LOCAL |
// RTLD_NODELETE: a module stays mapped until the process ends), and its
// table is accepted only with this build's ABI version and build id. Every
// failure is a value with the reason in one line (the places tried, dlerror),
// never an exception, so that a missing module cannot disturb the CPU engines.
#pragma once

#include <cstdint>
#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "rnnconf/conformance/module_abi.h"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf::conformance {

struct ModuleSearchPlace {
  std::filesystem::path dir;
  std::string what;  // "RNNCONF_MODULE_DIR", "next to the program", ...
};

// The places of the search order above, from explicit inputs (testable):
// `env_dir` null or empty: not set; `program` empty: unknown; `build_dir`
// empty: none. Duplicate folders are listed once (the first reason wins).
std::vector<ModuleSearchPlace> module_search_path(const char* env_dir, const std::filesystem::path& program,
                                                  const std::filesystem::path& build_dir);
// The same from this process: getenv, /proc/self/exe, the build's lib folder.
std::vector<ModuleSearchPlace> module_search_path();

// "a (RNNCONF_MODULE_DIR), b (next to the program), ..."
std::string describe_search_path(const std::vector<ModuleSearchPlace>& places);

struct ModuleLoad {
  bool loaded = false;
  void* entry = nullptr;        // the address of `entry_symbol`
  std::filesystem::path file;   // the module file loaded, or the one that failed to load
  std::string why;              // when not loaded: one line
};
// Looks for `file_name` along `places` and loads the first one found.
ModuleLoad load_module(const std::string& file_name, const std::string& entry_symbol,
                       const std::vector<ModuleSearchPlace>& places);

// This build's id (RNNCONF_MODULE_BUILD_ID): compared with a module's.
const char* host_module_build_id();
// "" when a module table's version and build id are this build's; otherwise why not.
std::string module_identity_mismatch(uint32_t abi_version, const char* build_id, const std::filesystem::path& file);

// A module's table (a struct with `abi_version` and `build_id`, returned by
// its extern "C" entry `const Table* entry(void)`), loaded along
// module_search_path() and accepted only with this build's identity;
// `table` null with `why` set otherwise.
template <class Table>
struct ModuleTable {
  const Table* table = nullptr;
  std::filesystem::path file;
  std::string why;
};
template <class Table>
ModuleTable<Table> open_module_table(const std::string& file_name, const std::string& entry_symbol) {
  ModuleTable<Table> out;
  const ModuleLoad load = load_module(file_name, entry_symbol, module_search_path());
  out.file = load.file;
  if (!load.loaded) {
    out.why = load.why;
    return out;
  }
  const Table* table = reinterpret_cast<const Table* (*)()>(load.entry)();
  if (!table) {
    out.why = load.file.string() + ": " + entry_symbol + "() returned no table";
    return out;
  }
  out.why = module_identity_mismatch(table->abi_version, table->build_id, load.file);
  if (out.why.empty()) out.table = table;
  return out;
}

// Host side of a module call: the sink a module reports into, and what it
// reported. Not copyable or movable (the sink points at it).
class ModuleResults {
 public:
  ModuleResults();
  ModuleResults(const ModuleResults&) = delete;
  ModuleResults& operator=(const ModuleResults&) = delete;

  const rnnconf_module_sink* sink() const noexcept { return &sink_; }
  // After the call returned `rc`: throws MemoryBudgetError or Error
  // ("CONTEXT: message") when the call failed or a result could not be stored.
  void check(int32_t rc, const std::string& context) const;

  std::map<std::string, std::map<std::string, Tensor>> tensors;  // set -> name -> tensor
  std::vector<std::string> warnings;
  std::vector<std::string> details;
  std::string error;           // the module's error message, when it reported one
  int32_t error_kind = -1;     // RNNCONF_MSG_ERROR, _MEMORY_BUDGET or _UNSUPPORTED_OP
  std::exception_ptr host_failure;  // storing a result failed on the host (e.g. over its memory budget)

 private:
  rnnconf_module_sink sink_;
};

}  // namespace rnnconf::conformance
