// The run-time ISA choice of the CPU kernels (cpu_isa.hpp): detection through
// the compiler's CPU-feature builtins, the RNNCONF_CPU_ISA override, and the
// once-per-process resolution every dispatcher reads.
#include "rnnconf/reference_cpu/cpu_isa.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cpu {
namespace {

struct Resolution {
  CpuIsa isa = CpuIsa::baseline;
  std::string error;  // non-empty: the request was invalid
};

Resolution resolve_from_environment() {
  Resolution r;
  try {
    const char* env = std::getenv(kCpuIsaEnv);
    r.isa = resolve_cpu_isa(detected_cpu_isa(), parse_cpu_isa_request(env ? env : ""));
  } catch (const Error& e) {
    r.error = e.what();
  }
  return r;
}

}  // namespace

std::string_view cpu_isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::baseline: return "baseline";
    case CpuIsa::avx2: return "avx2";
    case CpuIsa::avx512: return "avx512";
  }
  return "?";
}

CpuIsa detected_cpu_isa() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw"))
    return CpuIsa::avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CpuIsa::avx2;
#endif
  return CpuIsa::baseline;
}

std::optional<CpuIsa> parse_cpu_isa_request(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "baseline" || text == "portable") return CpuIsa::baseline;
  if (text == "avx2") return CpuIsa::avx2;
  if (text == "avx512") return CpuIsa::avx512;
  throw Error(fmt::format("{}='{}': unknown ISA path (expected baseline, portable, avx2 or avx512)", kCpuIsaEnv, text));
}

CpuIsa resolve_cpu_isa(CpuIsa detected, std::optional<CpuIsa> requested) {
  if (!requested) return detected;
  if (static_cast<int>(*requested) > static_cast<int>(detected))
    throw Error(fmt::format("{}={} asks for a path this CPU lacks (it offers {})", kCpuIsaEnv,
                            cpu_isa_name(*requested), cpu_isa_name(detected)));
  return *requested;
}

CpuIsa cpu_isa_in_use() {
  // Computed once: the dispatchers call this on every kernel call.
  static const Resolution resolved = resolve_from_environment();
  if (!resolved.error.empty()) throw Error(resolved.error);
  return resolved.isa;
}

std::string cpu_isa_description() {
  const CpuIsa detected = detected_cpu_isa();
  const CpuIsa used = cpu_isa_in_use();
  if (used == detected) return std::string(cpu_isa_name(used)) + " (what this CPU offers)";
  return fmt::format("{} (forced by {}; this CPU offers {})", cpu_isa_name(used), kCpuIsaEnv, cpu_isa_name(detected));
}

}  // namespace rnnconf::cpu
