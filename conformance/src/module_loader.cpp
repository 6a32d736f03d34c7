// The module search order, dlopen with reasons, the identity check and the
// host-side sink (module_loader.hpp).
#include "rnnconf/conformance/module_loader.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <system_error>

#include "rnnconf/conformance/module_boundary.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/memory_budget.hpp"

#ifndef RNNCONF_MODULE_BUILD_ID
#error "RNNCONF_MODULE_BUILD_ID must be defined by the build (top-level CMakeLists.txt)"
#endif
#ifndef RNNCONF_BUILD_MODULE_DIR
#define RNNCONF_BUILD_MODULE_DIR ""
#endif

namespace rnnconf::conformance {

namespace fs = std::filesystem;

std::vector<ModuleSearchPlace> module_search_path(const char* env_dir, const fs::path& program,
                                                  const fs::path& build_dir) {
  std::vector<ModuleSearchPlace> places;
  auto add = [&](const fs::path& dir, const std::string& what) {
    if (dir.empty()) return;
    const fs::path clean = dir.lexically_normal();
    for (const auto& p : places)
      if (p.dir == clean) return;
    places.push_back({clean, what});
  };
  if (env_dir && *env_dir) add(fs::path(env_dir), "RNNCONF_MODULE_DIR");
  if (!program.empty()) {
    add(program.parent_path(), "next to the program");
    add(program.parent_path() / ".." / "lib", "the program's ../lib");
  }
  add(build_dir, "this build's lib folder");
  return places;
}

std::vector<ModuleSearchPlace> module_search_path() {
  std::error_code ec;
  const fs::path program = fs::read_symlink("/proc/self/exe", ec);
  return module_search_path(std::getenv("RNNCONF_MODULE_DIR"), ec ? fs::path() : program,
                            fs::path(RNNCONF_BUILD_MODULE_DIR));
}

std::string describe_search_path(const std::vector<ModuleSearchPlace>& places) {
  if (places.empty()) return "(no place to look)";
  std::string out;
  for (const auto& p : places) out += (out.empty() ? "" : ", ") + p.dir.string() + " (" + p.what + ")";
  return out;
}

ModuleLoad load_module(const std::string& file_name, const std::string& entry_symbol,
                       const std::vector<ModuleSearchPlace>& places) {
  ModuleLoad r;
  for (const auto& place : places) {
    const fs::path candidate = place.dir / file_name;
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec)) continue;
    r.file = candidate;
    // Clear any earlier dlerror so that the one read below is this call's.
    static_cast<void>(dlerror());
    void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) {
      const char* err = dlerror();
      r.why = "cannot load " + candidate.string() + " (found in " + place.what + "): " +
              (err ? err : "dlopen failed without a message");
      return r;
    }
    static_cast<void>(dlerror());
    void* entry = dlsym(handle, entry_symbol.c_str());
    if (!entry) {
      const char* err = dlerror();
      r.why = candidate.string() + " has no entry point " + entry_symbol + " (not an rnnconf module of this kind?)" +
              (err ? std::string(": ") + err : std::string());
      return r;
    }
    r.loaded = true;
    r.entry = entry;
    return r;
  }
  r.why = file_name + " not found; looked in " + describe_search_path(places);
  return r;
}

const char* host_module_build_id() { return RNNCONF_MODULE_BUILD_ID; }

std::string module_identity_mismatch(uint32_t abi_version, const char* build_id, const fs::path& file) {
  if (abi_version != RNNCONF_MODULE_ABI_VERSION)
    return file.string() + " speaks module ABI " + std::to_string(abi_version) + ", this rnnconf " +
           std::to_string(RNNCONF_MODULE_ABI_VERSION) + ": use the module built with this rnnconf";
  const std::string theirs = build_id ? build_id : "";
  if (theirs != host_module_build_id())
    return file.string() + " comes from another build (its build id '" + theirs + "', this rnnconf's '" +
           host_module_build_id() + "'): use the module of the same build (RNNCONF_MODULE_DIR), or rebuild it";
  return "";
}

namespace {

void sink_tensor(void* context, const char* set, const rnnconf_tensor_view* view) noexcept {
  auto* self = static_cast<ModuleResults*>(context);
  if (self->host_failure) return;
  try {
    self->tensors[set ? set : ""].insert_or_assign(view->name ? view->name : "", tensor_from_view(*view));
  } catch (...) {
    self->host_failure = std::current_exception();
  }
}

void sink_message(void* context, int32_t kind, const char* text) noexcept {
  auto* self = static_cast<ModuleResults*>(context);
  try {
    const std::string line = text ? text : "";
    switch (kind) {
      case RNNCONF_MSG_WARNING: self->warnings.push_back(line); break;
      case RNNCONF_MSG_DETAIL: self->details.push_back(line); break;
      case RNNCONF_MSG_MEMORY_BUDGET:
      case RNNCONF_MSG_UNSUPPORTED_OP:
      case RNNCONF_MSG_ERROR:
        self->error = line;
        self->error_kind = kind;
        break;
      default: self->warnings.push_back("module message of unknown kind " + std::to_string(kind) + ": " + line);
    }
  } catch (...) {
    if (!self->host_failure) self->host_failure = std::current_exception();
  }
}

}  // namespace

ModuleResults::ModuleResults() : sink_{this, &sink_tensor, &sink_message} {}

void ModuleResults::check(int32_t rc, const std::string& context) const {
  if (rc != 0) {
    const std::string what = context + ": " + (error.empty() ? "failed without a message" : error);
    if (error_kind == RNNCONF_MSG_MEMORY_BUDGET) throw MemoryBudgetError(what);
    if (error_kind == RNNCONF_MSG_UNSUPPORTED_OP) throw decode_unsupported_op(error);  // op and location kept
    throw Error(what);
  }
  if (host_failure) std::rethrow_exception(host_failure);
}

}  // namespace rnnconf::conformance
