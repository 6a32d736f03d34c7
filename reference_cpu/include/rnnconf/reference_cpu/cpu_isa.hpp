// Which x86 vector ISA path the CPU kernels take, and how a user (or CI)
// forces a narrower one. The kernels are compiled for the baseline ISA with
// AVX2 and AVX-512 copies of the hot loops; the copy used is
//   min(what this CPU offers, what RNNCONF_CPU_ISA asks for)
// decided once per process. RNNCONF_CPU_ISA=avx2 on an AVX-512 machine runs
// exactly the code an AVX2-only CPU runs (most laptops, many CI runners), so
// CI covers every path on one machine; =baseline runs the portable loops.
// Asking for an ISA this CPU lacks, or an unknown name, is an error (never a
// silent fallback: a CI job that means to test AVX-512 must not pass on AVX2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rnnconf::cpu {

enum class CpuIsa { baseline, avx2, avx512 };

inline constexpr const char* kCpuIsaEnv = "RNNCONF_CPU_ISA";

std::string_view cpu_isa_name(CpuIsa isa);  // "baseline", "avx2", "avx512"

// What this CPU (and this build) offers: AVX-512 needs F, DQ, VL and BW; AVX2
// needs AVX2 and FMA. Non-x86 builds: baseline.
CpuIsa detected_cpu_isa();

// Parses a request ("baseline" | "portable", "avx2", "avx512"; empty = none).
// Throws rnnconf::Error naming the variable and the accepted values.
std::optional<CpuIsa> parse_cpu_isa_request(std::string_view text);

// The path taken given what the CPU offers and what was asked. Throws
// rnnconf::Error when the request exceeds the CPU.
CpuIsa resolve_cpu_isa(CpuIsa detected, std::optional<CpuIsa> requested);

// The path every kernel of this process takes: resolve_cpu_isa(detected,
// $RNNCONF_CPU_ISA), computed on first use and fixed afterwards. Throws
// (every time) when the variable is invalid.
CpuIsa cpu_isa_in_use();

// One line for --version and reports: "avx2 (forced by RNNCONF_CPU_ISA; CPU offers avx512)".
std::string cpu_isa_description();

}  // namespace rnnconf::cpu
